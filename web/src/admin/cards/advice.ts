/**
 * What the volunteer at OBS (or whoever looks after the server) should do, from the live health figures.
 * The server raises the codes it can measure best (bitrate variation over a minute, transcoder speed);
 * the page adds what is plain from the current figures, so a reading it missed is still explained.
 */
import type { StreamState } from '../../api/status';
import type { IngestHealth } from '../api/types';

/** OBS should send a keyframe every 2 s (the segment length); the measurement wobbles by a few ms. */
export const KEYFRAME_TARGET_SEC = 2;
const KEYFRAME_TOLERANCE_SEC = 0.1;
/** Below this speed the ladder falls behind real time and the lower qualities stall. */
const SLOW_SPEED = 0.9;

export type AdviceKind =
  | 'nginx_down'
  | 'disk_full'
  | 'disk_unwritable'
  | 'disk_low'
  | 'keyframe_too_long'
  | 'bitrate_too_high'
  | 'bitrate_unstable'
  | 'transcoder_slow';

export interface Advice {
  kind: AdviceKind;
  severity: 'error' | 'warning';
  /** The measured keyframe interval, for the keyframe advice. */
  keyframeIntervalSec?: number;
}

const ORDER: readonly AdviceKind[] = ['nginx_down', 'disk_full', 'disk_unwritable', 'disk_low', 'keyframe_too_long', 'bitrate_too_high', 'bitrate_unstable', 'transcoder_slow'];
/** Faults that stop the stream for everyone; the rest are things to improve. */
const ERRORS: readonly AdviceKind[] = ['nginx_down', 'disk_full', 'disk_unwritable'];
/** Above the recommended 2500–4500 kbps with room to spare: viewers on mobile data can't follow. */
export const BITRATE_TOO_HIGH_KBPS = 6000;

export function adviceFor(health: IngestHealth, state: StreamState): Advice[] {
  const kinds = new Set<AdviceKind>(health.advice);
  if (!health.nginxUp) kinds.add('nginx_down');
  const publishing = health.publisher || state === 'live' || state === 'starting';
  if (publishing) {
    const k = health.keyframeIntervalSec;
    if (health.keyframeTooLong || (k !== undefined && k > KEYFRAME_TARGET_SEC + KEYFRAME_TOLERANCE_SEC)) kinds.add('keyframe_too_long');
    if (health.inputKbps !== undefined && health.inputKbps > BITRATE_TOO_HIGH_KBPS) kinds.add('bitrate_too_high');
    const speed = health.transcoder.progress?.speed;
    if (speed !== undefined && speed > 0 && speed < SLOW_SPEED) kinds.add('transcoder_slow');
  }
  return ORDER.filter((k) => kinds.has(k)).map((kind) => ({
    kind,
    severity: ERRORS.includes(kind) ? 'error' : 'warning',
    ...(kind === 'keyframe_too_long' && health.keyframeIntervalSec !== undefined ? { keyframeIntervalSec: health.keyframeIntervalSec } : {}),
  }));
}

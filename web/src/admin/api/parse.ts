/**
 * Reads the admin API's answers defensively: a field the server leaves out (or a newer server changes)
 * becomes "unknown" on the page instead of a crash.
 */
import { isObj, list, num, str } from '../../api/read';
import { OFFLINE_STATUS, parseStatus } from '../../api/status';
import type { AdviceCode, HealthSample, IngestHealth, Overview, RenditionHealth, StorageHealth, StreamSession } from './types';

const ADVICE: readonly AdviceCode[] = ['keyframe_too_long', 'bitrate_too_high', 'bitrate_unstable', 'transcoder_slow', 'disk_full', 'disk_low', 'disk_unwritable'];
const STORAGE_PROBLEMS: readonly string[] = ['disk_full', 'disk_low', 'unwritable'];

function parseRenditionHealth(v: unknown): RenditionHealth | null {
  if (!isObj(v) || typeof v.id !== 'string') return null;
  return {
    id: v.id,
    ready: v.ready === true,
    publishing: v.publishing === true,
    segments: num(v.segments) ?? 0,
    lastSegmentAgeSec: num(v.lastSegmentAgeSec),
  };
}

function parseStorage(v: unknown): StorageHealth | undefined {
  if (!isObj(v) || num(v.freeBytes) === undefined || num(v.totalBytes) === undefined) return undefined;
  const problem = STORAGE_PROBLEMS.includes(v.problem as string) ? (v.problem as StorageHealth['problem']) : undefined;
  return { freeBytes: num(v.freeBytes)!, totalBytes: num(v.totalBytes)!, ok: v.ok !== false, ...(problem ? { problem } : {}) };
}

export function parseHealth(v: unknown): IngestHealth {
  const o = isObj(v) ? v : {};
  const t = isObj(o.transcoder) ? o.transcoder : {};
  const p = isObj(t.progress) ? t.progress : undefined;
  const fps = num(p?.fps);
  const speed = num(p?.speed);
  return {
    advice: list(o.advice).filter((a): a is AdviceCode => ADVICE.includes(a as AdviceCode)),
    nginxUp: o.nginxUp !== false,
    publisher: o.publisher === true,
    inputKbps: num(o.inputKbps),
    width: num(o.width),
    height: num(o.height),
    fps: num(o.fps),
    videoCodec: str(o.videoCodec),
    audioCodec: str(o.audioCodec),
    keyframeIntervalSec: num(o.keyframeIntervalSec),
    keyframeTooLong: o.keyframeTooLong === true,
    transcoder: {
      phase: str(t.phase) ?? 'stopped',
      restarts: num(t.restarts) ?? 0,
      ...(fps !== undefined && speed !== undefined ? { progress: { fps, speed } } : {}),
    },
    renditions: list(o.renditions).map(parseRenditionHealth).filter((r): r is RenditionHealth => r !== null),
    ...(parseStorage(o.storage) ? { storage: parseStorage(o.storage)! } : {}),
  };
}

export function parseSession(v: unknown): StreamSession | null {
  if (!isObj(v) || num(v.id) === undefined || typeof v.startedAt !== 'string') return null;
  return {
    id: num(v.id)!,
    startedAt: v.startedAt,
    liveAt: str(v.liveAt) ?? null,
    endedAt: str(v.endedAt) ?? null,
    peakViewers: num(v.peakViewers) ?? 0,
  };
}

export function parseOverview(v: unknown): Overview {
  const o = isObj(v) ? v : {};
  const status = parseStatus(o.status) ?? OFFLINE_STATUS;
  return {
    status,
    health: parseHealth(o.health),
    viewers: num(o.viewers) ?? status.viewers,
    peak: num(o.peak) ?? 0,
    session: parseSession(o.session),
    obsServer: str(o.obsServer) ?? '',
    publicUrl: parsePublicUrl(o.publicUrl),
  };
}

function parsePublicUrl(v: unknown): Overview['publicUrl'] {
  const o = isObj(v) ? v : {};
  return { url: str(o.url) ?? '', local: o.local === true, suggestion: str(o.suggestion) ?? null };
}

export function parseSamples(v: unknown): HealthSample[] {
  const samples = isObj(v) ? list(v.samples) : [];
  return samples.flatMap((s): HealthSample[] => {
    if (!isObj(s) || typeof s.at !== 'string' || Number.isNaN(Date.parse(s.at))) return [];
    return [{
      at: s.at,
      inputKbps: num(s.inputKbps),
      fps: num(s.fps),
      width: num(s.width),
      height: num(s.height),
      keyframeIntervalSec: num(s.keyframeIntervalSec),
      transcoderSpeed: num(s.transcoderSpeed),
    }];
  });
}

export function parseSessions(v: unknown): StreamSession[] {
  return (isObj(v) ? list(v.sessions) : []).map(parseSession).filter((s): s is StreamSession => s !== null);
}

import { publishUrl } from './destinations.js';

/**
 * The loopback source every copy plays: the publisher's stream in the ingest application, as the ladder
 * reads it. There nginx-rtmp starts each player at a keyframe, video first (`wait_key`, `wait_video`);
 * played from the internal `hls` application, which lacks both, ffmpeg fails to open it ("Invalid data found
 * when processing input").
 */
export function sourceUrl(rtmpPort: number, streamName: string): string {
  return `rtmp://127.0.0.1:${rtmpPort}/live/${streamName}`;
}

/**
 * One destination's ffmpeg: plays the source and copies video and audio (no decode) as FLV to the
 * destination, reporting progress on stdout. `rw_timeout` makes a stalled destination end the run (and
 * be retried) instead of hanging; ffmpeg speaks rtmps itself, which nginx-rtmp's `push` cannot.
 */
export function relayArgs(o: { source: string; url: string; key: string; timeoutSec?: number }): string[] {
  const timeoutUs = String((o.timeoutSec ?? 10) * 1_000_000);
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel', 'warning',
    '-progress', 'pipe:1',
    '-rw_timeout', timeoutUs,
    '-i', o.source,
    '-map', '0:v?',
    '-map', '0:a?',
    '-c', 'copy',
    '-flvflags', 'no_duration_filesize',
    '-rw_timeout', timeoutUs,
    '-f', 'flv',
    publishUrl(o.url, o.key),
  ];
}

import { publishUrl } from './destinations.js';

/** The loopback source every copy plays: the source rendition inside the internal HLS application. */
export function sourceUrl(rtmpPort: number, streamName: string): string {
  return `rtmp://127.0.0.1:${rtmpPort}/hls/${streamName}`;
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

/**
 * Every ffmpeg command the archive runs, as argument arrays (never a shell). Pure: snapshot-tested.
 * Nothing here is ever derived from the stream key: inputs are the public name on loopback, outputs are
 * files under a recording's own folder named by its id.
 */

const QUIET = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'];

/** The listening and podcast file's bitrate (AAC, kbps). */
export const AUDIO_KBPS = 96;

/**
 * The recorder: the source rendition, copied (no video decode), into MPEG-TS, with a second audio track
 * encoded on the fly for the listening file (AAC 96 kbps stereo: the only decode, audio only, ~1.5 % of a
 * core), so finalising copies it instead of encoding an hour of audio. Both audio maps are optional: a
 * publisher without audio gives a video-only part (one output, so nothing fails for want of a stream).
 * A TS file is readable up to its last complete packet, so a kill -9 of anything leaves a playable part,
 * both audio tracks included; each run writes its own part.
 */
export function recordArgs(o: { rtmpPort: number; name: string; output: string }): string[] {
  return [
    ...QUIET,
    '-rw_timeout', '15000000',
    // nginx sends the codec headers first: a short probe (as the ladder's) loses less after a restart.
    '-analyzeduration', '500000', '-probesize', '1000000',
    // The publisher's stream under its public name, as the ladder reads it: that application starts a
    // player at a keyframe, video first, so the recording always begins with a picture.
    '-i', `rtmp://127.0.0.1:${o.rtmpPort}/live/${o.name}`,
    // 0:a:0 is the source's audio, copied; 0:a:1 the listening track, encoded from it.
    '-map', '0:v?', '-map', '0:a?', '-map', '0:a?',
    '-c', 'copy',
    '-c:a:1', 'aac', '-b:a:1', `${AUDIO_KBPS}k`, '-ac:a:1', '2',
    '-f', 'mpegts',
    // Written through at once: a crash loses at most what ffmpeg holds in its buffer.
    '-flush_packets', '1',
    o.output,
  ];
}

/**
 * Joins the parts (concat list) into one MP4 without re-encoding, moov first so a phone can play at once:
 * the video and the source's audio. With `audio`, the same read also copies the live-encoded listening
 * track (the parts' second audio track) into the M4A, faststart too.
 */
export function finaliseVideoArgs(o: { list: string; output: string; audio?: string }): string[] {
  const faststart = ['-c', 'copy', '-movflags', '+faststart'];
  return [
    ...QUIET, '-f', 'concat', '-safe', '0', '-i', o.list,
    '-map', '0:v?', '-map', '0:a:0?', ...faststart, '-f', 'mp4', '-y', o.output,
    ...(o.audio ? ['-map', '0:a:1', ...faststart, '-f', 'mp4', '-y', o.audio] : []),
  ];
}

/** The listening and podcast file encoded from the MP4 or parts: AAC in M4A at 96 kbps (parts made without the live track, a trim). */
export function audioArgs(o: { input: string; output: string; kbps?: number; concat?: boolean }): string[] {
  return [...QUIET, ...(o.concat ? ['-f', 'concat', '-safe', '0'] : []), '-i', o.input, '-vn', '-map', '0:a:0', '-c:a', 'aac', '-b:a', `${o.kbps ?? AUDIO_KBPS}k`, '-movflags', '+faststart', '-f', 'mp4', '-y', o.output];
}

/** A poster from the video: one frame, 640 wide. */
export function posterArgs(o: { input: string; output: string; atSeconds: number }): string[] {
  return [...QUIET, '-ss', o.atSeconds.toFixed(2), '-i', o.input, '-frames:v', '1', '-vf', 'scale=640:-2', '-q:v', '4', '-f', 'image2', '-y', o.output];
}

/**
 * A trim by copying: the cut starts at the keyframe at or before `start` (input seeking), so nothing is
 * re-encoded and the first frame is a keyframe.
 */
export function trimArgs(o: { input: string; output: string; start: number; end: number }): string[] {
  return [
    ...QUIET,
    '-ss', o.start.toFixed(3),
    '-i', o.input,
    '-t', (o.end - o.start).toFixed(3),
    '-map', '0:v?', '-map', '0:a?',
    '-c', 'copy', '-avoid_negative_ts', 'make_zero',
    '-movflags', '+faststart', '-f', 'mp4', '-y', o.output,
  ];
}

/** ffprobe: the container's duration in seconds. */
export function durationArgs(input: string): string[] {
  return ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1', input];
}

/** A concat demuxer list; file names are our own part names (no quoting surprises). */
export function concatList(parts: readonly string[]): string {
  return parts.map((p) => `file '${p.replaceAll("'", "'\\''")}'\n`).join('');
}

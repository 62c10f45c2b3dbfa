/**
 * Every ffmpeg command the archive runs, as argument arrays (never a shell). Pure: snapshot-tested.
 * Nothing here is ever derived from the stream key: inputs are the public name on loopback, outputs are
 * files under a recording's own folder named by its id.
 */

const QUIET = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'];

/** The listening and podcast file's bitrate (AAC, kbps). */
export const AUDIO_KBPS = 96;

/** Reading a loopback RTMP stream: nginx sends the codec headers first, so a short probe (as the ladder's) loses less after a restart. */
const RTMP_IN = ['-rw_timeout', '15000000', '-analyzeduration', '500000', '-probesize', '1000000'];
/** MPEG-TS written through at once: readable up to its last complete packet, so a kill -9 loses at most ffmpeg's buffer. */
const TS_OUT = ['-f', 'mpegts', '-flush_packets', '1'];

/**
 * The recorder: the source rendition, copied (no decode), into MPEG-TS. Both maps are optional: a publisher
 * without audio gives a video-only part (one output, so nothing fails for want of a stream). Each run
 * writes its own part.
 */
export function recordArgs(o: { rtmpPort: number; name: string; output: string }): string[] {
  return [
    ...QUIET, ...RTMP_IN,
    // The publisher's stream under its public name, as the ladder reads it: that application starts a
    // player at a keyframe, video first, so the recording always begins with a picture.
    '-i', `rtmp://127.0.0.1:${o.rtmpPort}/live/${o.name}`,
    '-map', '0:v?', '-map', '0:a?', '-c', 'copy',
    ...TS_OUT, o.output,
  ];
}

/**
 * The listening copy: the ladder's audio-only rendition (AAC ≤ 96 kbps stereo, already encoded for the
 * live page's "Solo audio"), copied from the loopback `hls` application into audio-only MPEG-TS parts
 * beside the recorder's, so the listening and podcast file needs no encode, now or after the service.
 */
export function listenArgs(o: { rtmpPort: number; stream: string; output: string }): string[] {
  return [...QUIET, ...RTMP_IN, '-i', `rtmp://127.0.0.1:${o.rtmpPort}/hls/${o.stream}`, '-map', '0:a:0', '-c', 'copy', ...TS_OUT, o.output];
}

/** Joins the parts (concat list) into one MP4 without re-encoding, moov first so a phone can play at once. */
export function finaliseVideoArgs(o: { list: string; output: string }): string[] {
  return [...QUIET, '-f', 'concat', '-safe', '0', '-i', o.list, '-map', '0:v?', '-map', '0:a:0?', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', '-y', o.output];
}

/** Joins the listening copy's parts into the M4A without re-encoding, faststart too. */
export function finaliseAudioArgs(o: { list: string; output: string }): string[] {
  return [...QUIET, '-f', 'concat', '-safe', '0', '-i', o.list, '-map', '0:a:0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', '-y', o.output];
}

/** The listening and podcast file encoded from the MP4 or parts: AAC in M4A at 96 kbps (no whole listening copy, a trim). */
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

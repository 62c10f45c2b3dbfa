import { execFile } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { audioArgs, concatList, durationArgs, finaliseAudioArgs, finaliseVideoArgs, posterArgs, trimArgs } from './commands.js';
import { LISTEN_PART, PART, RECORDING_FILES } from './ids.js';

const run = promisify(execFile);

export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
  /** Ends the ffmpeg runs in progress (the service is stopping). */
  signal?: AbortSignal;
}

/**
 * Temporary outputs carry the process id: an ffmpeg a killed service left finalising and the next start's
 * finalising never write the same file (each renames a complete one into place).
 */
const tmpName = (file: string) => `${file}.${process.pid}.tmp`;

export interface FinalFiles {
  duration: number;
  videoBytes: number;
  audioBytes: number;
  hasAudio: boolean;
  hasPoster: boolean;
  /** Where the M4A came from: copied from the listening copy's parts (the ladder's audio rendition), or encoded now. */
  audioFrom?: 'live' | 'encoded';
  /** How long the listening copy's parts lasted, joined (seconds), when there were any: why they were used or not. */
  listenedSeconds?: number;
}

export class NoMediaError extends Error {}

const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);

/** `background`: at a lower priority (the audio encode), so the copy that publishes the MP4 goes first. */
async function ffmpeg(tools: MediaTools, args: string[], background = false): Promise<void> {
  const job = run(tools.ffmpeg, args, { maxBuffer: 4 * 1024 * 1024, signal: tools.signal, killSignal: 'SIGKILL' });
  if (background && job.child.pid) {
    try {
      os.setPriority(job.child.pid, 10);
    } catch {
      /* not allowed: same priority then */
    }
  }
  await job;
}

export async function probeDuration(tools: MediaTools, file: string): Promise<number> {
  const { stdout } = await run(tools.ffprobe, durationArgs(file));
  const d = Number.parseFloat(stdout.trim());
  if (!Number.isFinite(d)) throw new Error('no duration');
  return d;
}

async function hasAudioStream(tools: MediaTools, file: string): Promise<boolean> {
  const { stdout } = await run(tools.ffprobe, ['-v', 'error', '-select_streams', 'a', '-show_entries', 'stream=index', '-of', 'csv=p=0', file]);
  return stdout.trim().length > 0;
}

/** The recorder's part files of a recording folder (or the listening copy's, with LISTEN_PART), in order, leaving out empty ones. */
export function partsOf(dir: string, pattern: RegExp = PART): string[] {
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort((a, b) => Number(pattern.exec(a)![1]) - Number(pattern.exec(b)![1]))
    .filter((f) => size(path.join(dir, f)) > 0);
}

/** The MP4 is ready (with its poster): the recording can be published while the audio is still encoding. */
export type VideoReady = Pick<FinalFiles, 'duration' | 'videoBytes' | 'hasPoster'>;

/**
 * The listening copy's M4A is kept when it covers the MP4: at most this much shorter. It starts when the
 * ladder's audio rendition does — the ladder starts on the publish and waits for a keyframe, 1–3 s after
 * the recorder (2.2 s seen on a busy CI machine) — so the podcast may begin a few seconds into the
 * broadcast (before the service starts, in practice). Encoding instead costs about a minute per hour.
 */
const AUDIO_SHORT_S = 4;
/**
 * …and at most this much longer: the listening copy goes on while the recorder restarts after a crash
 * (each restart waits for the publisher's next keyframe), so it may hold seconds the MP4 lacks; much more
 * would mean a hole in its timestamps.
 */
const AUDIO_LONG_S = 10;

/**
 * Turns a recording folder's parts into the published files: the MP4 (copied, faststart), its poster and
 * the M4A. The M4A is copied from the listening copy's parts (the ladder's AAC rendition, recorded beside
 * the video), side by side with the MP4's copy (seconds for an hour), and kept if it covers the MP4;
 * otherwise (no listening parts — no ladder audio rendition, an older recorder — or a copy that came out
 * short) it is encoded from the parts, at a lower priority (~60 s of CPU per hour). Every output is written
 * under a temporary name and renamed, and the parts are deleted only by `removeParts` after the caller
 * recorded the result: a crash at any point leaves the parts, and finalising again is always possible.
 */
export async function finalise(tools: MediaTools, dir: string, onVideo?: (v: VideoReady) => void): Promise<FinalFiles> {
  const parts = partsOf(dir);
  const video = path.join(dir, RECORDING_FILES.video);
  const audio = path.join(dir, RECORDING_FILES.audio);
  if (parts.length === 0) {
    if (existsSync(video)) return derive(tools, dir);
    throw new NoMediaError('no media recorded');
  }
  const list = path.join(dir, 'parts.txt');
  writeFileSync(list, concatList(parts.map((p) => path.join(dir, p))));
  const withAudio = await hasAudioStream(tools, path.join(dir, parts[0]!));
  const listens = withAudio ? partsOf(dir, LISTEN_PART) : [];
  let audioJob: Promise<void> | undefined;
  const encodeAudio = () => {
    audioJob = withAudio
      ? ffmpeg(tools, audioArgs({ input: list, concat: true, output: tmpName(audio) }), true).then(() => renameSync(tmpName(audio), audio))
      : Promise.resolve(rmSync(audio, { force: true }));
    audioJob.catch(() => undefined); // awaited below; a failed copy must not leave it unhandled
  };
  // The listening copy's parts joined beside the MP4's copy; without them the encode starts at once.
  let copied: Promise<boolean> | undefined;
  if (listens.length > 0) {
    const listenList = path.join(dir, 'listen.txt');
    writeFileSync(listenList, concatList(listens.map((p) => path.join(dir, p))));
    copied = ffmpeg(tools, finaliseAudioArgs({ list: listenList, output: tmpName(audio) })).then(() => true, () => false);
  } else encodeAudio();
  const videoTmp = tmpName(video);
  await ffmpeg(tools, finaliseVideoArgs({ list, output: videoTmp }));
  renameSync(videoTmp, video);
  const duration = await probeDuration(tools, video);
  const listenedSeconds = copied && (await copied) ? await probeDuration(tools, tmpName(audio)).catch(() => undefined) : undefined;
  const live = listenedSeconds !== undefined && keepIfCovers(tmpName(audio), audio, listenedSeconds, duration);
  if (copied && !live) encodeAudio();
  // The MP4 is published with its poster; an encoded audio (and the podcast item) follows.
  const hasPoster = await makePoster(tools, dir, duration);
  onVideo?.({ duration, videoBytes: size(video), hasPoster });
  await audioJob;
  const audioFrom = live ? 'live' : withAudio ? 'encoded' : undefined;
  return { duration, videoBytes: size(video), audioBytes: size(audio), hasAudio: withAudio, hasPoster, audioFrom, listenedSeconds };
}

/** Renames the copied M4A into place if it covers the video (see AUDIO_SHORT_S, AUDIO_LONG_S); otherwise drops it. */
function keepIfCovers(tmp: string, audio: string, seconds: number, videoSeconds: number): boolean {
  if (seconds < videoSeconds - AUDIO_SHORT_S || seconds > videoSeconds + AUDIO_LONG_S) {
    rmSync(tmp, { force: true });
    return false;
  }
  renameSync(tmp, audio);
  return true;
}

async function makePoster(tools: MediaTools, dir: string, duration: number): Promise<boolean> {
  const poster = path.join(dir, RECORDING_FILES.poster);
  await ffmpeg(tools, posterArgs({ input: path.join(dir, RECORDING_FILES.video), output: tmpName(poster), atSeconds: Math.min(10, duration / 3) }))
    .then(() => renameSync(tmpName(poster), poster))
    .catch(() => undefined);
  return existsSync(poster);
}

/** The audio file and the poster from the MP4, and the figures. */
export async function derive(tools: MediaTools, dir: string): Promise<FinalFiles> {
  const video = path.join(dir, RECORDING_FILES.video);
  const audio = path.join(dir, RECORDING_FILES.audio);
  const duration = await probeDuration(tools, video);
  const withAudio = await hasAudioStream(tools, video);
  // On two cores the audio encode and the poster run side by side.
  const audioJob = withAudio
    ? ffmpeg(tools, audioArgs({ input: video, output: tmpName(audio) })).then(() => renameSync(tmpName(audio), audio))
    : Promise.resolve(rmSync(audio, { force: true }));
  const [hasPoster] = await Promise.all([makePoster(tools, dir, duration), audioJob]);
  return { duration, videoBytes: size(video), audioBytes: size(audio), hasAudio: withAudio, hasPoster };
}

export function removeParts(dir: string): void {
  for (const f of readdirSync(dir)) if (PART.test(f) || LISTEN_PART.test(f) || f === 'parts.txt' || f === 'listen.txt' || f.endsWith('.tmp')) rmSync(path.join(dir, f), { force: true });
}

/** Prepares a trimmed copy beside the original (which stays until the trim is saved). */
export async function prepareTrim(tools: MediaTools, dir: string, start: number, end: number): Promise<{ duration: number; bytes: number }> {
  const out = path.join(dir, RECORDING_FILES.trim);
  const tmp = tmpName(out);
  await ffmpeg(tools, trimArgs({ input: path.join(dir, RECORDING_FILES.video), output: tmp, start, end }));
  renameSync(tmp, out);
  return { duration: await probeDuration(tools, out), bytes: size(out) };
}

/** Saves a prepared trim: it replaces the MP4, and the audio and poster are made again from it. */
export async function saveTrim(tools: MediaTools, dir: string): Promise<FinalFiles> {
  renameSync(path.join(dir, RECORDING_FILES.trim), path.join(dir, RECORDING_FILES.video));
  return derive(tools, dir);
}

/** Bytes used by a recording's folder. */
export function folderBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((n, f) => n + size(path.join(dir, f)), 0);
}

import { randomBytes } from 'node:crypto';
import path from 'node:path';

/**
 * Recording ids are plain ASCII (the web nginx refuses anything fancier in a path) and random: never
 * derived from the stream key or anything a publisher controls. "20261206-1a2b3c4d".
 */
export const RECORDING_ID = /^[0-9]{8}-[0-9a-f]{8}$/;

export function newRecordingId(at: Date): string {
  return `${at.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`;
}

/** The files a recording may offer, by the name used in URLs. */
export const RECORDING_FILES = {
  video: 'video.mp4',
  audio: 'audio.m4a',
  poster: 'poster.jpg',
  trim: 'video.trim.mp4',
} as const;
export type RecordingFile = keyof typeof RECORDING_FILES;

/**
 * The folder of a recording inside the recordings root, or undefined for anything that is not one of our
 * ids: no input can name a path outside the root.
 */
export function recordingDir(root: string, id: string): string | undefined {
  if (!RECORDING_ID.test(id)) return undefined;
  const dir = path.resolve(root, id);
  return path.dirname(dir) === path.resolve(root) ? dir : undefined;
}

/** A part file of the recorder's nth run: part-0001.ts … */
export const partName = (n: number) => `part-${String(n).padStart(4, '0')}.ts`;
export const PART = /^part-(\d{4,})\.ts$/;

/** A part of the listening copy's nth run (audio only, the ladder's audio rendition): listen-0001.ts … */
export const listenPartName = (n: number) => `listen-${String(n).padStart(4, '0')}.ts`;
export const LISTEN_PART = /^listen-(\d{4,})\.ts$/;

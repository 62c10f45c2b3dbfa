/**
 * The archive's finalise() with real ffmpeg on parts made as the recorder and the listening copy make them
 * (short ones, generated at speed): the M4A is copied from the listening copy's parts (the ladder's 96 kbps
 * rendition) when they cover the video, and encoded from the video parts otherwise — no listening parts (no
 * ladder audio rendition, an older recorder), a listening copy cut short — and a recording without audio
 * gets no audio file. The service's own path through it is in archive.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { finalise } from '../../server/src/archive/finaliser.js';

const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
const work = mkdtempSync(path.join(os.tmpdir(), 'cdp-finalise-'));

const tone = (d: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${d}`];

/** A recorder part of `seconds`: video, and the source's audio (AAC 128 kbps) unless `silent`. */
function part(file: string, seconds: number, silent = false): void {
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=30:duration=${seconds}`,
    ...(silent ? [] : tone(seconds)), '-map', '0:v', ...(silent ? [] : ['-map', '1:a']),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-f', 'mpegts', file,
  ]);
}

/** A listening copy's part of `seconds`: audio only, as the ladder's rendition (AAC 96 kbps stereo), in MPEG-TS. */
function listenPart(file: string, seconds: number): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...tone(seconds), '-c:a', 'aac', '-b:a', '96k', '-ac', '2', '-f', 'mpegts', file]);
}

function probe(file: string): { duration: number; streams: { codec_type: string; codec_name: string; bit_rate?: string }[] } {
  const out = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,bit_rate', '-of', 'json', file], { encoding: 'utf8' }));
  return { duration: Number(out.format.duration), streams: out.streams };
}

/** A recording folder with a recorder part per `video` entry and a listening part per `listening` entry (seconds). */
function recording(name: string, video: number[], listening: number[] = [], silent = false): string {
  const dir = path.join(work, name);
  mkdirSync(dir);
  video.forEach((seconds, i) => part(path.join(dir, `part-000${i + 1}.ts`), seconds, silent));
  listening.forEach((seconds, i) => listenPart(path.join(dir, `listen-000${i + 1}.ts`), seconds));
  return dir;
}

describe('finalising a recording folder with real ffmpeg', { timeout: 120_000 }, () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  test('listening parts covering the video: the M4A is those parts, copied (96 kbps), as long as the MP4', async () => {
    const dir = recording('live', [4, 3], [4, 3]);
    let published: number | undefined;
    const f = await finalise(tools, dir, (v) => (published = v.duration));
    assert.equal(f.audioFrom, 'live');
    assert.equal(published, f.duration, 'published once, with the audio ready');
    assert.ok(Math.abs(f.duration - 7) < 0.5, `duration ${f.duration}`);
    const v = probe(path.join(dir, 'video.mp4'));
    assert.deepEqual(v.streams.map((s) => `${s.codec_type}:${s.codec_name}`), ['video:h264', 'audio:aac'], 'the MP4 keeps the source audio only');
    assert.ok(Number(v.streams[1]!.bit_rate) > 110_000, `MP4 audio is the source's 128 kbps (${v.streams[1]!.bit_rate})`);
    const a = probe(path.join(dir, 'audio.m4a'));
    assert.deepEqual(a.streams.map((s) => s.codec_name), ['aac']);
    assert.ok(Number(a.streams[0]!.bit_rate) <= 100_000, `M4A ${a.streams[0]!.bit_rate} b/s`);
    assert.ok(Math.abs(a.duration - v.duration) <= 0.5, `audio ${a.duration} s, video ${v.duration} s`);
    assert.equal(f.audioBytes > 0 && f.hasAudio, true);
  });

  test('a listening copy a few seconds longer than the video (it ran on while the recorder restarted): kept', async () => {
    const dir = recording('longer', [3, 3], [9]);
    const f = await finalise(tools, dir);
    assert.equal(f.audioFrom, 'live');
    assert.ok(Math.abs(probe(path.join(dir, 'audio.m4a')).duration - 9) <= 0.5);
  });

  test('no listening parts (no ladder audio rendition, an older recorder): the audio is encoded from the parts', async () => {
    const dir = recording('older', [3, 3]);
    const f = await finalise(tools, dir);
    assert.equal(f.audioFrom, 'encoded');
    const a = probe(path.join(dir, 'audio.m4a'));
    assert.ok(Number(a.streams[0]!.bit_rate) <= 100_000);
    assert.ok(Math.abs(a.duration - f.duration) <= 1, `audio ${a.duration} s, video ${f.duration} s`);
  });

  test('a listening copy cut short: dropped, and the audio encoded from the source track instead', async () => {
    const dir = recording('short', [6], [1]);
    const f = await finalise(tools, dir);
    assert.equal(f.audioFrom, 'encoded');
    assert.ok(Math.abs(probe(path.join(dir, 'audio.m4a')).duration - f.duration) <= 1);
    assert.ok(!readdirSync(dir).some((n) => n.startsWith('audio.m4a.')), 'no temporary audio left beside it');
  });

  test('no audio at all: video only, no audio file', async () => {
    const dir = recording('silent', [3], [], true);
    const f = await finalise(tools, dir);
    assert.equal(f.hasAudio, false);
    assert.equal(f.audioFrom, undefined);
    assert.equal(f.audioBytes, 0);
    assert.ok(!existsSync(path.join(dir, 'audio.m4a')));
    assert.deepEqual(probe(path.join(dir, 'video.mp4')).streams.map((s) => s.codec_type), ['video']);
  });
});

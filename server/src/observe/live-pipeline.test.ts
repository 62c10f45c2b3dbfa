import { test, describe, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_LADDER } from '../config/schema.js';
import { createLogger } from '../log/logger.js';
import { Redactor } from '../log/redactor.js';
import { LiveStream } from '../stream/live-stream.js';
import { buildLadder } from '../transcode/ladder.js';
import { LivePipeline } from './live-pipeline.js';
import type { MediaObserver, Observation } from './observer.js';
import type { StatStream } from './stat.js';
import type { Transcoder } from '../transcode/transcoder.js';

const T0 = 1_800_000_000_000;
const ladder = buildLadder('envivo', DEFAULT_LADDER);

const VIDEO = { width: 1280, height: 720, fps: 30, codec: 'H264', profile: 'High', level: '3.1' };
const AUDIO = { codec: 'AAC', profile: 'LC', channels: 2, sampleRate: 48000 };

function source(withAudio: boolean): StatStream {
  return { name: 'envivo', timeMs: 5_000, bwIn: 2_500_000, bwVideo: 2_300_000, bwAudio: withAudio ? 128_000 : 0, publishing: true, clients: 2, video: VIDEO, ...(withAudio ? { audio: AUDIO } : {}) };
}

/** An observation of a publisher whose listed renditions each have a fresh segment. */
function observation(at: number, withAudio: boolean, ready: string[]): Observation {
  return {
    at,
    nginxUp: true,
    publisher: true,
    publisherSince: T0,
    source: source(withAudio),
    ready,
    renditions: ladder.all.map((r) => ({
      id: r.id,
      publishing: ready.includes(r.id),
      ready: ready.includes(r.id),
      segments: ready.includes(r.id) ? 2 : 0,
      media: ready.includes(r.id) ? { width: r.width ?? 1280, height: r.height ?? 720, audioCodec: withAudio ? 'mp4a.40.2' : undefined } : undefined,
    })),
  };
}

/**
 * A pipeline with a fake observer (which replays what the transcoder was asked to publish) and a fake
 * transcoder, wired like platform.ts: the stream waits for every rendition of the ladder.
 */
function setup(t: TestContext) {
  const masterDir = mkdtempSync(path.join(os.tmpdir(), 'cdp-pipeline-'));
  t.after(() => rmSync(masterDir, { recursive: true, force: true }));
  let now = T0;
  let withAudio = true;
  const ensured: string[][] = [];
  const transcoder = {
    wanted: false,
    ensure(args: string[]) {
      this.wanted = true;
      ensured.push(args);
    },
    async stop() {
      this.wanted = false;
    },
    status: () => ({ phase: 'running' as const, restarts: 0 }),
  };
  /** Renditions that exist: the source always, and the rungs the transcoder was last asked to publish. */
  const produced = () => {
    const args = ensured[ensured.length - 1] ?? [];
    return ladder.all.filter((r) => r.id === 'source' || args.includes(`rtmp://127.0.0.1:1935/hls/${r.streamName}`)).map((r) => r.id);
  };
  let publisherShown = true;
  /** Whether the ladder shows up as a player of the ingest stream in /stat once started. */
  const ladderPlays = { value: true, statCalls: 0 };
  const observer = {
    observe: async () => (publisherShown ? observation(now, withAudio, produced()) : { at: now, nginxUp: true, publisher: false, ready: [], renditions: [] }),
    stat: async () => {
      ladderPlays.statCalls++;
      const player = ladderPlays.value && ensured.length > 0;
      const idle: StatStream = { name: 'envivo', timeMs: 0, bwIn: 0, bwVideo: 0, bwAudio: 0, publishing: false, clients: player ? 1 : 0 };
      return { uptimeSec: 1, apps: new Map([['live', player ? [idle] : []]]) };
    },
  };
  const stream = new LiveStream({ renditions: ladder.all.map((r) => r.id), graceMs: 10_000 }, T0);
  const pipeline = new LivePipeline({
    ladder,
    stream,
    observer: observer as unknown as MediaObserver,
    transcoder: transcoder as unknown as Transcoder,
    logger: createLogger('silent', new Redactor()),
    masterDir,
    rtmpPort: 1935,
    fragmentSeconds: 2,
    preset: 'veryfast',
    threads: 0,
    ffmpeg: 'ffmpeg',
    ffprobe: 'ffprobe',
    now: () => now,
    ladderJoinTimeoutMs: 300,
  });
  /** Publisher connects, then the pipeline observes every second for `seconds`. */
  const broadcast = async (audio: boolean, seconds: number) => {
    withAudio = audio;
    await pipeline.publishStarted();
    for (let i = 1; i <= seconds; i++) {
      now = T0 + i * 1000;
      await pipeline.observeOnce();
    }
  };
  /** An observation `afterMs` after T0 in which /stat shows no publisher (on_publish still pending). */
  const observeWithoutPublisher = async (afterMs: number) => {
    now = T0 + afterMs;
    publisherShown = false;
    await pipeline.observeOnce();
    publisherShown = true;
  };
  return { pipeline, stream, ensured, transcoder, broadcast, observeWithoutPublisher, ladderPlays, masterFile: path.join(masterDir, 'envivo.m3u8') };
}

describe('LivePipeline', () => {
  test('a publisher with audio goes live once the transcoder publishes every rung, and the master lists them all', async (t) => {
    const { stream, ensured, broadcast, masterFile, pipeline } = setup(t);
    await broadcast(true, 6);
    assert.ok(ensured.length > 0, 'the transcoder was started');
    assert.ok(ensured[0]!.includes('rtmp://127.0.0.1:1935/hls/envivo_audio'));
    assert.equal(stream.state.state, 'live');
    assert.ok(existsSync(masterFile));
    const uris = readFileSync(masterFile, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    assert.deepEqual(uris, ['envivo_mid/index.m3u8', 'envivo/index.m3u8', 'envivo_low/index.m3u8', 'envivo_audio/index.m3u8']);
    assert.equal(pipeline.status().state, 'live');
    assert.equal(pipeline.status().renditions.length, 4);
    assert.equal(pipeline.sourceHasAudio(), true, 'the archive copies the audio rendition');
  });

  test('a publisher without audio (a camera with no microphone) still goes live', async (t) => {
    const { stream, ensured, broadcast, pipeline } = setup(t);
    assert.equal(pipeline.sourceHasAudio(), undefined, 'unknown before anything is observed');
    await broadcast(false, 8);
    assert.equal(pipeline.sourceHasAudio(), false, 'the archive ends its listening copy');
    assert.ok(ensured.length > 0, 'the transcoder was started');
    assert.ok(!ensured[ensured.length - 1]!.some((a) => a.endsWith('/envivo_audio')), 'no audio-only rung without audio');
    assert.equal(stream.state.state, 'live');
  });

  test('the ladder started by on_publish is not stopped while /stat does not show the publisher yet', async (t) => {
    const { pipeline, ensured, transcoder, observeWithoutPublisher } = setup(t);
    await pipeline.publishStarted();
    await observeWithoutPublisher(1000);
    assert.equal(transcoder.wanted, true, 'still wanted a second after on_publish');
    assert.equal(ensured.length, 1);
    await observeWithoutPublisher(6000);
    assert.equal(transcoder.wanted, false, 'stopped once the publisher is clearly not coming');
  });

  test('on_publish is answered once the ladder plays the ingest stream, so it gets the first keyframe', async (t) => {
    const { pipeline, ensured, ladderPlays } = setup(t);
    await pipeline.publishStarted();
    assert.equal(ensured.length, 1, 'the ladder was started before the answer');
    assert.ok(ladderPlays.statCalls >= 1, '/stat was asked whether the ladder is playing');
  });

  test('a ladder that never joins holds the publisher back no longer than the timeout', async (t) => {
    const { pipeline, ladderPlays } = setup(t);
    ladderPlays.value = false;
    await pipeline.publishStarted();
    assert.ok(ladderPlays.statCalls > 1, 'it kept asking until the timeout');
  });
});

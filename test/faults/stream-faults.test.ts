/**
 * Fault suite, stream side: what a viewer sees when each moving part fails mid-broadcast. Each case prints
 * `FIGURE name=value` lines for the README's reliability table.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseMediaPlaylist } from '../../server/src/observe/playlist.js';
import { isAlive } from '../../server/src/process/processes.js';
import { findStream, parseStat } from '../../server/src/observe/stat.js';
import {
  cleanupService, ensureBuilt, publish, sleep, startService, waitFor, watchStates,
  type Publisher, type ServiceHandle,
} from '../helpers/platform.js';
import {
  childrenOf, figure, killPids, nginxProcesses, playlistPoint, readPid, retryingPublisher, watchPlaylist, type RetryingPublisher,
} from '../helpers/faults.js';

const RUNGS = ['envivo_mid', 'envivo_low', 'envivo_audio'];

const allReady = (s: { state: string; renditions: { ready: boolean }[] }) => s.renditions.length > 0 && s.renditions.every((r) => r.ready);

describe('stream faults: publisher blip, transcoder and service killed', { timeout: 200_000 }, () => {
  let svc: ServiceHandle;
  let pub: Publisher | undefined;
  const ingest = () => `rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`;

  before(async () => {
    ensureBuilt();
    svc = await startService();
    pub = publish(ingest());
    await waitFor('live with every rendition', async () => {
      const s = await svc.status();
      return s.state === 'live' && allReady(s);
    }, 45_000, 200);
  });
  after(async () => {
    await pub?.stop();
    await cleanupService(svc);
  });

  test('a 4 s publisher blip (grace 10 s) never shows viewers "offline", and is live again after', async (t) => {
    const ws = await watchStates(svc.base);
    t.after(() => ws.close()); // a failed assertion must not leave the socket holding the file open
    await pub!.stop();
    await sleep(4000);
    pub = publish(ingest());
    const republished = Date.now();
    await waitFor('live again after the blip', async () => {
      const s = await svc.status();
      return s.state === 'live' && allReady(s);
    }, 30_000, 100);
    const seconds = (Date.now() - republished) / 1000;
    figure('blip-republish-to-live-s', seconds);
    await sleep(500);
    ws.close();
    assert.ok(!ws.states.includes('offline'), `viewers never saw offline (saw ${ws.states.join(' → ')})`);
    assert.ok(ws.states.includes('reconnecting'), `viewers were told "reconnecting" (saw ${ws.states.join(' → ')})`);
    assert.equal(ws.states.at(-1), 'live');
  });

  test('kill -9 of the transcoder: the ladder is back within 5 s and the source never stalls', async (t) => {
    // Steady state first: the blip's new ladder must be the one we kill.
    await waitFor('every rung advancing', async () => allReady(await svc.status()), 20_000, 200);
    const pid = readPid(path.join(svc.dataDir, 'transcoder.pid'));
    assert.ok(isAlive(pid), 'the transcoder runs');
    const before = await Promise.all(RUNGS.map((r) => playlistPoint(`${svc.base}/video/${r}/index.m3u8`)));
    for (const [i, p] of before.entries()) assert.ok(p.newestUri, `${RUNGS[i]} lists a segment before the kill`);
    const ws = await watchStates(svc.base);
    t.after(() => ws.close()); // a failed assertion must not leave the socket holding the file open
    const source = watchPlaylist(`${svc.base}/video/envivo/index.m3u8`);
    t.after(() => source.stop()); // its polling loop would keep the test file from ever ending
    await sleep(2500); // a little of the source's rhythm before the fault

    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    // nginx flushes each rung's open fragment when the killed ffmpeg's connection drops, and "ready" allows
    // a few seconds of staleness: only a segment listed after the new transcoder started proves it is back.
    const restarted = await waitFor('a new transcoder', async () => {
      const h = await svc.health();
      return h.transcoder.pid && h.transcoder.pid !== pid ? (h.transcoder.pid as number) : undefined;
    }, 30_000, 50);
    const pidAfter = (Date.now() - killedAt) / 1000;
    // The ladder is back when every rung publishes into nginx again from the new ffmpeg: nginx's /stat
    // lists each rung's publisher as connected for less time than has passed since the kill.
    await waitFor('every rung publishing again', async () => {
      const stat = parseStat(await (await fetch(`http://127.0.0.1:${svc.statPort}/stat`)).text());
      const since = Date.now() - killedAt;
      return RUNGS.every((r) => {
        const st = findStream(stat, 'hls', r);
        // The publisher's own time: a player (the archive's listening copy) keeps the stream itself alive.
        return st?.publishing && (st.publisherMs ?? st.timeMs) < since;
      });
    }, 30_000, 50);
    const ladderBack = (Date.now() - killedAt) / 1000;
    figure('transcoder-ladder-back-s', ladderBack);
    const atRestart = await Promise.all(RUNGS.map((r) => playlistPoint(`${svc.base}/video/${r}/index.m3u8`)));
    const fresh = new Map<string, number>();
    await waitFor('every rung with a segment from the new transcoder, all ready', async () => {
      const now = await Promise.all(RUNGS.map((r) => playlistPoint(`${svc.base}/video/${r}/index.m3u8`)));
      now.forEach((p, i) => {
        if (p.newestUri && p.newestUri !== atRestart[i]!.newestUri && !fresh.has(RUNGS[i]!)) fresh.set(RUNGS[i]!, (Date.now() - killedAt) / 1000);
      });
      return fresh.size === RUNGS.length && allReady(await svc.status()) && (await svc.health()).transcoder.pid === restarted;
    }, 30_000, 100);
    const seconds = (Date.now() - killedAt) / 1000;
    figure('transcoder-rungs-playable-s', seconds);
    console.log(`# transcoder recovery: new pid after ${pidAfter} s; first new segment ${[...fresh].map(([r, t]) => `${r} ${t} s`).join(', ')}; all ready ${seconds} s`);
    await sleep(2500); // and a little after
    const src = await source.stop();
    ws.close();
    figure('transcoder-kill-source-max-gap-s', src.maxGapSec);

    assert.ok(ladderBack <= 5, `the ladder was back (every rung publishing) ${ladderBack} s after the kill (bound 5 s)`);
    // A restarted rung's first segment needs the source's next keyframe (up to one 2 s GOP) and one whole
    // 2 s fragment: typically 3–5 s; 8 s leaves room for a loaded machine.
    assert.ok(seconds <= 8, `every rung listed a new segment ${seconds} s after the kill (bound 8 s)`);
    assert.equal(src.failures, 0, 'the source playlist answered with segments at every poll');
    assert.ok(!src.wentBack, 'the source media sequence never went back');
    assert.ok(src.last! > src.first!, `the source kept gaining segments (${src.first} → ${src.last})`);
    assert.ok(src.maxGapSec <= 5, `the source never went more than ~2 fragments without a new segment (longest ${src.maxGapSec} s)`);
    assert.deepEqual(ws.states.filter((x) => x !== 'live'), [], `viewers saw only "live" (saw ${ws.states.join(' → ')})`);
    assert.equal((await svc.status()).state, 'live');
  });

  test('kill -9 of the service: nginx keeps serving HLS, and after restart it is live within 3 s', async (t) => {
    svc.kill9();
    await waitFor('the service to be gone', () => svc.proc.exitCode !== null || svc.proc.signalCode !== null, 5000, 50);
    await sleep(1000);
    // A viewer's player keeps working while the service is down: playlist and segment from the public port.
    const pl = await fetch(`${svc.base}/video/envivo/index.m3u8`);
    const body = await pl.text();
    assert.equal(pl.status, 200, 'the source playlist is served while the service is dead');
    const seg = parseMediaPlaylist(body)?.segments.at(-1)?.uri;
    assert.ok(seg, 'the playlist lists a segment');
    const s = await fetch(`${svc.base}/video/envivo/${seg}`);
    assert.equal(s.status, 200, 'a segment is served while the service is dead');
    assert.ok((await s.arrayBuffer()).byteLength > 1000, 'the segment has content');

    await svc.restart(); // returns once /readyz answers through nginx
    const answering = Date.now();
    const ws = await watchStates(svc.base);
    t.after(() => ws.close()); // a failed assertion must not leave the socket holding the file open
    let firstSeen: string | undefined;
    await waitFor('live after the restart', async () => {
      const st = await svc.status();
      firstSeen ??= st.state;
      return st.state === 'live';
    }, 30_000, 100);
    const seconds = (Date.now() - answering) / 1000;
    figure('service-restart-to-live-s', seconds);
    figure('service-restart-first-state', firstSeen ?? 'none');
    await sleep(300);
    ws.close();
    console.log(`# states after the restart: ${firstSeen} then ${ws.states.join(' → ')}`);
    assert.ok(seconds <= 3, `live ${seconds} s after the restarted service answered (bound 3 s; first state seen "${firstSeen}")`);
    // The ladder the killed service left running was taken over, not restarted: the rungs never paused.
    assert.match(svc.logs(), /"event":"transcoder_adopted"/);
  });
});

describe('stream faults: nginx killed under a live publisher', { timeout: 150_000 }, () => {
  // GRACE_SECONDS=20: nginx's restart, OBS's ~2 s reconnect and the ladder's first segments take about 10 s,
  // the default grace; the point here is that the service brings nginx back, not the exact grace.
  const GRACE = 20;
  let svc: ServiceHandle;
  let pub: RetryingPublisher | undefined;
  const orphans = new Set<number>();

  before(async () => {
    ensureBuilt();
    svc = await startService({ GRACE_SECONDS: String(GRACE) });
  });
  after(async () => {
    await pub?.stop();
    await cleanupService(svc);
    // Workers of the nginx we killed, if they outlived their master (they are ours: this test made them).
    killPids([...orphans].filter(isAlive));
  });

  test(`kill -9 of nginx: it is restarted, the reconnecting publisher is live again, never "offline" (grace ${GRACE} s)`, async (t) => {
    pub = retryingPublisher(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`, 2000);
    await waitFor('live with every rendition', async () => {
      const s = await svc.status();
      return s.state === 'live' && allReady(s);
    }, 45_000, 200);
    const pidFile = path.join(svc.dataDir, 'nginx', 'nginx.pid');
    const master = readPid(pidFile);
    for (const w of childrenOf(master)) orphans.add(w);
    // The public /ws goes through the nginx being killed; a browser would reconnect. Watch the service's
    // pushes on its internal listener instead, to see every state it announced during the outage.
    const ws = await watchStates(`http://127.0.0.1:${svc.internalPort}`);
    t.after(() => ws.close()); // a failed assertion must not leave the socket holding the file open
    const attemptsBefore = pub.attempts;

    process.kill(master, 'SIGKILL');
    const killedAt = Date.now();
    let sawNotLive = false;
    let live = false;
    try {
      await waitFor('live again after nginx was killed', async () => {
        const s = await svc.status().catch(() => undefined);
        if (s && s.state !== 'live') sawNotLive = true;
        return sawNotLive && s?.state === 'live' && allReady(s);
      }, 40_000, 200);
      live = true;
    } finally {
      const seconds = (Date.now() - killedAt) / 1000;
      if (live) figure('nginx-kill-to-live-s', seconds);
      if (!live) {
        const held = [...orphans].filter(isAlive);
        if (held.length > 0 && /Address already in use/.test(svc.logs())) {
          console.log(`# KNOWN RISK: nginx workers ${held.join(',')} outlived their killed master and hold the ports; nginx's restart fails with "Address already in use"`);
        }
        console.log(`# nginx processes after the kill (master was ${master}, workers ${[...orphans].join(',')}):\n${nginxProcesses()}`);
        console.log(`# service log tail:\n${svc.logs().split('\n').filter((l) => /nginx/.test(l)).slice(-15).join('\n')}`);
      }
    }
    const seconds = (Date.now() - killedAt) / 1000;
    await sleep(300);
    ws.close();
    figure('nginx-kill-publisher-reconnects', pub.attempts - attemptsBefore);
    const newMaster = readPid(pidFile);
    assert.notEqual(newMaster, master, 'a new nginx master runs');
    assert.ok(isAlive(newMaster));
    assert.ok(ws.states.includes('reconnecting'), `viewers were told "reconnecting" (saw ${ws.states.join(' → ')})`);
    assert.ok(!ws.states.includes('offline'), `viewers never saw offline (saw ${ws.states.join(' → ')})`);
    assert.equal(ws.states.at(-1), 'live');
    assert.ok(seconds < GRACE, `live again ${seconds} s after the kill, within the grace period`);
    assert.match(svc.logs(), /nginx exited; restarting/);
  });
});

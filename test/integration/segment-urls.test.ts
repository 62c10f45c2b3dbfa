/**
 * A segment URL names one content forever (segments are served immutable, so browsers and edge caches
 * keep them), and a playlist URL's media sequence never goes backwards: across broadcasts, a restart of
 * the platform after nginx's HLS cleanup, and a wiped DATA_DIR. Each broadcast shows another picture.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseMediaPlaylist } from '../../server/src/observe/playlist.js';
import { cleanupService, ensureBuilt, publish, sleep, startService, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';

const RENDITIONS = ['envivo', 'envivo_mid', 'envivo_low', 'envivo_audio'];

/** What one broadcast's playlists listed, per rendition: segment URLs and every media sequence seen. */
interface Broadcast {
  urls: Map<string, Set<string>>;
  sequences: Map<string, number[]>;
}

describe('segment URLs across broadcasts, restarts and a wiped DATA_DIR', { timeout: 420_000 }, () => {
  let svc: ServiceHandle;
  let pub: Publisher | undefined;
  const broadcasts: Broadcast[] = [];

  before(async () => {
    ensureBuilt();
    svc = await startService();
  });
  after(async () => {
    await pub?.stop();
    await cleanupService(svc);
  });

  const hlsDir = () => path.join(svc.dataDir, 'media', 'hls', 'video');

  /** Publishes `picture` until live, reads every rendition's playlist for a few fragments, then stops. */
  async function broadcast(picture: string): Promise<Broadcast> {
    pub = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`, { picture });
    await waitFor('state live', async () => (await svc.status()).state === 'live', 60_000, 200);
    const b: Broadcast = { urls: new Map(RENDITIONS.map((r) => [r, new Set()])), sequences: new Map(RENDITIONS.map((r) => [r, []])) };
    for (let i = 0; i < 6; i++) {
      for (const r of RENDITIONS) {
        const res = await fetch(`${svc.base}/video/${r}/index.m3u8`);
        const pl = parseMediaPlaylist(await res.text());
        assert.equal(res.status, 200, `${r} playlist`);
        assert.ok(pl, `${r} playlist parses`);
        b.sequences.get(r)!.push(pl.mediaSequence);
        for (const s of pl.segments) b.urls.get(r)!.add(new URL(s.uri, `${svc.base}/video/${r}/index.m3u8`).pathname);
      }
      await sleep(1000);
    }
    await pub.stop();
    pub = undefined;
    await waitFor('state offline', async () => (await svc.status()).state === 'offline', 60_000, 200);
    return b;
  }

  /** nginx's hls_cleanup removes an ended broadcast's playlists about a playlist's length later. */
  async function untilCleanedUp(): Promise<void> {
    await waitFor('hls_cleanup to remove the ended playlists', () => RENDITIONS.every((r) => !existsSync(path.join(hlsDir(), r, 'index.m3u8'))), 90_000, 500);
  }

  function assertNewer(later: Broadcast, earlier: Broadcast, what: string): void {
    for (const r of RENDITIONS) {
      const reused = [...later.urls.get(r)!].filter((u) => earlier.urls.get(r)!.has(u));
      assert.ok(later.urls.get(r)!.size > 0, `${what}: ${r} listed segments`);
      assert.deepEqual(reused, [], `${what}: ${r} reuses segment URLs of an earlier broadcast (with other bytes)`);
      const before = Math.max(...earlier.sequences.get(r)!);
      const now = Math.min(...later.sequences.get(r)!);
      assert.ok(now > before, `${what}: ${r}'s media sequence went backwards (${before} → ${now})`);
    }
  }

  test('within one broadcast, every playlist URL\'s media sequence only grows', async () => {
    broadcasts.push(await broadcast('testsrc2'));
    for (const r of RENDITIONS) {
      const seq = broadcasts[0]!.sequences.get(r)!;
      assert.deepEqual(seq, [...seq].sort((a, b) => a - b), `${r}: ${seq.join(',')}`);
    }
  });

  test('after the cleanup and a restart, a new broadcast (another picture) has new segment URLs and a higher sequence', async () => {
    await untilCleanedUp();
    await svc.stop();
    await svc.restart();
    broadcasts.push(await broadcast('smptebars'));
    assertNewer(broadcasts[1]!, broadcasts[0]!, 'after a restart');
  });

  test('after DATA_DIR is wiped, a third broadcast still reuses no URL and its sequence still grows', async () => {
    await untilCleanedUp();
    await cleanupService(svc);
    for (const name of readdirSync(svc.dataDir)) {
      if (name !== path.basename(svc.logFile) && name !== path.basename(svc.errFile)) rmSync(path.join(svc.dataDir, name), { recursive: true, force: true });
    }
    mkdirSync(svc.dataDir, { recursive: true });
    await svc.restart();
    broadcasts.push(await broadcast('rgbtestsrc'));
    assertNewer(broadcasts[2]!, broadcasts[1]!, 'after a wiped DATA_DIR');
    assertNewer(broadcasts[2]!, broadcasts[0]!, 'after a wiped DATA_DIR');
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { legacyFrontendCsp } from '../nginx/legacy-frontend.js';
import { PAGE_CSP, pageCsp } from '../nginx/nginx-config.js';
import { buildLadder, masterPlaylist } from '../transcode/ladder.js';
import { ConfigError, loadConfig } from './load.js';
import { DEFAULT_LADDER } from './schema.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-hls-base-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env, dir);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  return assert.fail('accepted');
}

describe('HLS_BASE_URL', () => {
  test('unset: HLS is this site (relative /video/ URLs)', () => {
    assert.equal(loadConfig({}, dir).hlsBaseUrl, undefined);
    assert.equal(buildLadder('envivo', DEFAULT_LADDER).masterUrl, '/video/envivo.m3u8');
  });

  test('an edge URL is kept without its trailing slash', () => {
    assert.equal(loadConfig({ HLS_BASE_URL: 'https://video.iglesia.cl/' }, dir).hlsBaseUrl, 'https://video.iglesia.cl');
    assert.equal(loadConfig({ HLS_BASE_URL: 'http://10.0.0.5:8080' }, dir).hlsBaseUrl, 'http://10.0.0.5:8080');
  });

  test('a relative, non-http or query-carrying value is refused, naming the variable', () => {
    for (const bad of ['/video', 'video.iglesia.cl', 'ftp://video.iglesia.cl', 'https://video.iglesia.cl/?x=1', 'https://v.cl/#a']) {
      const p = problems({ HLS_BASE_URL: bad });
      assert.equal(p.length, 1, `${bad}: ${p.join('; ')}`);
      assert.ok(p[0]!.startsWith('HLS_BASE_URL (hlsBaseUrl): '), p[0]);
    }
  });

  test('the status URLs point at the edge; the master playlist\'s variants stay relative to wherever it was fetched', () => {
    const ladder = buildLadder('envivo', DEFAULT_LADDER, 'https://video.iglesia.cl');
    assert.equal(ladder.masterUrl, 'https://video.iglesia.cl/video/envivo.m3u8');
    assert.deepEqual(ladder.all.map((r) => r.url), [
      'https://video.iglesia.cl/video/envivo/index.m3u8',
      'https://video.iglesia.cl/video/envivo_mid/index.m3u8',
      'https://video.iglesia.cl/video/envivo_low/index.m3u8',
      'https://video.iglesia.cl/video/envivo_audio/index.m3u8',
    ]);
    const text = masterPlaylist(ladder.all.map((rendition) => ({ rendition, bandwidth: 1000, codecs: 'mp4a.40.2' })));
    assert.ok(text.includes('\nenvivo_mid/index.m3u8\n'), text);
    assert.ok(!text.includes('https://'), 'relative variant URIs resolve against the master\'s own host');
  });

  test('the pages\' CSP lets the player fetch and play from the edge\'s origin, and only then', () => {
    const csp = pageCsp('https://video.iglesia.cl');
    assert.match(csp, /connect-src 'self' https:\/\/video\.iglesia\.cl;/);
    assert.match(csp, /media-src 'self' blob: https:\/\/video\.iglesia\.cl;/);
    assert.ok(!PAGE_CSP.includes('video.iglesia.cl'));
    assert.match(PAGE_CSP, /connect-src 'self';/);
    const legacy = legacyFrontendCsp([], 'https://iglesia.cl', 'https://video.iglesia.cl');
    assert.match(legacy, /connect-src 'self' https:\/\/iglesia\.cl https:\/\/video\.iglesia\.cl wss:\/\/iglesia\.cl;/);
    assert.match(legacy, /media-src 'self' blob: https:\/\/iglesia\.cl https:\/\/video\.iglesia\.cl;/);
  });
});

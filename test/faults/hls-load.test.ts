/**
 * 5,000 viewers on one box: the real service (nginx + ladder) with a real ffmpeg publisher, and 5,000
 * simulated HLS viewers on loopback (autocannon, in this process). Each viewer reads the 360p playlist,
 * then the newest segment it lists, at a player's pace (one playlist and one segment per 2 s fragment).
 * Nobody may see an error, a timeout or a non-2xx answer; the latency is printed, not asserted (the
 * machine is shared).
 *
 *   HLS_LOAD_CONNECTIONS=1000 HLS_LOAD_SECONDS=10 HLS_LOAD_RENDITION=audio HLS_LOAD_RATE=0 …
 *   (HLS_LOAD_RATE=0: every connection asks again as soon as it has its answer; HLS_LOAD_TIMEOUT_S)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runViewers, assertEnoughFiles, type ViewerRendition } from '../helpers/hls-viewers.js';
import { cleanupService, ensureBuilt, publish, startService, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';

const CONNECTIONS = Number(process.env.HLS_LOAD_CONNECTIONS ?? 5000);
const SECONDS = Number(process.env.HLS_LOAD_SECONDS ?? 20);
const RENDITION = (process.env.HLS_LOAD_RENDITION ?? 'low') as ViewerRendition;
// A viewer at the live edge: playlist + segment every 2 s fragment = 1 request per second.
const RATE = Number(process.env.HLS_LOAD_RATE ?? 1);
// hls.js gives up on a segment or playlist whose first byte takes longer than 10 s.
const TIMEOUT_S = Number(process.env.HLS_LOAD_TIMEOUT_S ?? 10);

describe(`${CONNECTIONS} HLS viewers on loopback`, { timeout: 240_000 }, () => {
  let svc: ServiceHandle | undefined;
  let pub: Publisher | undefined;

  before(async () => {
    // Before anything starts: without enough sockets the run would fail slowly and unclearly.
    assertEnoughFiles(CONNECTIONS);
    ensureBuilt();
    svc = await startService();
    pub = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`, { size: '640x360' });
    const s = svc;
    await waitFor('state live', async () => (await s.status()).state === 'live', 45_000, 250);
  });

  after(async () => {
    await pub?.stop();
    await cleanupService(svc);
  });

  test(`${CONNECTIONS} viewers fetching the ${RENDITION} playlist and its newest segment see no error, timeout or non-2xx answer`, async () => {
    const r = await runViewers({ base: svc!.base, rendition: RENDITION, connections: CONNECTIONS, durationS: SECONDS, ratePerConnection: RATE, timeoutS: TIMEOUT_S });
    const tag = `hls-${CONNECTIONS}`;
    const ms = (x: number) => x.toFixed(1);
    console.log(`rendition ${r.rendition} (${r.playlistPath} + its newest segment), ${r.connections} connections, ${r.durationS} s, ${r.ratePerConnection > 0 ? `${r.ratePerConnection} req/s per connection` : 'unpaced'}`);
    const st = r.steadyLatencyMs;
    // Headline: once every viewer has had its first answer (what a watching viewer sees); then the same
    // with the start-up burst, which also times autocannon creating 5,000 clients in one loop.
    console.log(`FIGURE ${tag}-p50-ms=${st ? ms(st.p50) : 'n/a'}`);
    console.log(`FIGURE ${tag}-p99-ms=${st ? ms(st.p99) : 'n/a'}`);
    console.log(`FIGURE ${tag}-p999-ms=${st ? ms(st.p999) : 'n/a'}`);
    console.log(`FIGURE ${tag}-max-ms=${st ? ms(st.max) : 'n/a'}`);
    console.log(`FIGURE ${tag}-rampup-s=${r.rampUpS === null ? 'n/a' : r.rampUpS.toFixed(1)} (until every viewer had an answer)`);
    console.log(`FIGURE ${tag}-with-rampup-p50-ms=${ms(r.latencyMs.p50)}`);
    console.log(`FIGURE ${tag}-with-rampup-p99-ms=${ms(r.latencyMs.p99)}`);
    console.log(`FIGURE ${tag}-with-rampup-p999-ms=${ms(r.latencyMs.p999)}`);
    console.log(`FIGURE ${tag}-req-per-s=${r.requestsPerSec.toFixed(0)}`);
    console.log(`FIGURE ${tag}-MB-per-s=${r.megabytesPerSec.toFixed(1)}`);
    console.log(`FIGURE ${tag}-requests=${r.requests} (playlists ${r.playlists}, segments ${r.segments})`);
    console.log(`FIGURE ${tag}-errors=${r.errors} timeouts=${r.timeouts} non2xx=${r.non2xx} (timeout ${TIMEOUT_S} s)`);
    console.log(`FIGURE ${tag}-client-loop-delay-p99-ms=${ms(r.clientLoopDelayP99Ms)} (high = the load generator itself was starved)`);

    assert.ok(r.segments > 0 && r.playlists > 0, 'the viewers fetched playlists and segments');
    assert.equal(r.errors, 0, `connection errors or timeouts: ${r.errors} (timeouts ${r.timeouts})`);
    assert.equal(r.timeouts, 0, `timeouts: ${r.timeouts}`);
    assert.equal(r.non2xx, 0, `non-2xx answers: ${JSON.stringify(r.statusCodes)} e.g. ${r.badResponses.join(', ')}`);
    assert.equal((await svc!.status()).state, 'live', 'the stream stayed live under load');
  });
});

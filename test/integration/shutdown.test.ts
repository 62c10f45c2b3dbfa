/**
 * Graceful shutdown while live, as systemd's stop does it (SIGTERM): within 10 s, in order — stop
 * accepting, close websockets with 1001, stop ffmpeg, nginx quits, the database closes — and nothing left.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanupService, ensureBuilt, publish, startService, waitFor, type Publisher, type ServiceHandle } from '../helpers/platform.js';
import { isAlive } from '../../server/src/process/processes.js';
import { cmdline, groupMembers, pidsWhere } from '../helpers/faults.js';
import { connect } from '../helpers/ws-client.js';

/** Processes whose command line mentions the folder (nginx masters and ffmpeg of this service). */
function processesUsing(dir: string): string[] {
  return pidsWhere(() => true)
    .map((pid) => ({ pid, cmd: cmdline(pid) }))
    .filter(({ cmd }) => cmd.includes(dir))
    .map(({ pid, cmd }) => `${pid} ${cmd.slice(0, 80)}`);
}

describe('graceful shutdown while live', { timeout: 120_000 }, () => {
  let svc: ServiceHandle;
  let pub: Publisher;

  before(async () => {
    ensureBuilt();
    svc = await startService();
    pub = publish(`rtmp://127.0.0.1:${svc.rtmpPort}/live/${svc.key}`, { size: '854x480' });
    await waitFor('live', async () => (await svc.status()).state === 'live', 60_000, 250);
  });
  after(async () => {
    await pub?.stop();
    await cleanupService(svc);
  });

  test('SIGTERM ends everything within 10 s, in order, and viewers get "going away"', async () => {
    const viewer = await connect(`ws://127.0.0.1:${svc.httpPort}/ws`);
    const transcoderPid = Number(readFileSync(path.join(svc.dataDir, 'transcoder.pid'), 'utf8'));
    const nginxPids = ['nginx', 'nginx-web'].map((p) => Number(readFileSync(path.join(svc.dataDir, p, 'nginx.pid'), 'utf8')));
    assert.ok(isAlive(transcoderPid) && nginxPids.every(isAlive), 'everything runs before the stop');
    assert.ok(nginxPids.every((pid) => groupMembers(pid).length >= 2), 'each nginx master leads a group with its workers');

    const exited = new Promise<number | null>((r) => svc.proc.once('exit', (code) => r(code)));
    const t0 = Date.now();
    svc.proc.kill('SIGTERM');
    const code = await exited;
    const seconds = (Date.now() - t0) / 1000;
    console.log(`FIGURE shutdown-while-live-s=${seconds.toFixed(2)}`);
    assert.equal(code, 0);
    assert.ok(seconds <= 10, `stopped in ${seconds} s`);

    await waitFor('the viewer to see the close', () => viewer.closed !== null, 2000);
    assert.equal(viewer.closed!.code, 1001, 'going away');

    const steps = svc
      .logs()
      .split('\n')
      .filter((l) => l.includes('"event":"shutdown_step"'))
      .map((l) => (JSON.parse(l) as { step: string }).step);
    assert.deepEqual(steps, ['stop_accepting', 'websockets_closed', 'ffmpeg_stopped', 'nginx_stopped', 'database_closed']);

    assert.ok(!isAlive(transcoderPid), 'ffmpeg stopped');
    for (const pid of nginxPids) {
      assert.ok(!isAlive(pid), `nginx ${pid} stopped`);
      assert.deepEqual(groupMembers(pid), [], `no worker of nginx ${pid} left`);
    }
    assert.deepEqual(processesUsing(svc.dataDir), [], 'no nginx worker or ffmpeg left behind');
    // SQLite closed cleanly: the write-ahead log was checkpointed away.
    const wal = readdirSync(svc.dataDir).filter((n) => n.endsWith('-wal')).map((n) => path.join(svc.dataDir, n));
    for (const f of wal) assert.equal(existsSync(f) ? statSync(f).size : 0, 0, `${f} is empty`);
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createLogger } from '../log/logger.js';
import { Redactor } from '../log/redactor.js';
import { isAlive } from '../process/processes.js';
import { LISTEN_PART, listenPartName } from './ids.js';
import { PartWriter } from './part-writer.js';

/** Real processes: node, started through a link named ffmpeg (what the orphan check looks for). */
const work = mkdtempSync(path.join(os.tmpdir(), 'cdp-part-writer-'));
const FFMPEG = path.join(work, 'bin', 'ffmpeg');
mkdirSync(path.dirname(FFMPEG));
symlinkSync(process.execPath, FFMPEG);
const root = path.join(work, 'recordings');
const A = '20261206-1a2b3c4d';
const B = '20261206-5e6f7a8b';
for (const id of [A, B]) mkdirSync(path.join(root, id), { recursive: true });

const until = async (what: string, fn: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

function writer(script: string, keepGoing?: () => boolean) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', new Redactor(), { write: (l: string) => void lines.push(JSON.parse(l)) });
  const pidFile = path.join(work, `listening-${Math.random().toString(16).slice(2)}.pid`);
  const w = new PartWriter({ event: 'listening_recorder', ffmpeg: FFMPEG, root, pidFile, logger, partName: listenPartName, part: LISTEN_PART, args: (output) => ['-e', script, output], keepGoing });
  return { w, lines, pidFile };
}

/** A copy a killed service left behind, writing `id`'s first listening part. */
function orphan(binary: string, id: string): number {
  const child = spawn(binary, ['-e', 'setInterval(() => {}, 1000)', path.join(root, id, listenPartName(1))], { stdio: 'ignore', detached: true });
  child.unref();
  return child.pid!;
}

describe('a part writer (the recorder and its listening copy)', () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  test('each run writes the next part, so a restart never overwrites what was written', async () => {
    const { w, lines } = writer("require('fs').writeFileSync(process.argv[1], 'x'); setTimeout(() => process.exit(1), 30)");
    w.write(A);
    await until('three parts', () => readdirSync(path.join(root, A)).filter((f) => LISTEN_PART.test(f)).length >= 3);
    await w.stop(500);
    assert.deepEqual(readdirSync(path.join(root, A)).filter((f) => LISTEN_PART.test(f)).slice(0, 3), ['listen-0001.ts', 'listen-0002.ts', 'listen-0003.ts']);
    assert.ok(lines.filter((l) => l.event === 'listening_recorder_exited').length >= 2);
  });

  test('with nothing to copy (keepGoing false) it is not restarted: one start, one stop, no loop', async () => {
    const { w, lines, pidFile } = writer('process.exit(1)', () => false);
    w.write(B);
    await until('stopped', () => lines.some((l) => l.event === 'listening_recorder_stopped'));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(lines.filter((l) => l.event === 'listening_recorder_started').length, 1);
    assert.deepEqual(lines.filter((l) => l.event === 'listening_recorder_exited'), []);
    assert.equal(lines.find((l) => l.event === 'listening_recorder_stopped')!.reason, 'nothing to copy');
    assert.equal(w.pid, null);
    assert.ok(!existsSync(pidFile));
  });

  test('a copy left writing the recording asked for is adopted; one writing another recording is ended', async () => {
    const kept = orphan(FFMPEG, A);
    const { w, lines, pidFile } = writer('setInterval(() => {}, 1000)');
    writeFileSync(pidFile, JSON.stringify({ pid: kept, id: A }));
    assert.equal(w.adoptOrphan(A), A);
    assert.equal(w.pid, kept);
    assert.ok(lines.some((l) => l.event === 'listening_recorder_adopted' && l.pid === kept));
    await w.stop(500);
    assert.equal(isAlive(kept), false, 'stopped with the recording');

    const stray = orphan(FFMPEG, B);
    const second = writer('setInterval(() => {}, 1000)');
    writeFileSync(second.pidFile, JSON.stringify({ pid: stray, id: B }));
    assert.equal(second.w.adoptOrphan(A), undefined);
    await until('the stray copy ended', () => !isAlive(stray));
    assert.ok(second.lines.some((l) => l.event === 'listening_recorder_orphan_killed' && l.recording === B));
    assert.ok(!existsSync(second.pidFile));
  });

  test('a pid file naming a process that is not ours (a reused pid) is dropped, the process left alone', async () => {
    const other = orphan(process.execPath, A);
    const { w, pidFile } = writer('setInterval(() => {}, 1000)');
    writeFileSync(pidFile, JSON.stringify({ pid: other, id: A }));
    assert.equal(w.adoptOrphan(), undefined);
    assert.ok(!existsSync(pidFile));
    assert.equal(isAlive(other), true);
    process.kill(other, 'SIGKILL');
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test, type TestContext } from 'node:test';
import { createLogger } from '../log/logger.js';
import { Redactor } from '../log/redactor.js';
import { isAlive } from './processes.js';
import { StartError, Supervisor, type SupervisedProgram } from './supervisor.js';

/** Real child processes: node running a small script given as an argument. */
const NODE = process.execPath;
const script = (code: string) => ['-e', code];
const LONG = 'setInterval(() => {}, 1000)';

function make(t: TestContext, over: Partial<SupervisedProgram> = {}) {
  const lines: Record<string, unknown>[] = [];
  const redactor = new Redactor();
  redactor.add('clave-secreta-123');
  const logger = createLogger('info', redactor, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const s = new Supervisor({ name: 'prueba', binary: NODE, logger, redactor, stderrEvent: 'child', stopSignals: ['SIGTERM'], restartDelayMs: 50, maxRestartDelayMs: 400, stableAfterMs: 60_000, ...over });
  t.after(() => s.stop(500));
  return { s, lines };
}

const until = async (what: string, fn: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('one supervisor for every child process', () => {
  test('arguments go to the program as they are, never through a shell; stderr lines are logged redacted', async (t) => {
    const { s, lines } = make(t);
    const args = script(`console.error(JSON.stringify(process.argv.slice(1))); console.error('la clave es clave-secreta-123'); ${LONG}`);
    await s.run([...args, 'a b; rm -rf /', '$(id)']);
    await until('two stderr lines', () => lines.filter((l) => l.event === 'child').length >= 2);
    const logged = lines.filter((l) => l.event === 'child').map((l) => String(l.line));
    assert.deepEqual(JSON.parse(logged[0]!), ['a b; rm -rf /', '$(id)']);
    assert.equal(logged[1], 'la clave es [REDACTED]');
  });

  test('each launch may get its own arguments (the recorder writes every run to a new part)', async (t) => {
    let n = 0;
    const { s, lines } = make(t, { argsForLaunch: (args) => [...args, `part-${++n}`] });
    await s.run(script('console.error(process.argv.at(-1)); process.exit(1)'));
    await until('three runs', () => lines.filter((l) => l.event === 'child').length >= 3);
    assert.deepEqual(lines.filter((l) => l.event === 'child').slice(0, 3).map((l) => l.line), ['part-1', 'part-2', 'part-3']);
  });

  test('a crash is restarted with a growing delay while the program is wanted', async (t) => {
    const { s } = make(t);
    const exits: (number | undefined)[] = [];
    s.on('exited', (e) => exits.push(e.restartInMs));
    await s.run(script('process.exit(3)'));
    await until('three restarts', () => exits.length >= 3);
    assert.deepEqual(exits.slice(0, 3), [50, 100, 200]);
    assert.ok(s.restarts >= 3);
    assert.equal(s.lastExit?.code, 3);
  });

  test('the same arguments keep it running; new ones restart it', async (t) => {
    const { s } = make(t);
    const started: number[] = [];
    s.on('started', (e) => started.push(e.pid));
    await s.run(script(LONG));
    await s.run(script(LONG));
    assert.equal(started.length, 1);
    const first = s.pid!;
    await s.run(script(`${LONG}; 1`));
    await until('a second start', () => started.length === 2);
    assert.notEqual(s.pid, first);
    assert.equal(isAlive(first), false);
  });

  test('stop sends its signals in turn, then SIGKILL to a program that ignores them', async (t) => {
    const { s } = make(t, { stopSignals: ['SIGINT', 'SIGTERM'] });
    await s.run(script(`process.on('SIGINT', () => console.error('INT')); process.on('SIGTERM', () => console.error('TERM')); ${LONG}`));
    await new Promise((r) => setTimeout(r, 200));
    const pid = s.pid!;
    const exits: unknown[] = [];
    s.on('exited', (e) => exits.push(e));
    await s.stop(400);
    assert.equal(isAlive(pid), false);
    assert.equal(s.phase, 'stopped');
    assert.equal(s.wanted, false);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(s.pid, null, 'not restarted after a stop');
  });

  test('a process a previous service left is adopted, and replaced by ours when it dies', async (t) => {
    const { s } = make(t);
    const orphan = spawn(NODE, script(LONG), { stdio: 'ignore' });
    t.after(() => orphan.kill('SIGKILL'));
    await new Promise((r) => setTimeout(r, 100));
    s.adopt(orphan.pid!, { pollMs: 50, args: script(LONG) });
    assert.equal(s.adopted, true);
    assert.equal(s.pid, orphan.pid);
    orphan.kill('SIGKILL');
    await until('our own child', () => s.pid !== null && s.pid !== orphan.pid && !s.adopted);
    assert.equal(s.up(), true);
  });

  test('an adopted process running other arguments than wanted is ended and replaced', async (t) => {
    const { s } = make(t);
    const orphan = spawn(NODE, script(`${LONG}; 'vieja'`), { stdio: 'ignore' });
    t.after(() => orphan.kill('SIGKILL'));
    await new Promise((r) => setTimeout(r, 100));
    s.adopt(orphan.pid!, { pollMs: 50 });
    await s.run(script(LONG));
    await until('the old one ended and ours started', () => !s.adopted && s.up());
    assert.equal(isAlive(orphan.pid!), false);
  });

  test('with a confirmation time, a program that exits at once fails its start instead of looping', async (t) => {
    // Generous: on a loaded machine node itself may take a while to start and exit.
    const { s } = make(t, { confirmAfterMs: 5000 });
    await assert.rejects(s.run(script('process.exit(1)')), StartError);
    assert.equal(s.pid, null);
    await s.run(script(LONG)).catch(() => undefined);
  });
});

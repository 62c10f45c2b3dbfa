#!/usr/bin/env node
// Runs the test suites with node's own test runner (TypeScript through tsx).
//   node scripts/run-tests.mjs              unit, then integration (test/final last)
//   node scripts/run-tests.mjs unit         unit tests beside the code (server/src, web/src): fast, in parallel
//   node scripts/run-tests.mjs integration  real nginx, ffmpeg, SQLite, Redis, Chromium (test/): one file at a time
// Ends with a plain "N passed, N failed" line covering everything that ran.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const which = process.argv[2] ?? 'all';

function find(dir, out = []) {
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) find(full, out);
    else if (/\.test\.tsx?$/.test(name)) out.push(full);
  }
  return out.sort();
}

const suites = [];
if (which === 'all' || which === 'unit') suites.push({ name: 'unit', files: [...find(path.join(root, 'server', 'src')), ...find(path.join(root, 'web', 'src'))], concurrency: 2 });
// test/final runs after everything else, as its own suite (node's runner orders the files it is given): it
// reads the logs every earlier integration test left.
const finalDir = path.join(root, 'test', 'final');
if (which === 'all' || which === 'integration') {
  const files = find(path.join(root, 'test'));
  suites.push({ name: 'integration', files: files.filter((f) => !f.startsWith(finalDir + path.sep)), concurrency: 1 });
  suites.push({ name: 'final', files: files.filter((f) => f.startsWith(finalDir + path.sep)), concurrency: 1 });
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cdp-tests-'));
let passed = 0;
let failed = 0;
let skipped = 0;
let status = 0;
for (const suite of suites) {
  if (suite.files.length === 0) {
    console.error(`no test files for "${suite.name}"`);
    status = 1;
    continue;
  }
  console.log(`\n── ${suite.name} tests (${suite.files.length} files) ──`);
  const { code, tail } = await runSuite(suite);
  if (code !== 0) status = code || 1;
  // The counts are the spec reporter's own summary at the end of the suite's output ("ℹ pass N").
  const count = (key) => {
    const all = [...tail.matchAll(new RegExp(`^ℹ ${key} (\\d+)$`, 'gm'))];
    return Number(all.at(-1)?.[1] ?? 0);
  };
  if (!/^ℹ tests \d+$/m.test(tail)) status = status || 1;
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  skipped += count('skipped') + count('todo');
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);

/**
 * One suite in node's runner. Its output goes through to ours as it comes, and its end is kept for the
 * counts. --test-force-exit: a file whose test failed half-way and left a socket or timer open still ends
 * (its after hooks have run); without it the whole run would wait for that file forever. (It would also
 * end the runner before a file reporter is flushed, so the counts come from the spec output on stdout.)
 */
function runSuite(suite) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-force-exit', `--test-concurrency=${suite.concurrency}`, '--test-reporter=spec', '--test-reporter-destination=stdout', ...suite.files],
      { stdio: ['inherit', 'pipe', 'inherit'], cwd: root, env: { ...process.env, NODE_ENV: 'test', CDP_TEST_RUN_DIR: tmp } },
    );
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '')).slice(-65536);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), tail }));
  });
}
process.exit(status !== 0 || failed > 0 || passed === 0 ? status || 1 : 0);

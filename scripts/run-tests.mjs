#!/usr/bin/env node
// Runs the test suites with node's own test runner (TypeScript through tsx).
//   node scripts/run-tests.mjs              unit, then integration (test/final last)
//   node scripts/run-tests.mjs unit         unit tests beside the code (server/src, web/src): fast, in parallel
//   node scripts/run-tests.mjs integration  real nginx, ffmpeg, SQLite, Redis, Chromium (test/): one file at a time
// Ends with a plain "N passed, N failed" line covering everything that ran.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
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
  const tap = path.join(tmp, `${suite.name}.tap`);
  console.log(`\n── ${suite.name} tests (${suite.files.length} files) ──`);
  const result = spawnSync(
    process.execPath,
    [
      // --test-force-exit: a file whose test failed half-way and left a socket or timer open still ends
      // (its after hooks have run); without it the whole run would wait for that file forever.
      '--import', 'tsx', '--test', '--test-force-exit', `--test-concurrency=${suite.concurrency}`,
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...suite.files,
    ],
    { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_ENV: 'test', CDP_TEST_RUN_DIR: tmp } },
  );
  if (result.status !== 0) status = result.status ?? 1;
  let text = '';
  try {
    text = readFileSync(tap, 'utf8');
  } catch {
    status = status || 1;
  }
  const count = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  skipped += count('skipped') + count('todo');
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status !== 0 || failed > 0 || passed === 0 ? status || 1 : 0);

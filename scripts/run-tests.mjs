#!/usr/bin/env node
// Runs the test suites with node's own test runner (TypeScript through tsx).
//   node scripts/run-tests.mjs            unit + integration
//   node scripts/run-tests.mjs unit       unit tests only (beside the code, fast, no I/O beyond tmp files)
//   node scripts/run-tests.mjs integration  real nginx, ffmpeg, SQLite, Chromium (test/)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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
  return out;
}

const unit = [...find(path.join(root, 'server', 'src')), ...find(path.join(root, 'web', 'src'))];
const integration = find(path.join(root, 'test'));
const files = which === 'unit' ? unit : which === 'integration' ? integration : [...unit, ...integration];
if (files.length === 0) {
  console.error(`no test files for "${which}"`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files.sort()],
  { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Redactor } from '../log/redactor.js';
import { Relay } from './relay.js';

const SRC = 'rtmp://127.0.0.1:1935/live/envivo';
const KEY = 'clave-secreta-123456';

/** A stand-in for ffmpeg: prints `-progress` reports, then what ffmpeg prints when the far side refuses, and exits. */
function fakeFfmpeg(dir: string, script: string): string {
  const file = path.join(dir, 'ffmpeg');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

// Waits for an outcome; the deadline is generous (a loaded machine is slow), never part of what is checked.
const until = async (what: string, fn: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('one destination\'s copy', () => {
  test('progress reports make it "sending" with a bitrate; an exit before any byte is a refused key, retried', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-'));
    const redactor = new Redactor();
    redactor.add(KEY);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const refused = fakeFfmpeg(dir, `echo "rtmp://127.0.0.1:1936/app/${KEY}: Input/output error" >&2; exit 1`);
    const relay = new Relay({ name: 'YT', ffmpeg: refused, logger, redactor, source: SRC, restartDelayMs: 50, maxRestartDelayMs: 100 });
    const pids: (number | undefined)[] = [];
    try {
      relay.run(['x']);
      await until('a refusal', () => relay.status().reason?.code === 'key_rejected' && relay.status().reconnects >= 2);
      assert.equal(relay.status().phase === 'failing' || relay.status().phase === 'connecting', true);
      assert.equal(relay.status().reason!.es, 'La clave fue rechazada por el destino');
      await relay.stop();
      assert.equal(relay.status().phase, 'off');
      assert.equal(relay.status().reason, undefined);
      assert.ok(!lines.join('').includes(KEY), 'the key never reaches the log');
      assert.ok(lines.join('').includes('[REDACTED]'));

      const sending = fakeFfmpeg(dir, 'for n in 1 2 3 4 5 6 7 8 9 10; do echo "total_size=$((n * 100000))"; echo "progress=continue"; sleep 0.1; done; echo "av_interleaved_write_frame(): Broken pipe" >&2; exit 1');
      // A backoff far longer than any wait below: a restart seen here can only be retryNow's.
      const relay2 = new Relay({ name: 'FB', ffmpeg: sending, logger, redactor, source: SRC, restartDelayMs: 60_000, maxRestartDelayMs: 60_000, onPid: (p) => pids.push(p) });
      relay2.run(['y']);
      await until('sending', () => relay2.status().phase === 'sending' && relay2.status().bitrateKbps > 0);
      assert.ok(relay2.status().bitrateKbps > 1000, `${relay2.status().bitrateKbps} kbps`);
      assert.ok(relay2.up());
      await until('the far side closing', () => relay2.status().phase === 'failing');
      assert.equal(relay2.status().reason!.code, 'closed_by_peer');
      assert.equal(relay2.status().bytesOut, 1_000_000);
      assert.equal(relay2.status().reconnects, 1);
      // Waiting out a 60 s backoff: our publisher came back, so it starts again now (a second copy is started,
      // not polled for as a passing "connecting" phase).
      const started = () => pids.filter((p) => typeof p === 'number');
      assert.equal(started().length, 1);
      relay2.retryNow(['y']);
      await until('restarted at once', () => started().length === 2);
      assert.notEqual(started()[1], started()[0]);
      await relay2.stop();
      assert.equal(typeof pids[0], 'number');
      assert.equal(pids.at(-1), undefined, 'the pid is forgotten once it exited');
    } finally {
      await relay.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an edited destination restarts its copy without counting a failure', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-'));
    const logger = pino({ level: 'silent' });
    const long = fakeFfmpeg(dir, `echo "$@" >> ${path.join(dir, 'runs')}; n=0; while [ $n -lt 100 ]; do n=$((n + 1)); echo "total_size=$((n * 100000))"; echo "progress=continue"; sleep 0.1; done`);
    const runs = () => (existsSync(path.join(dir, 'runs')) ? readFileSync(path.join(dir, 'runs'), 'utf8') : '');
    const relay = new Relay({ name: 'X', ffmpeg: long, logger, redactor: new Redactor(), source: SRC, restartDelayMs: 50, maxRestartDelayMs: 100 });
    try {
      relay.run(['old-url']);
      await until('sending', () => relay.status().phase === 'sending');
      relay.run(['new-url']);
      // The copy with the new arguments runs and sends (the moment between is too short to poll for).
      await until('the new copy sending', () => runs().includes('new-url') && relay.status().phase === 'sending', 15_000);
      assert.equal(relay.status().reconnects, 0);
      assert.equal(relay.status().reason, undefined);
    } finally {
      await relay.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseWorks, migrate, openDatabase, type Db } from './database.js';
import { StreamSessions } from './stream-sessions.js';

let dir: string;
const opened: Db[] = [];
const open = (d = dir) => {
  const db = openDatabase(d);
  opened.push(db);
  return db;
};
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-db-'));
});
afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const at = (iso: string) => new Date(iso);

describe('openDatabase', () => {
  test('creates the data folder and the database file', () => {
    const data = path.join(dir, 'a', 'b');
    open(data);
    assert.ok(existsSync(path.join(data, 'casadelpadre.db')));
  });

  test('the journal is in WAL mode with foreign keys on', () => {
    const db = open();
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  });

  test('migrations run once: opening twice (a restart) keeps one record per migration and the data', () => {
    const migrations = (db: Db) => db.prepare('SELECT id FROM migrations ORDER BY id').all() as { id: number }[];
    const first = open();
    const applied = migrations(first);
    assert.equal(applied[0]?.id, 1);
    assert.deepEqual(applied.map((m) => m.id), [...new Set(applied.map((m) => m.id))]);
    new StreamSessions(first).begin('envivo', at('2026-11-29T14:00:00Z'));
    first.close();
    const second = open();
    migrate(second);
    assert.deepEqual(migrations(second), applied);
    assert.equal(new StreamSessions(second).recent().length, 1);
  });

  test('databaseWorks is true while open and false once closed', () => {
    const db = open();
    assert.equal(databaseWorks(db), true);
    db.close();
    assert.equal(databaseWorks(db), false);
  });
});

describe('StreamSessions', () => {
  test('a broadcast is recorded from start to end with when it went live and its peak audience', () => {
    const sessions = new StreamSessions(open());
    const s = sessions.begin('envivo', at('2026-11-29T14:00:00Z'));
    assert.deepEqual(s, { id: s.id, stream: 'envivo', startedAt: '2026-11-29T14:00:00.000Z', liveAt: null, endedAt: null, peakViewers: 0 });
    sessions.markLive(s.id, at('2026-11-29T14:00:06Z'));
    sessions.notePeak(s.id, 12);
    sessions.notePeak(s.id, 40);
    sessions.notePeak(s.id, 25);
    sessions.end(s.id, at('2026-11-29T15:30:00Z'));
    assert.deepEqual(sessions.get(s.id), {
      id: s.id,
      stream: 'envivo',
      startedAt: '2026-11-29T14:00:00.000Z',
      liveAt: '2026-11-29T14:00:06.000Z',
      endedAt: '2026-11-29T15:30:00.000Z',
      peakViewers: 40,
    });
    assert.equal(sessions.open('envivo'), undefined);
  });

  test('the first time a session went live is kept when it goes live again after a reconnect', () => {
    const sessions = new StreamSessions(open());
    const s = sessions.begin('envivo', at('2026-11-29T14:00:00Z'));
    sessions.markLive(s.id, at('2026-11-29T14:00:06Z'));
    sessions.markLive(s.id, at('2026-11-29T14:20:00Z'));
    assert.equal(sessions.get(s.id)?.liveAt, '2026-11-29T14:00:06.000Z');
  });

  test('ending twice keeps the first end', () => {
    const sessions = new StreamSessions(open());
    const s = sessions.begin('envivo', at('2026-11-29T14:00:00Z'));
    sessions.end(s.id, at('2026-11-29T15:00:00Z'));
    sessions.end(s.id, at('2026-11-29T16:00:00Z'));
    assert.equal(sessions.get(s.id)?.endedAt, '2026-11-29T15:00:00.000Z');
  });

  test('after a service restart mid-stream the unfinished session is continued, not duplicated', () => {
    const before = new StreamSessions(open());
    const s = before.begin('envivo', at('2026-11-29T14:00:00Z'));
    before.markLive(s.id, at('2026-11-29T14:00:06Z'));
    opened[0]!.close();

    const after = new StreamSessions(open());
    const continued = after.open('envivo');
    assert.deepEqual(continued, { ...s, liveAt: '2026-11-29T14:00:06.000Z' });
    assert.equal(after.begin('envivo', at('2026-11-29T14:10:00Z')).id, s.id, 'begin returns the open session');
    assert.equal(after.recent().length, 1);
  });

  test('a new broadcast after the previous one ended is a new session, listed first', () => {
    const sessions = new StreamSessions(open());
    const a = sessions.begin('envivo', at('2026-11-22T14:00:00Z'));
    sessions.end(a.id, at('2026-11-22T15:00:00Z'));
    const b = sessions.begin('envivo', at('2026-11-29T14:00:00Z'));
    assert.notEqual(b.id, a.id);
    assert.deepEqual(sessions.recent().map((s) => s.id), [b.id, a.id]);
    assert.deepEqual(sessions.recent(1).map((s) => s.id), [b.id]);
    assert.equal(sessions.open('envivo')?.id, b.id);
  });

  test('sessions of another stream name are kept apart', () => {
    const sessions = new StreamSessions(open());
    sessions.begin('envivo', at('2026-11-29T14:00:00Z'));
    assert.equal(sessions.open('otro'), undefined);
    assert.equal(sessions.get(999), undefined);
  });
});

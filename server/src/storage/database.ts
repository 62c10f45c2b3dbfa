import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export type Db = Database.Database;

/** Ordered schema changes; each runs once, in a transaction, recorded in `migrations`. */
const MIGRATIONS: { id: number; sql: string }[] = [
  {
    id: 1,
    sql: `
      CREATE TABLE stream_sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        stream TEXT NOT NULL,
        started_at TEXT NOT NULL,
        live_at TEXT,
        ended_at TEXT,
        peak_viewers INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX stream_sessions_started ON stream_sessions(started_at);
    `,
  },
  {
    id: 2,
    sql: `
      CREATE TABLE chat_messages (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        nick TEXT NOT NULL,
        text TEXT NOT NULL,
        role TEXT NOT NULL,
        session_id TEXT NOT NULL,
        ip_hash TEXT NOT NULL,
        legacy_sender TEXT,
        show_timestamp INTEGER,
        deleted_at TEXT
      );
      CREATE INDEX chat_messages_at ON chat_messages(at);
      CREATE TABLE chat_sanctions (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        session_id TEXT NOT NULL,
        ip_hash TEXT NOT NULL,
        nick TEXT NOT NULL,
        at TEXT NOT NULL,
        until TEXT,
        reason TEXT
      );
      CREATE TABLE chat_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE admin_sessions (
        token_hash TEXT PRIMARY KEY,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
    `,
  },
  {
    // Address-wide blocks become an explicit, time-limited choice (issue 15).
    id: 3,
    sql: `ALTER TABLE chat_sanctions ADD COLUMN address_until TEXT;`,
  },
];

export function openDatabase(dataDir: string, file = 'casadelpadre.db'): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, file));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(db.prepare('SELECT id FROM migrations').all().map((r) => (r as { id: number }).id));
  for (const m of MIGRATIONS) {
    if (applied.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO migrations (id, applied_at) VALUES (?, ?)').run(m.id, new Date().toISOString());
    })();
  }
}

export function databaseWorks(db: Db): boolean {
  try {
    return db.open && db.prepare('SELECT 1 AS ok').get() !== undefined;
  } catch {
    return false;
  }
}

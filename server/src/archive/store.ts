import type { Db } from '../storage/database.js';

export type RecordingStatus = 'recording' | 'finalising' | 'ready' | 'failed';

export interface Recording {
  id: string;
  sessionId: number | null;
  status: RecordingStatus;
  title: string;
  description: string;
  startedAt: string;
  endedAt: string | null;
  /** Seconds, once finalised. */
  duration: number | null;
  videoBytes: number;
  audioBytes: number;
  hasAudio: boolean;
  hasPoster: boolean;
  published: boolean;
  peakViewers: number;
  /** A trim prepared but not saved yet: the original is untouched until then. */
  pendingTrim: { start: number; end: number; duration: number; bytes: number } | null;
  error: string | null;
}

export interface ArchiveSettings {
  /** "Nuevas grabaciones privadas hasta que las publique". */
  privateByDefault: boolean;
  /** Keep only the newest N recordings; null = all. */
  keepLast: number | null;
  /** Keep only recordings of the last N days; null = all. */
  keepDays: number | null;
}

/**
 * The recordings table. Created here rather than in the shared migration list: the archive owns it, and
 * it is only ever added to with IF NOT EXISTS.
 */
export class RecordingsStore {
  constructor(private readonly db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS recordings (
        id TEXT PRIMARY KEY,
        session_id INTEGER,
        status TEXT NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        started_at TEXT NOT NULL,
        ended_at TEXT,
        duration REAL,
        video_bytes INTEGER NOT NULL DEFAULT 0,
        audio_bytes INTEGER NOT NULL DEFAULT 0,
        has_audio INTEGER NOT NULL DEFAULT 0,
        has_poster INTEGER NOT NULL DEFAULT 0,
        published INTEGER NOT NULL DEFAULT 0,
        pending_trim TEXT,
        error TEXT
      );
      CREATE INDEX IF NOT EXISTS recordings_started ON recordings(started_at);
    `);
  }

  create(r: { id: string; sessionId: number | null; title: string; startedAt: Date }): Recording {
    this.db
      .prepare("INSERT INTO recordings (id, session_id, status, title, started_at) VALUES (?, ?, 'recording', ?, ?)")
      .run(r.id, r.sessionId, r.title, r.startedAt.toISOString());
    return this.get(r.id)!;
  }

  get(id: string): Recording | undefined {
    const row = this.db.prepare(`${SELECT} WHERE r.id = ?`).get(id);
    return row ? toRecording(row) : undefined;
  }

  /** Newest first. */
  list(opts: { publishedOnly?: boolean } = {}): Recording[] {
    const where = opts.publishedOnly ? "WHERE r.published = 1 AND r.status = 'ready'" : '';
    return this.db.prepare(`${SELECT} ${where} ORDER BY r.started_at DESC, r.id DESC`).all().map(toRecording);
  }

  bySession(sessionId: number): Recording | undefined {
    const row = this.db.prepare(`${SELECT} WHERE r.session_id = ? ORDER BY r.started_at DESC LIMIT 1`).get(sessionId);
    return row ? toRecording(row) : undefined;
  }

  unfinished(): Recording[] {
    return this.db.prepare(`${SELECT} WHERE r.status IN ('recording', 'finalising') ORDER BY r.started_at`).all().map(toRecording);
  }

  setStatus(id: string, status: RecordingStatus, error: string | null = null): void {
    this.db.prepare('UPDATE recordings SET status = ?, error = ? WHERE id = ?').run(status, error, id);
  }

  ended(id: string, at: Date): void {
    this.db.prepare('UPDATE recordings SET ended_at = COALESCE(ended_at, ?) WHERE id = ?').run(at.toISOString(), id);
  }

  /** Finalised: its files and figures; published or not by the setting at that moment. */
  finalised(id: string, f: { duration: number; videoBytes: number; audioBytes: number; hasAudio: boolean; hasPoster: boolean; published?: boolean }): void {
    this.db
      .prepare(
        `UPDATE recordings SET status = 'ready', error = NULL, duration = ?, video_bytes = ?, audio_bytes = ?, has_audio = ?, has_poster = ?,
         published = COALESCE(?, published), ended_at = COALESCE(ended_at, ?) WHERE id = ?`,
      )
      .run(f.duration, f.videoBytes, f.audioBytes, f.hasAudio ? 1 : 0, f.hasPoster ? 1 : 0, f.published === undefined ? null : f.published ? 1 : 0, new Date().toISOString(), id);
  }

  update(id: string, change: { title?: string; description?: string; published?: boolean }): void {
    if (change.title !== undefined) this.db.prepare('UPDATE recordings SET title = ? WHERE id = ?').run(change.title, id);
    if (change.description !== undefined) this.db.prepare('UPDATE recordings SET description = ? WHERE id = ?').run(change.description, id);
    if (change.published !== undefined) this.db.prepare('UPDATE recordings SET published = ? WHERE id = ?').run(change.published ? 1 : 0, id);
  }

  setPendingTrim(id: string, trim: Recording['pendingTrim']): void {
    this.db.prepare('UPDATE recordings SET pending_trim = ? WHERE id = ?').run(trim ? JSON.stringify(trim) : null, id);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM recordings WHERE id = ?').run(id);
  }

  settings(defaults: ArchiveSettings): ArchiveSettings {
    const row = this.db.prepare("SELECT value FROM chat_state WHERE key = 'archive'").get() as { value: string } | undefined;
    return row ? { ...defaults, ...(JSON.parse(row.value) as Partial<ArchiveSettings>) } : defaults;
  }

  saveSettings(next: ArchiveSettings): void {
    this.db.prepare("INSERT INTO chat_state (key, value) VALUES ('archive', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(next));
  }
}

const SELECT = 'SELECT r.*, COALESCE(s.peak_viewers, 0) AS peak_viewers FROM recordings r LEFT JOIN stream_sessions s ON s.id = r.session_id';

function toRecording(row: unknown): Recording {
  const r = row as Record<string, unknown>;
  return {
    id: String(r.id),
    sessionId: r.session_id === null ? null : Number(r.session_id),
    status: r.status as RecordingStatus,
    title: String(r.title),
    description: String(r.description),
    startedAt: String(r.started_at),
    endedAt: (r.ended_at as string | null) ?? null,
    duration: r.duration === null ? null : Number(r.duration),
    videoBytes: Number(r.video_bytes),
    audioBytes: Number(r.audio_bytes),
    hasAudio: Number(r.has_audio) === 1,
    hasPoster: Number(r.has_poster) === 1,
    published: Number(r.published) === 1,
    peakViewers: Number(r.peak_viewers),
    pendingTrim: r.pending_trim ? (JSON.parse(String(r.pending_trim)) as Recording['pendingTrim']) : null,
    error: (r.error as string | null) ?? null,
  };
}

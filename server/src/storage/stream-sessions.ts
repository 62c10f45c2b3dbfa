import type { StreamSession } from '../../../contract/admin.js';
import type { Db } from './database.js';

export type { StreamSession };

/** One row per service broadcast: when it started, went live, ended, and its peak audience. */
export class StreamSessions {
  constructor(private readonly db: Db) {}

  /** The session still open (a service restart mid-stream continues it), if any. */
  open(stream: string): StreamSession | undefined {
    const row = this.db.prepare('SELECT * FROM stream_sessions WHERE stream = ? AND ended_at IS NULL ORDER BY id DESC LIMIT 1').get(stream);
    return row ? toSession(row) : undefined;
  }

  begin(stream: string, at: Date): StreamSession {
    const existing = this.open(stream);
    if (existing) return existing;
    const info = this.db.prepare('INSERT INTO stream_sessions (stream, started_at) VALUES (?, ?)').run(stream, at.toISOString());
    return this.get(Number(info.lastInsertRowid))!;
  }

  markLive(id: number, at: Date): void {
    this.db.prepare('UPDATE stream_sessions SET live_at = COALESCE(live_at, ?) WHERE id = ?').run(at.toISOString(), id);
  }

  notePeak(id: number, viewers: number): void {
    this.db.prepare('UPDATE stream_sessions SET peak_viewers = MAX(peak_viewers, ?) WHERE id = ?').run(viewers, id);
  }

  end(id: number, at: Date): void {
    this.db.prepare('UPDATE stream_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(at.toISOString(), id);
  }

  get(id: number): StreamSession | undefined {
    const row = this.db.prepare('SELECT * FROM stream_sessions WHERE id = ?').get(id);
    return row ? toSession(row) : undefined;
  }

  recent(limit = 20): StreamSession[] {
    return this.db.prepare('SELECT * FROM stream_sessions ORDER BY id DESC LIMIT ?').all(limit).map(toSession);
  }
}

function toSession(row: unknown): StreamSession {
  const r = row as Record<string, unknown>;
  return {
    id: Number(r.id),
    stream: String(r.stream),
    startedAt: String(r.started_at),
    liveAt: (r.live_at as string | null) ?? null,
    endedAt: (r.ended_at as string | null) ?? null,
    peakViewers: Number(r.peak_viewers),
  };
}

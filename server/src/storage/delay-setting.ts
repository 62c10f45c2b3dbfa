import type { Db } from './database.js';

/** What is stored of the low-delay mode: the admin's choice, and what the media side last ran. */
export interface DelayRecord {
  lowDelay: boolean;
  applied: boolean;
}

/** The low-delay setting, in the same key/value table as the site settings. Default: off. */
export class DelaySetting {
  constructor(private readonly db: Db) {}

  get(): DelayRecord {
    const row = this.db.prepare("SELECT value FROM chat_state WHERE key = 'delay'").get() as { value: string } | undefined;
    if (!row) return { lowDelay: false, applied: false };
    try {
      const v = JSON.parse(row.value) as Partial<DelayRecord>;
      return { lowDelay: v.lowDelay === true, applied: v.applied === true };
    } catch {
      return { lowDelay: false, applied: false };
    }
  }

  set(r: DelayRecord): void {
    this.db.prepare("INSERT INTO chat_state (key, value) VALUES ('delay', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(r));
  }
}

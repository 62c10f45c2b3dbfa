import { z } from 'zod';
import type { Db } from './database.js';
import { ConfigSchema } from '../config/schema.js';

/** What the viewer page shows about the church: name, colours, offline message, weekly schedule. */
export const SiteSchema = ConfigSchema.shape.site.unwrap();
export type Site = z.infer<typeof SiteSchema>;

/** The site settings: the configuration's values, overridden by what the admin saved. */
export class SiteSettings {
  constructor(
    private readonly db: Db,
    private readonly defaults: Site,
  ) {}

  get(): Site {
    const row = this.db.prepare("SELECT value FROM chat_state WHERE key = 'site'").get() as { value: string } | undefined;
    if (!row) return this.defaults;
    const parsed = SiteSchema.safeParse({ ...this.defaults, ...(JSON.parse(row.value) as object) });
    return parsed.success ? parsed.data : this.defaults;
  }

  /** Validated by the caller with SiteSchema.partial(). */
  update(change: Partial<Site>): Site {
    const next = SiteSchema.parse({ ...this.get(), ...change });
    this.db.prepare("INSERT INTO chat_state (key, value) VALUES ('site', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(next));
    return next;
  }
}

/** The time zone the church's schedule and every time shown to people are in. */
export const SITE_TIME_ZONE = 'America/Santiago';

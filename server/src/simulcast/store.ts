import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DestinationConfigSchema, type Destination, type DestinationConfig } from './destinations.js';

const FileSchema = z.object({ destinations: z.array(DestinationConfigSchema.extend({ id: z.string().min(1) })) });

/**
 * The destinations with their keys, in DATA_DIR/simulcast.json with mode 0600 (the keys are secrets like
 * our own stream key). The config file's `simulcast` list seeds it on the first start; from then on the
 * admin owns the list.
 */
export class DestinationStore {
  readonly file: string;
  private list: Destination[];

  constructor(dataDir: string, seed: readonly DestinationConfig[]) {
    this.file = path.join(dataDir, 'simulcast.json');
    if (existsSync(this.file)) {
      const parsed = FileSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (!parsed.success) throw new Error(`${this.file} está dañado / is damaged: ${parsed.error.issues[0]?.message ?? ''}`);
      this.list = parsed.data.destinations;
    } else {
      this.list = seed.map((d) => ({ ...d, id: randomUUID() }));
      if (this.list.length) this.write();
    }
  }

  all(): readonly Destination[] {
    return this.list;
  }

  get(id: string): Destination | undefined {
    return this.list.find((d) => d.id === id);
  }

  add(d: DestinationConfig): Destination {
    const created = { ...d, id: randomUUID() };
    this.list = [...this.list, created];
    this.write();
    return created;
  }

  update(id: string, change: Partial<DestinationConfig>): Destination | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next = { ...current, ...change };
    this.list = this.list.map((d) => (d.id === id ? next : d));
    this.write();
    return next;
  }

  remove(id: string): boolean {
    const before = this.list.length;
    this.list = this.list.filter((d) => d.id !== id);
    if (this.list.length === before) return false;
    this.write();
    return true;
  }

  private write(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ destinations: this.list }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}

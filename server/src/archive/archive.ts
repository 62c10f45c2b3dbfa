import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';
import type { Db } from '../storage/database.js';
import type { StreamStateName } from '../stream/state-machine.js';
import { finalise, folderBytes, NoMediaError, partsOf, removeParts, type MediaTools } from './finaliser.js';
import { newRecordingId, recordingDir } from './ids.js';
import { Recorder, freeBytes, type ListeningSource } from './recorder.js';
import { toDelete } from './retention.js';
import { adminRecordingRoutes, publicRecordingRoutes, type RoutesContext } from './routes.js';
import { RecordingsStore, type ArchiveSettings } from './store.js';
import { defaultTitle, type ScheduledService } from './title.js';

export interface ArchiveDeps {
  config: Config['archive'];
  dataDir: string;
  rtmpPort: number;
  /** The public stream name. */
  streamName: string;
  tools: MediaTools;
  publicUrl: string;
  webRoot: string;
  db: Db;
  logger: Logger;
  redactor?: Redactor;
  /** The church's name and schedule, as the admin last saved them. */
  site(): { churchName: string; schedule: readonly ScheduledService[]; logoUrl: string | null };
  /** How long after a start a stream that stays offline means an adopted recording has ended. */
  graceMs: number;
  /** The ladder's audio rendition, copied as the listening track (none: the audio file is encoded). */
  listening?: ListeningSource;
  now?: () => Date;
}

export interface ArchiveHealth {
  recording: string | null;
  error: { code: 'disk_full'; message: string; at: string } | null;
}

export interface Archive {
  publicRoutes(api: FastifyInstance): void;
  adminRoutes(admin: FastifyInstance): void;
  /** Feed every stream state change, with the stream session it belongs to. */
  onStreamChange(state: { state: StreamStateName }, sessionId: number | undefined): void;
  start(): void;
  stop(): Promise<void>;
  health(): ArchiveHealth;
}

/** The minimum free space the recorder keeps, in bytes. */
const minFree = (d: ArchiveDeps) => d.config.minFreeMb * 1024 * 1024;

/**
 * The archive's state and its pieces: the recorder, the finalising queue, retention, the recording
 * lifecycle on stream changes, start/stop and the routes' context. `createArchive` exposes it.
 */
class ArchiveCore {
  readonly log: Logger;
  readonly now: () => Date;
  readonly root: string;
  readonly store: RecordingsStore;
  // A stop ends any finalising in progress; the next start does it again from the parts.
  private readonly abort = new AbortController();
  readonly tools: MediaTools;
  private readonly defaults: ArchiveSettings;
  readonly recorder: Recorder;
  private error: ArchiveHealth['error'] = null;
  private streamOn = false;
  private stopping = false;
  /** A recording the full disk stopped: finalised when its broadcast ends (or at the next start). */
  private halted: string | null = null;
  // One finalising at a time (two ffmpeg copies of an hour of video would only compete for the disk).
  private queue: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();

  constructor(private readonly d: ArchiveDeps) {
    this.log = d.logger.child({ component: 'archive', stream: d.streamName });
    this.now = d.now ?? (() => new Date());
    this.root = path.join(d.dataDir, 'recordings');
    this.store = new RecordingsStore(d.db);
    this.tools = { ...d.tools, signal: this.abort.signal };
    this.defaults = { privateByDefault: d.config.privateByDefault, keepLast: d.config.keepLast, keepDays: d.config.keepDays };
    this.recorder = new Recorder({
      ffmpeg: d.tools.ffmpeg,
      rtmpPort: d.rtmpPort,
      name: d.streamName,
      root: this.root,
      pidFile: path.join(d.dataDir, 'recorder.pid'),
      logger: this.log,
      redactor: d.redactor,
      minFreeBytes: minFree(d),
      onDiskFull: (id, free) => this.diskFull(id, free),
      listening: d.listening,
    });
  }

  settings(): ArchiveSettings {
    return this.store.settings(this.defaults);
  }

  health(): ArchiveHealth {
    return { recording: this.recorder.current, error: this.error };
  }

  private diskFull(id: string, free: number): void {
    this.error = {
      code: 'disk_full',
      message: `Disco lleno: la grabación se detuvo (quedan ${Math.round(free / 1048576)} MB); la transmisión sigue / disk full: the recording stopped; the live stream goes on`,
      at: this.now().toISOString(),
    };
    this.halted = id;
  }

  // ── Finalising queue ──────────────────────────────────────────────────────────────────────────────

  enqueueFinalise(id: string): Promise<void> {
    if (this.queued.has(id)) return this.queue;
    this.queued.add(id);
    this.queue = this.queue.then(() => this.finaliseOne(id)).finally(() => this.queued.delete(id));
    return this.queue;
  }

  private async finaliseOne(id: string): Promise<void> {
    const rec = this.store.get(id);
    const dir = recordingDir(this.root, id);
    if (!rec || !dir || this.stopping) return;
    const first = rec.status !== 'ready';
    this.store.setStatus(id, 'finalising');
    const t0 = Date.now();
    try {
      const published = first ? !this.settings().privateByDefault : undefined;
      // The MP4 is published as soon as it is ready; the audio (and the podcast item) follow.
      const files = await finalise(this.tools, dir, (v) => {
        this.store.finalised(id, { ...v, audioBytes: 0, hasAudio: false, published });
        this.log.info({ event: 'recording_video_ready', recording: id, duration: Math.round(v.duration), ms: Date.now() - t0 }, 'recording published (video)');
      });
      this.store.finalised(id, files);
      removeParts(dir);
      this.log.info({ event: 'recording_finalised', recording: id, duration: Math.round(files.duration), ms: Date.now() - t0, audio: files.audioFrom ?? 'none', listened: files.listenedSeconds?.toFixed(1) }, 'recording finalised');
      this.applyRetention();
    } catch (err) {
      this.finaliseFailed(id, dir, err as Error);
    }
  }

  private finaliseFailed(id: string, dir: string, err: Error): void {
    if (err instanceof NoMediaError) {
      this.store.remove(id);
      rmSync(dir, { recursive: true, force: true });
      this.log.info({ event: 'recording_empty', recording: id }, 'nothing was recorded; recording removed');
      return;
    }
    if (this.stopping) return;
    this.store.setStatus(id, 'failed', err.message.slice(0, 300));
    this.log.error({ event: 'recording_finalise_failed', recording: id, err: err.message.slice(0, 300) }, 'recording could not be finalised; its parts are kept');
  }

  // ── Retention and removal ─────────────────────────────────────────────────────────────────────────

  applyRetention(): void {
    for (const id of toDelete(this.store.list(), this.settings(), this.now())) this.remove(id);
  }

  remove(id: string): void {
    const dir = recordingDir(this.root, id);
    this.store.remove(id);
    if (dir) rmSync(dir, { recursive: true, force: true });
    this.log.info({ event: 'recording_deleted', recording: id }, 'recording deleted');
  }

  // ── Recording lifecycle on stream changes ─────────────────────────────────────────────────────────

  onStreamChange(state: { state: StreamStateName }, sessionId: number | undefined): void {
    if (!this.d.config.enabled || this.stopping) return;
    this.streamOn = state.state !== 'offline';
    // The publisher left (a blip, perhaps): its return will be the next part.
    if (state.state === 'reconnecting') this.recorder.nextPart();
    if (this.streamOn && sessionId !== undefined) this.beginOrContinue(sessionId);
    if (!this.streamOn) void this.end();
  }

  private beginOrContinue(sessionId: number): void {
    if (this.error?.code === 'disk_full') {
      // Stopped for lack of space: nothing is recorded until space returns (then it goes on, a new part).
      if (freeBytes(this.root) < minFree(this.d)) return;
      this.error = null;
      this.halted = null;
    }
    const existing = this.store.bySession(sessionId);
    if (existing?.status === 'recording' && !this.queued.has(existing.id)) {
      this.recorder.record(existing.id);
      return;
    }
    const at = this.now();
    const rec = this.store.create({ id: newRecordingId(at), sessionId, title: defaultTitle(at, this.d.site().schedule), startedAt: at });
    this.log.info({ event: 'recording_started', recording: rec.id, session: sessionId }, 'recording started');
    this.recorder.record(rec.id);
  }

  private async end(): Promise<void> {
    const id = this.recorder.current ?? this.halted;
    this.halted = null;
    if (!id) return;
    this.store.ended(id, this.now());
    await this.recorder.stop();
    await this.enqueueFinalise(id);
  }

  // ── Start and stop ────────────────────────────────────────────────────────────────────────────────

  start(): void {
    mkdirSync(this.root, { recursive: true });
    const adopted = this.d.config.enabled ? this.recorder.adoptOrphan() : undefined;
    this.finaliseLeftovers(adopted);
    if (adopted) this.watchAdopted(adopted);
  }

  private finaliseLeftovers(adopted: string | undefined): void {
    // Anything else left unfinished by a crash (the service and its recorder both gone, or a
    // finalising cut short) is finalised now from its parts.
    for (const r of this.store.unfinished()) if (r.id !== adopted) void this.enqueueFinalise(r.id);
    // Published before its audio was made and then a crash, or a finalising that failed (a full disk):
    // the parts are still there.
    for (const r of this.store.list()) {
      const dir = recordingDir(this.root, r.id);
      if ((r.status === 'ready' || r.status === 'failed') && dir && existsSync(dir) && partsOf(dir).length > 0) void this.enqueueFinalise(r.id);
    }
  }

  /** The publisher may have left while the service was down: then the stream stays offline, and the adopted recording ends once a grace period shows it. */
  private watchAdopted(adopted: string): void {
    const check = setTimeout(() => {
      if (!this.streamOn && this.recorder.current === adopted) void this.end();
    }, this.d.graceMs + 5000);
    check.unref();
  }

  async stop(): Promise<void> {
    // A graceful stop ends the recording cleanly; it is finalised at the next start (not here: the
    // shutdown must stay short).
    this.stopping = true;
    this.abort.abort();
    await this.recorder.stop();
  }

  // ── What the routes see ───────────────────────────────────────────────────────────────────────────

  routesContext(): RoutesContext {
    return {
      store: this.store,
      root: this.root,
      tools: this.tools,
      logger: this.log,
      publicUrl: this.d.publicUrl.replace(/\/$/, ''),
      webRoot: this.d.webRoot,
      site: this.d.site,
      settings: () => this.settings(),
      saveSettings: (next: ArchiveSettings) => {
        this.store.saveSettings(next);
        this.applyRetention();
      },
      remove: (id) => this.remove(id),
      writing: () => this.recorder.current,
      health: () => this.health(),
      diskUsage: () => this.diskUsage(),
      folderBytes: (id: string) => folderBytes(recordingDir(this.root, id)!),
    };
  }

  private diskUsage(): { freeBytes: number; usedBytes: number } {
    // Zero free bytes until the folder exists.
    const free = existsSync(this.root) ? freeBytes(this.root) : 0;
    return { freeBytes: free, usedBytes: this.store.list().reduce((n, r) => n + folderBytes(recordingDir(this.root, r.id)!), 0) };
  }
}

/**
 * The sermon archive: a recording per stream session (publisher blips included), written by a supervised
 * recorder as MPEG-TS parts, finalised into MP4 + M4A + poster when the session ends — or at the next
 * start, if the service died before — and served, listed and put in the podcast feed.
 */
export function createArchive(d: ArchiveDeps): Archive {
  const core = new ArchiveCore(d);
  const ctx = core.routesContext();
  return {
    publicRoutes: (api) => publicRecordingRoutes(api, ctx),
    adminRoutes: (admin) => adminRecordingRoutes(admin, ctx),
    onStreamChange: (state, sessionId) => core.onStreamChange(state, sessionId),
    start: () => core.start(),
    stop: () => core.stop(),
    health: () => core.health(),
  };
}

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
import { Recorder, freeBytes } from './recorder.js';
import { toDelete } from './retention.js';
import { adminRecordingRoutes, publicRecordingRoutes } from './routes.js';
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

/**
 * The sermon archive: a recording per stream session (publisher blips included), written by a supervised
 * recorder as MPEG-TS parts, finalised into MP4 + M4A + poster when the session ends — or at the next
 * start, if the service died before — and served, listed and put in the podcast feed.
 */
export function createArchive(d: ArchiveDeps): Archive {
  const log = d.logger.child({ component: 'archive', stream: d.streamName });
  const now = d.now ?? (() => new Date());
  const root = path.join(d.dataDir, 'recordings');
  const store = new RecordingsStore(d.db);
  // A stop ends any finalising in progress; the next start does it again from the parts.
  const abort = new AbortController();
  const tools: MediaTools = { ...d.tools, signal: abort.signal };
  const defaults: ArchiveSettings = { privateByDefault: d.config.privateByDefault, keepLast: d.config.keepLast, keepDays: d.config.keepDays };
  const settings = () => store.settings(defaults);
  let error: ArchiveHealth['error'] = null;
  let streamOn = false;
  let stopping = false;
  /** A recording the full disk stopped: finalised when its broadcast ends (or at the next start). */
  let halted: string | null = null;
  const recorder = new Recorder({
    ffmpeg: d.tools.ffmpeg,
    rtmpPort: d.rtmpPort,
    name: d.streamName,
    root,
    pidFile: path.join(d.dataDir, 'recorder.pid'),
    logger: log,
    redactor: d.redactor,
    minFreeBytes: d.config.minFreeMb * 1024 * 1024,
    onDiskFull: (id, free) => {
      error = {
        code: 'disk_full',
        message: `Disco lleno: la grabación se detuvo (quedan ${Math.round(free / 1048576)} MB); la transmisión sigue / disk full: the recording stopped; the live stream goes on`,
        at: now().toISOString(),
      };
      halted = id;
    },
  });

  // One finalising at a time (two ffmpeg copies of an hour of video would only compete for the disk).
  let queue: Promise<void> = Promise.resolve();
  const queued = new Set<string>();
  function enqueueFinalise(id: string): Promise<void> {
    if (queued.has(id)) return queue;
    queued.add(id);
    queue = queue.then(() => finaliseOne(id)).finally(() => queued.delete(id));
    return queue;
  }

  async function finaliseOne(id: string): Promise<void> {
    const rec = store.get(id);
    const dir = recordingDir(root, id);
    if (!rec || !dir || stopping) return;
    const first = rec.status !== 'ready';
    store.setStatus(id, 'finalising');
    const t0 = Date.now();
    try {
      const published = first ? !settings().privateByDefault : undefined;
      // The MP4 is published as soon as it is ready; the audio (and the podcast item) follow.
      const files = await finalise(tools, dir, (v) => {
        store.finalised(id, { ...v, audioBytes: 0, hasAudio: false, published });
        log.info({ event: 'recording_video_ready', recording: id, duration: Math.round(v.duration), ms: Date.now() - t0 }, 'recording published (video)');
      });
      store.finalised(id, files);
      removeParts(dir);
      log.info({ event: 'recording_finalised', recording: id, duration: Math.round(files.duration), ms: Date.now() - t0 }, 'recording finalised');
      applyRetention();
    } catch (err) {
      if (err instanceof NoMediaError) {
        store.remove(id);
        rmSync(dir, { recursive: true, force: true });
        log.info({ event: 'recording_empty', recording: id }, 'nothing was recorded; recording removed');
        return;
      }
      if (stopping) return;
      store.setStatus(id, 'failed', (err as Error).message.slice(0, 300));
      log.error({ event: 'recording_finalise_failed', recording: id, err: (err as Error).message.slice(0, 300) }, 'recording could not be finalised; its parts are kept');
    }
  }

  function applyRetention(): void {
    for (const id of toDelete(store.list(), settings(), now())) remove(id);
  }

  function remove(id: string): void {
    const dir = recordingDir(root, id);
    store.remove(id);
    if (dir) rmSync(dir, { recursive: true, force: true });
    log.info({ event: 'recording_deleted', recording: id }, 'recording deleted');
  }

  function beginOrContinue(sessionId: number): void {
    if (error?.code === 'disk_full') {
      // Stopped for lack of space: nothing is recorded until space returns (then it goes on, a new part).
      if (freeBytes(root) < d.config.minFreeMb * 1048576) return;
      error = null;
      halted = null;
    }
    const existing = store.bySession(sessionId);
    if (existing?.status === 'recording' && !queued.has(existing.id)) {
      recorder.record(existing.id);
      return;
    }
    const at = now();
    const rec = store.create({ id: newRecordingId(at), sessionId, title: defaultTitle(at, d.site().schedule), startedAt: at });
    log.info({ event: 'recording_started', recording: rec.id, session: sessionId }, 'recording started');
    recorder.record(rec.id);
  }

  async function end(): Promise<void> {
    const id = recorder.current ?? halted;
    halted = null;
    if (!id) return;
    store.ended(id, now());
    await recorder.stop();
    await enqueueFinalise(id);
  }

  const ctx = {
    store,
    root,
    tools,
    logger: log,
    publicUrl: d.publicUrl.replace(/\/$/, ''),
    webRoot: d.webRoot,
    site: d.site,
    settings,
    saveSettings: (next: ArchiveSettings) => {
      store.saveSettings(next);
      applyRetention();
    },
    remove,
    writing: () => recorder.current,
    health: () => ({ recording: recorder.current, error }),
    diskUsage: () => {
      let free = 0;
      try {
        free = freeBytes(root);
      } catch {
        /* not created yet */
      }
      return { freeBytes: free, usedBytes: store.list().reduce((n, r) => n + folderBytes(recordingDir(root, r.id)!), 0) };
    },
    folderBytes: (id: string) => folderBytes(recordingDir(root, id)!),
  };

  return {
    publicRoutes: (api) => publicRecordingRoutes(api, ctx),
    adminRoutes: (admin) => adminRecordingRoutes(admin, ctx),
    onStreamChange(state, sessionId) {
      if (!d.config.enabled || stopping) return;
      streamOn = state.state !== 'offline';
      // The publisher left (a blip, perhaps): its return will be the next part.
      if (state.state === 'reconnecting') recorder.nextPart();
      if (streamOn && sessionId !== undefined) beginOrContinue(sessionId);
      if (!streamOn) void end();
    },
    start() {
      mkdirSync(root, { recursive: true });
      const adopted = d.config.enabled ? recorder.adoptOrphan() : undefined;
      // Anything else left unfinished by a crash (the service and its recorder both gone, or a
      // finalising cut short) is finalised now from its parts.
      for (const r of store.unfinished()) if (r.id !== adopted) enqueueFinalise(r.id);
      // Published before its audio was made and then a crash, or a finalising that failed (a full disk):
      // the parts are still there.
      for (const r of store.list()) {
        const dir = recordingDir(root, r.id);
        if ((r.status === 'ready' || r.status === 'failed') && dir && existsSync(dir) && partsOf(dir).length > 0) enqueueFinalise(r.id);
      }
      if (adopted) {
        // The publisher may have left while the service was down: then the stream stays offline, and
        // the adopted recording ends once a grace period shows it.
        const check = setTimeout(() => {
          if (!streamOn && recorder.current === adopted) void end();
        }, d.graceMs + 5000);
        check.unref();
      }
    },
    async stop() {
      // A graceful stop ends the recording cleanly; it is finalised at the next start (not here: the
      // shutdown must stay short).
      stopping = true;
      abort.abort();
      await recorder.stop();
    },
    health: () => ({ recording: recorder.current, error }),
  };
}

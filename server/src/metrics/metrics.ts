import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { metricsRoute } from './access.js';
import type { StreamStateName } from '../stream/state-machine.js';
import type { StreamStatus } from '../stream/status.js';

const STATES: readonly StreamStateName[] = ['offline', 'starting', 'live', 'reconnecting'];

/** The part of the ingest health the metrics read (IngestHealth satisfies it). */
export interface MetricsHealth {
  inputKbps?: number;
  fps?: number;
  transcoder: { restarts: number };
  renditions: { id: string; ready: boolean }[];
  /** Disk space of DATA_DIR, when the pipeline reports it; `freeBytes` is read if present. */
  storage?: unknown;
}

/** Live values read at scrape time: every one a function, so nothing is sampled on a timer. */
export interface MetricsSources {
  status(): Pick<StreamStatus, 'state' | 'renditions'>;
  health(): MetricsHealth;
  viewers(): number;
  peak(): number;
  wsConnections(): { v2: number; legacy: number };
  /** Each supervised nginx by role ("media" for RTMP, "web" for public HTTP/HTTPS) → running. */
  nginxUp(): Record<string, boolean>;
  /** Chat messages this instance accepted, and refused by reason (monotonic counts). */
  chat(): { accepted: number; rejected: ReadonlyMap<string, number> };
  /** Every rendition of the ladder, so each has a series (0) even while offline. */
  renditionIds?: readonly string[];
}

export interface MetricsOptions {
  /** METRICS_TOKEN: opens /metrics through nginx to `Authorization: Bearer <token>`. */
  token?: string;
  /** prom-client's process metrics (CPU, memory, event loop, GC); on by default. */
  processMetrics?: boolean;
}

export interface Metrics {
  registry: Registry;
  /** The exposition text, as /metrics serves it. */
  scrape(): Promise<string>;
  routes(app: FastifyInstance): void;
}

function freeBytes(storage: unknown): number | undefined {
  if (typeof storage !== 'object' || storage === null) return undefined;
  const v = (storage as { freeBytes?: unknown }).freeBytes;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A counter that mirrors a monotonic count kept elsewhere: increments by what it grew since last scrape. */
function follow(seen: Map<string, number>, key: string, value: number): number {
  const before = seen.get(key) ?? 0;
  seen.set(key, Math.max(before, value));
  return Math.max(0, value - before);
}

/** The Prometheus registry of one service instance and its /metrics route. */
export function createMetrics(src: MetricsSources, opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'cdp_' });

  // One status/health read per scrape, shared by the gauges that need it.
  let snapshot: Snapshot | null = null;
  const read = () => {
    const now = Date.now();
    if (!snapshot || now - snapshot.at > 250) snapshot = { at: now, status: src.status(), health: src.health() };
    return snapshot;
  };
  const seen = new Map<string, number>();
  streamMetrics(registers, read, src, seen);
  audienceMetrics(registers, src, seen);
  serviceMetrics(registers, src);
  // Only once the pipeline reports disk space: a gauge without labels would otherwise show a false 0.
  let storageGauge: Gauge | null = null;
  const scrape = async () => {
    snapshot = null;
    if (!storageGauge && freeBytes(read().health.storage) !== undefined) {
      storageGauge = new Gauge({
        name: 'cdp_storage_free_bytes',
        help: 'Free space where HLS segments and the database are written',
        registers,
        collect() {
          this.set(freeBytes(read().health.storage) ?? 0);
        },
      });
    }
    return registry.metrics();
  };
  return { registry, scrape, routes: (app) => metricsRoute(app, registry.contentType, scrape, opts.token) };
}

type Snapshot = { at: number; status: Pick<StreamStatus, 'state' | 'renditions'>; health: MetricsHealth };
type Registers = Registry[];

/** The stream: its state, the input's figures, each rendition's readiness, the ladder's restarts. */
function streamMetrics(registers: Registers, read: () => Snapshot, src: MetricsSources, seen: Map<string, number>): void {
  new Gauge({
    name: 'cdp_stream_state',
    help: 'Stream state: 1 for the current state, 0 for the others',
    labelNames: ['state'],
    registers,
    collect() {
      const current = read().status.state;
      for (const state of STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
  new Gauge({
    name: 'cdp_stream_live',
    help: '1 while the stream is live (every rendition playable), 0 otherwise',
    registers,
    collect() {
      this.set(read().status.state === 'live' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'cdp_ingest_bitrate_kbps',
    help: 'Bitrate of the incoming RTMP stream in kbit/s (0 without a publisher)',
    registers,
    collect() {
      this.set(read().health.inputKbps ?? 0);
    },
  });
  new Gauge({
    name: 'cdp_ingest_fps',
    help: 'Frame rate of the incoming stream (0 without a publisher)',
    registers,
    collect() {
      this.set(read().health.fps ?? 0);
    },
  });
  new Gauge({
    name: 'cdp_rendition_ready',
    help: 'Whether each rendition is playable (its playlist lists a complete segment)',
    labelNames: ['rendition'],
    registers,
    collect() {
      const { status, health } = read();
      const ready = new Map<string, boolean>();
      for (const id of src.renditionIds ?? []) ready.set(id, false);
      for (const r of health.renditions) ready.set(r.id, r.ready);
      // Offline, nothing is announced as playable even if old segments linger on disk.
      if (status.state === 'offline') for (const id of ready.keys()) ready.set(id, false);
      else for (const r of status.renditions) ready.set(r.id, r.ready);
      this.reset();
      for (const [rendition, ok] of ready) this.set({ rendition }, ok ? 1 : 0);
    },
  });
  new Counter({
    name: 'cdp_transcoder_restarts_total',
    help: 'Times the ladder ffmpeg was restarted after exiting unexpectedly',
    registers,
    collect() {
      this.inc(follow(seen, 'restarts', read().health.transcoder.restarts));
    },
  });
}

/** The audience: viewers now and at the peak, chat messages accepted and refused. */
function audienceMetrics(registers: Registers, src: MetricsSources, seen: Map<string, number>): void {
  new Gauge({
    name: 'cdp_viewers',
    help: 'Viewers now (sessions counted once across tabs and instances)',
    registers,
    collect() {
      this.set(src.viewers());
    },
  });
  new Gauge({
    name: 'cdp_viewers_peak',
    help: 'Most viewers at once during the current or last stream',
    registers,
    collect() {
      this.set(src.peak());
    },
  });
  new Counter({
    name: 'cdp_chat_messages_total',
    help: 'Chat messages accepted on this instance; messages per second is rate(cdp_chat_messages_total[1m])',
    registers,
    collect() {
      this.inc(follow(seen, 'chat', src.chat().accepted));
    },
  });
  new Counter({
    name: 'cdp_chat_rejected_total',
    help: 'Chat messages refused on this instance, by reason',
    labelNames: ['reason'],
    registers,
    collect() {
      for (const [reason, n] of src.chat().rejected) this.inc({ reason }, follow(seen, `rejected:${reason}`, n));
    },
  });
}

/** The service itself: open sockets by protocol, each supervised nginx. */
function serviceMetrics(registers: Registers, src: MetricsSources): void {
  new Gauge({
    name: 'cdp_websocket_connections',
    help: 'Open websocket connections on this instance, by protocol',
    labelNames: ['protocol'],
    registers,
    collect() {
      const c = src.wsConnections();
      this.set({ protocol: 'v2' }, c.v2);
      this.set({ protocol: 'legacy' }, c.legacy);
    },
  });
  new Gauge({
    name: 'cdp_nginx_up',
    help: 'Whether each supervised nginx is running',
    labelNames: ['instance'],
    registers,
    collect() {
      this.reset();
      for (const [instance, up] of Object.entries(src.nginxUp())) this.set({ instance }, up ? 1 : 0);
    },
  });
}

export { isLoopback, metricsAccess, type MetricsAccess, type MetricsRequest } from './access.js';

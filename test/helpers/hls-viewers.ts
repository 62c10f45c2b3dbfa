/**
 * Simulated HLS viewers with autocannon, in this process: every connection is one viewer that asks for
 * its rendition's playlist, then for the newest segment that playlist lists, and again. The segment path
 * comes from the playlist response the same connection just read, so a viewer never asks for a segment
 * hls_cleanup has already deleted, exactly like a player at the live edge.
 *
 * Paced (ratePerConnection 1 with 2 s fragments), a viewer makes 2 requests per fragment, as a player at
 * the live edge does (one playlist refresh, one segment download); unpaced (0), every connection asks
 * again as soon as it has its answer (a stress figure: the latency is then mostly queueing in this client).
 */
import { readFileSync } from 'node:fs';
import { createHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export type ViewerRendition = 'low' | 'audio';

export interface ViewerLoadOptions {
  /** http://127.0.0.1:PORT */
  base: string;
  stream?: string;
  rendition: ViewerRendition;
  connections: number;
  durationS: number;
  /** Requests per second per connection; 0 = as fast as the server answers. */
  ratePerConnection: number;
  /** Seconds before a request without an answer counts as a timeout (autocannon's default is 10). */
  timeoutS?: number;
}

export interface ViewerLoadResult {
  rendition: ViewerRendition;
  playlistPath: string;
  connections: number;
  durationS: number;
  ratePerConnection: number;
  requests: number;
  requestsPerSec: number;
  playlists: number;
  segments: number;
  megabytesPerSec: number;
  /** Every 2xx answer, autocannon's figures: includes each viewer's first request, made while 5,000 clients were being created. */
  latencyMs: LatencyMs;
  /**
   * The answers after every viewer had its first one (the ramp-up excluded): what a watching viewer
   * sees. null if some connection never got an answer.
   */
  steadyLatencyMs: LatencyMs | null;
  /** Seconds from the start until every viewer had an answer. */
  rampUpS: number | null;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  statusCodes: Record<string, number>;
  /**
   * How late this process's own event loop ran (p99, ms): the viewers' latency includes it, so a high
   * value means the figures measure a starved client (a busy machine), not nginx.
   */
  clientLoopDelayP99Ms: number;
  /** First few segment statuses that were not 2xx (path and status), to say what went wrong. */
  badResponses: string[];
}

export interface LatencyMs {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** What one connection remembers between its requests (autocannon keeps one context per connection). */
interface ViewerContext {
  segment?: string;
}

/** The newest segment a media playlist lists (its last URI line), or null. */
export function newestSegment(playlist: string): string | null {
  const lines = playlist.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!.trim();
    if (l && !l.startsWith('#')) return l;
  }
  return null;
}

/** This process's soft limit on open files (sockets count), from /proc/self/limits. */
export function openFilesLimit(): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  if (!m) return Number.POSITIVE_INFINITY;
  return m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1]);
}

/**
 * Fails at once, with the fix, when the viewers cannot all have a socket: this process needs one per
 * connection, and nginx (which inherits the limit unless worker_rlimit_nofile raises it) one more per
 * connection plus a file per segment it is sending.
 */
export function assertEnoughFiles(connections: number): void {
  const need = connections + 512;
  const have = openFilesLimit();
  if (have < need) {
    throw new Error(`the open-files limit is ${have}, below the ${need} that ${connections} viewers need: raise it (ulimit -n ${Math.max(need * 2, 20000)}) and run again`);
  }
}

/**
 * autocannon keeps every response body as a string (each chunk decoded as UTF-8): for ~120 KB segments
 * that decoding, not nginx, was most of the time this client spent (profiled: ~40 % of its CPU in
 * Buffer#toString at 1,000 viewers), so the latencies measured this client. Only the playlist's text is
 * needed; segment bytes are still counted (throughput) but not kept. Relies on autocannon 8's per-client
 * request queue; if that is not there, every body is kept as before (slower, still correct).
 */
function keepPlaylistBodiesOnly(client: autocannon.Client, playlistPath: string): void {
  const queue = (client as unknown as { pipelinedRequests?: PendingQueue }).pipelinedRequests;
  if (!queue || typeof queue.addBody !== 'function' || typeof queue.peek !== 'function') return;
  queue.addBody = function addBody(data: Buffer) {
    const pending = this.peek();
    if (pending && pending.req?.path === playlistPath) pending.body += data;
  };
}

interface PendingQueue {
  peek(): { req?: { path?: string }; body: string } | undefined;
  addBody(data: Buffer): void;
}

export async function runViewers(o: ViewerLoadOptions): Promise<ViewerLoadResult> {
  assertEnoughFiles(o.connections);
  const stream = o.stream ?? 'envivo';
  const dir = `/video/${stream}_${o.rendition}`;
  const playlistPath = `${dir}/index.m3u8`;

  // One segment known up front: a viewer whose playlist answer was unusable still asks for something real.
  const first = await fetch(`${o.base}${playlistPath}`);
  const firstBody = await first.text();
  let latest = newestSegment(firstBody);
  if (!first.ok || !latest) throw new Error(`${playlistPath} answered ${first.status} with no segment: is the stream live?`);

  let playlists = 0;
  let segments = 0;
  const badResponses: string[] = [];
  const noteBad = (what: string, status: number) => {
    if (badResponses.length < 10) badResponses.push(`${what} → ${status}`);
  };

  const options: autocannon.Options = {
    url: o.base,
    setupClient: (client) => keepPlaylistBodiesOnly(client, playlistPath),
    connections: o.connections,
    duration: o.durationS,
    timeout: o.timeoutS ?? 10,
    ...(o.ratePerConnection > 0 ? { connectionRate: o.ratePerConnection } : {}),
    requests: [
      {
        method: 'GET',
        path: playlistPath,
        onResponse: (status, body, context) => {
          playlists++;
          if (status < 200 || status > 299) {
            noteBad(playlistPath, status);
            return;
          }
          const seg = newestSegment(body);
          if (seg) {
            (context as ViewerContext).segment = seg;
            latest = seg;
          }
        },
      },
      {
        method: 'GET',
        setupRequest: (req, context) => {
          const seg = (context as ViewerContext).segment ?? latest;
          return { ...req, path: `${dir}/${seg}` };
        },
        onResponse: (status, _body, context) => {
          segments++;
          if (status < 200 || status > 299) noteBad(`${dir}/${(context as ViewerContext).segment ?? latest}`, status);
        },
      },
    ],
  };
  // autocannon creates all its clients in one synchronous loop and times each first request from its
  // client's creation, so those first answers also measure the loop; steady state starts after them.
  const started = performance.now();
  const answered = new Set<unknown>();
  let steadyAt: number | null = null;
  const steady = createHistogram();
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(options, (err, res) => (err ? reject(err) : resolve(res)));
  });
  instance.on('response', (client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    if (steadyAt === null) {
      answered.add(client);
      if (answered.size >= o.connections) {
        steadyAt = performance.now();
        answered.clear();
      }
      return;
    }
    if (statusCode >= 200 && statusCode <= 299) steady.record(Math.max(1, Math.round(responseTimeMs * 1000)));
  });

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  // Bounded even if autocannon never finishes by itself.
  const guard = setTimeout(() => instance.stop(), (o.durationS + 30) * 1000);
  let result: autocannon.Result;
  try {
    result = await done;
  } finally {
    clearTimeout(guard);
    loopDelay.disable();
  }

  const statusCodes: Record<string, number> = {};
  for (const k of ['1xx', '2xx', '3xx', '4xx', '5xx'] as const) statusCodes[k] = result[k];
  const durationS = result.duration;
  return {
    rendition: o.rendition,
    playlistPath,
    connections: o.connections,
    durationS,
    ratePerConnection: o.ratePerConnection,
    requests: result.requests.total,
    requestsPerSec: result.requests.total / durationS,
    playlists,
    segments,
    megabytesPerSec: result.throughput.total / durationS / 1e6,
    steadyLatencyMs:
      steadyAt !== null && steady.count > 0
        ? {
            p50: steady.percentile(50) / 1000,
            p90: steady.percentile(90) / 1000,
            p99: steady.percentile(99) / 1000,
            p999: steady.percentile(99.9) / 1000,
            max: steady.max / 1000,
            mean: steady.mean / 1000,
          }
        : null,
    rampUpS: steadyAt !== null ? (steadyAt - started) / 1000 : null,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      p999: result.latency.p99_9,
      max: result.latency.max,
      mean: result.latency.average,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    statusCodes,
    clientLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    badResponses,
  };
}

/**
 * One chat load-generator process (forked by bench/chat.bench.ts; never run by hand). It owns a share of
 * the bench's websockets, all bound to its own loopback source address, and:
 *
 *   connect  opens them in bounded batches, says `hello` on each and waits for `welcome`;
 *   send     starts a phase: its first `senders` sockets post chat messages round-robin on a fixed
 *            schedule (message k at t0 + offset + k × interval on the machine-wide monotonic clock), each
 *            text `cdpbench PHASE WORKER SEQ NS` carrying the send time `process.hrtime.bigint()` read
 *            just before `ws.send`; the phase's counters start from zero;
 *   every    `chat` of the current phase delivered to any of its sockets is timed on arrival (the same
 *            clock: CLOCK_MONOTONIC is shared by every process on the machine) and counted per
 *            (sending worker, sequence); a late delivery of an earlier phase is only counted as stale;
 *   report   returns the phase's raw latencies (µs, a Uint32Array over the advanced-serialisation IPC
 *            channel), per-message delivery counts, acks/errors, close codes and its event-loop delay;
 *   close    closes everything and exits. It also exits when the parent goes away (IPC disconnect).
 *
 * Every loop is bounded by a count and every wait by a timeout.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocket } from 'ws';

export interface ConnectCmd {
  cmd: 'connect';
  url: string;
  count: number;
  localAddress: string;
  batch: number;
  senders: number;
  worker: number;
  /** How many load workers there are (rows of the per-message delivery counters). */
  workers: number;
  batchTimeoutMs: number;
}
export interface SendCmd {
  cmd: 'send';
  phase: number;
  /** process.hrtime.bigint() of the schedule's start, as a decimal string. */
  t0: string;
  offsetMs: number;
  intervalMs: number;
  /** Messages this worker sends in the phase. */
  count: number;
  /** Messages all workers send in the phase (sizes the per-message counters). */
  maxSeq: number;
  /** Upper bound on deliveries to this worker's sockets in the phase (sizes the latency buffer). */
  capacity: number;
}
export type ParentMsg = ConnectCmd | SendCmd | { cmd: 'progress' } | { cmd: 'report' } | { cmd: 'close' };

export interface ConnectResult {
  type: 'connected';
  open: number;
  welcomed: number;
  failed: number;
  failures: Record<string, number>;
  ms: number;
}
export interface Progress {
  type: 'progress';
  delivered: number;
  /** Deliveries of an earlier phase's messages (a backlog the service is still paying for). */
  stale: number;
  sent: number;
  acked: number;
  answered: number;
  done: boolean;
}
export interface WorkerReport {
  type: 'report';
  worker: number;
  phase: number;
  latenciesUs: Uint32Array;
  recorded: number;
  overflow: number;
  /** deliveries[w][seq]: how many of this worker's sockets received message seq of worker w. */
  deliveries: number[][];
  /** firstUs[w][seq] / lastUs[w][seq]: smallest / largest latency of that message here (µs, 0 = none). */
  firstUs: number[][];
  lastUs: number[][];
  sent: number;
  acked: number;
  /** 1 per acknowledged message of this worker, by sequence number. */
  ackedSeq: number[];
  sendErrors: Record<string, number>;
  lateSends: number;
  maxSendLagMs: number;
  openAtReport: number;
  /** Close codes seen since the worker started (cumulative over phases). */
  closes: Record<string, number>;
  otherErrors: Record<string, number>;
  unexpected: number;
  stale: number;
  loopDelayMs: { p50: number; p99: number; max: number };
}

const MARK = 'cdpbench ';
const CHAT_PREFIX = '{"type":"chat"';
/** A /ws batch frame (sockets that connected with ?batch=1): its chat messages are found the same way. */
const BATCH_PREFIX = '{"type":"batch"';
const TEXT_KEY = '"text":"cdpbench ';

const send = (m: unknown) => process.send?.(m);
const bump = (r: Record<string, number>, k: string) => (r[k] = (r[k] ?? 0) + 1);

let sockets: WebSocket[] = [];
let cfg: ConnectCmd | null = null;
const closes: Record<string, number> = {};
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let sendTimer: NodeJS.Timeout | null = null;

/** The current phase's counters. */
let ph = newPhase(-1, 0, 0, 0);
function newPhase(phase: number, workers: number, maxSeq: number, capacity: number) {
  return {
    phase,
    latencies: new Uint32Array(capacity),
    recorded: 0,
    overflow: 0,
    deliveries: Array.from({ length: workers }, () => new Uint32Array(maxSeq)),
    /** Per message: the smallest and largest latency (µs) seen on this worker's sockets; 0 = none yet. */
    firstUs: Array.from({ length: workers }, () => new Uint32Array(maxSeq)),
    lastUs: Array.from({ length: workers }, () => new Uint32Array(maxSeq)),
    ackedSeq: new Uint8Array(maxSeq),
    unexpected: 0,
    stale: 0,
    sent: 0,
    acked: 0,
    lateSends: 0,
    maxSendLagMs: 0,
    sendErrors: {} as Record<string, number>,
    otherErrors: {} as Record<string, number>,
    scheduled: false,
  };
}

/** Every bench chat message in a frame (one, or a batch's many), timed at the frame's arrival. */
function onChats(s: string, at: bigint): void {
  // Bounded: each pass moves past one occurrence.
  for (let i = s.indexOf(TEXT_KEY); i >= 0; i = s.indexOf(TEXT_KEY, i + TEXT_KEY.length)) onChat(s, i, at);
}

function onChat(s: string, i: number, at: bigint): void {
  // {"type":"chat","message":{"id":…,"nick":…,"text":"cdpbench P W SEQ NS",…}} — parsed without JSON.parse.
  const start = i + TEXT_KEY.length;
  const parts = s.slice(start, s.indexOf('"', start)).split(' ');
  if (Number(parts[0]) !== ph.phase) {
    ph.stale += 1;
    return;
  }
  const w = Number(parts[1]);
  const seq = Number(parts[2]);
  const row = ph.deliveries[w];
  if (!row || !(seq >= 0 && seq < row.length) || !/^\d+$/.test(parts[3] ?? '')) {
    ph.unexpected += 1;
    return;
  }
  row[seq]! += 1;
  const us = Math.max(1, Number((at - BigInt(parts[3]!)) / 1000n));
  const first = ph.firstUs[w]!;
  const last = ph.lastUs[w]!;
  if (first[seq] === 0 || us < first[seq]!) first[seq] = us;
  if (us > last[seq]!) last[seq] = us;
  if (ph.recorded < ph.latencies.length) ph.latencies[ph.recorded++] = us;
  else ph.overflow += 1;
}

type Tagged = WebSocket & { welcomed?: () => void; failed?: (why: string) => void };

function onMessage(this: Tagged, data: Buffer): void {
  const at = process.hrtime.bigint();
  const s = data.toString('utf8');
  if (s.startsWith(CHAT_PREFIX)) {
    onChats(s, at);
    return;
  }
  if (s.startsWith(BATCH_PREFIX)) {
    onChats(s, at);
    // A reply to this socket's own frame (ack, error, welcome) may ride in its batch: only then parse it.
    if (!s.includes('"type":"ack"') && !s.includes('"type":"error"') && !s.includes('"type":"welcome"')) return;
    let b: { messages?: { type?: string }[] };
    try {
      b = JSON.parse(s) as typeof b;
    } catch {
      bump(ph.otherErrors, 'bad_json');
      return;
    }
    for (const m of b.messages ?? []) if (m.type !== 'chat') onOther.call(this, m);
    return;
  }
  let m: { type?: string; code?: string; clientId?: string };
  try {
    m = JSON.parse(s) as typeof m;
  } catch {
    bump(ph.otherErrors, 'bad_json');
    return;
  }
  onOther.call(this, m);
}

function onOther(this: Tagged, m: { type?: string; code?: string; clientId?: string }): void {
  if (m.type === 'welcome') this.welcomed?.();
  else if (m.type === 'ack') {
    const [p, , k] = (m.clientId ?? '').split('-').map(Number);
    if (p !== ph.phase) return;
    ph.acked += 1;
    if (k !== undefined && k >= 0 && k < ph.ackedSeq.length) ph.ackedSeq[k] = 1;
  } else if (m.type === 'error') {
    if (m.clientId) {
      if (Number(m.clientId.split('-')[0]) === ph.phase) bump(ph.sendErrors, m.code ?? '?');
    } else bump(ph.otherErrors, m.code ?? '?');
    this.failed?.(`error:${m.code ?? '?'}`);
  }
}

function open(c: ConnectCmd, index: number): Promise<string | null> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (why: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(why);
    };
    const ws: Tagged = new WebSocket(c.url, { localAddress: c.localAddress, perMessageDeflate: false, skipUTF8Validation: true, handshakeTimeout: c.batchTimeoutMs });
    const timer = setTimeout(() => finish('timeout'), c.batchTimeoutMs);
    ws.welcomed = () => finish(null);
    ws.failed = (why) => finish(why);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', nick: `b${c.worker}-${index}` })));
    ws.on('message', onMessage);
    ws.on('error', (err: NodeJS.ErrnoException) => finish(`socket:${err.code ?? err.message.slice(0, 40)}`));
    ws.on('close', (code) => {
      bump(closes, String(code));
      finish(`closed:${code}`);
    });
    sockets.push(ws);
  });
}

async function connectAll(c: ConnectCmd): Promise<ConnectResult> {
  cfg = c;
  const started = Date.now();
  const failures: Record<string, number> = {};
  let welcomed = 0;
  // Bounded: count / batch batches, each bounded by batchTimeoutMs.
  for (let first = 0; first < c.count; first += c.batch) {
    const n = Math.min(c.batch, c.count - first);
    const results = await Promise.all(Array.from({ length: n }, (_, k) => open(c, first + k)));
    for (const r of results) {
      if (r === null) welcomed += 1;
      else bump(failures, r);
    }
  }
  for (const ws of sockets as Tagged[]) {
    delete ws.welcomed;
    delete ws.failed;
  }
  const openNow = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  return { type: 'connected', open: openNow, welcomed, failed: c.count - welcomed, failures, ms: Date.now() - started };
}

function startSending(s: SendCmd): void {
  const c = cfg;
  if (!c) return;
  if (sendTimer) clearTimeout(sendTimer);
  sendTimer = null;
  ph = newPhase(s.phase, c.workers, s.maxSeq, s.capacity);
  ph.scheduled = true;
  const p = ph;
  const senders = sockets.slice(0, c.senders).filter((ws) => ws.readyState === WebSocket.OPEN);
  const t0 = BigInt(s.t0);
  const count = senders.length === 0 ? 0 : Math.min(s.count, s.maxSeq);
  loopDelay.reset();
  loopDelay.enable();
  let k = 0;
  const due = (i: number) => t0 + BigInt(Math.round((s.offsetMs + i * s.intervalMs) * 1e6));
  const tick = () => {
    // Bounded: at most `count` messages; a late tick sends what is due (never skips, never sends early).
    let guard = 0;
    while (k < count && process.hrtime.bigint() >= due(k) && guard++ < count) {
      const lagMs = Number(process.hrtime.bigint() - due(k)) / 1e6;
      if (lagMs > 5) p.lateSends += 1;
      p.maxSendLagMs = Math.max(p.maxSendLagMs, lagMs);
      const ws = senders[k % senders.length]!;
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(JSON.stringify({ type: 'chat', text: `${MARK}${p.phase} ${c.worker} ${k} ${process.hrtime.bigint()}`, clientId: `${p.phase}-${c.worker}-${k}` }));
        p.sent += 1;
      } else bump(p.sendErrors, 'sender_closed');
      k += 1;
    }
    if (k >= count) {
      sendTimer = null;
      p.scheduled = false;
      return;
    }
    const waitMs = Number(due(k) - process.hrtime.bigint()) / 1e6;
    sendTimer = setTimeout(tick, Math.max(0, Math.floor(waitMs)));
  };
  tick();
}

function delivered(): number {
  let n = 0;
  for (const row of ph.deliveries) for (const v of row) n += v;
  return n;
}

function report(): WorkerReport {
  loopDelay.disable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  return {
    type: 'report',
    worker: cfg?.worker ?? -1,
    phase: ph.phase,
    latenciesUs: ph.latencies.slice(0, ph.recorded),
    recorded: ph.recorded,
    overflow: ph.overflow,
    deliveries: ph.deliveries.map((row) => Array.from(row)),
    firstUs: ph.firstUs.map((row) => Array.from(row)),
    lastUs: ph.lastUs.map((row) => Array.from(row)),
    sent: ph.sent,
    acked: ph.acked,
    ackedSeq: Array.from(ph.ackedSeq),
    sendErrors: ph.sendErrors,
    lateSends: ph.lateSends,
    maxSendLagMs: Math.round(ph.maxSendLagMs * 100) / 100,
    openAtReport: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    closes,
    otherErrors: ph.otherErrors,
    unexpected: ph.unexpected,
    stale: ph.stale,
    loopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
  };
}

function closeAll(): void {
  if (sendTimer) clearTimeout(sendTimer);
  for (const ws of sockets) ws.terminate();
  sockets = [];
}

process.on('message', (m: ParentMsg) => {
  switch (m.cmd) {
    case 'connect':
      void connectAll(m).then(send, (err: Error) => send({ type: 'fatal', error: err.message }));
      break;
    case 'send':
      startSending(m);
      send({ type: 'sending' });
      break;
    case 'progress': {
      const answered = ph.acked + Object.values(ph.sendErrors).reduce((a, b) => a + b, 0);
      const p: Progress = { type: 'progress', delivered: delivered(), stale: ph.stale, sent: ph.sent, acked: ph.acked, answered, done: !ph.scheduled };
      send(p);
      break;
    }
    case 'report':
      send(report());
      break;
    case 'close':
      closeAll();
      send({ type: 'closed' });
      setTimeout(() => process.exit(0), 200).unref();
      break;
  }
});
// The bench is gone: nothing to report to.
process.on('disconnect', () => {
  closeAll();
  process.exit(0);
});
send({ type: 'ready' });

/**
 * One chat load-generator process (forked by bench/chat.bench.ts; never run by hand). It owns a share of
 * the bench's websockets, all bound to its own loopback source address, and:
 *
 *   connect  opens them in bounded batches, says `hello` on each and waits for `welcome`;
 *   send     makes its first `senders` sockets post chat messages round-robin on a fixed schedule
 *            (message k at t0 + offset + k × interval on the machine-wide monotonic clock), each text
 *            carrying the send time `process.hrtime.bigint()` taken just before `ws.send`;
 *   every    `chat` delivered to any of its sockets is timed on arrival (the same clock: CLOCK_MONOTONIC
 *            is shared by every process on the machine) and counted per (sending worker, sequence);
 *   report   returns the raw latencies (µs, Uint32Array over the advanced-serialisation IPC channel),
 *            the per-message delivery counts, acks/errors, close codes and its event-loop delay;
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
  /** Upper bound on messages any one worker will send (sizes the per-message counters). */
  maxSeq: number;
  /** Upper bound on deliveries to this worker's sockets (sizes the latency buffer). */
  capacity: number;
  batchTimeoutMs: number;
}
export interface SendCmd {
  cmd: 'send';
  t0: string;
  offsetMs: number;
  intervalMs: number;
  count: number;
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
export interface WorkerReport {
  type: 'report';
  worker: number;
  latenciesUs: Uint32Array;
  recorded: number;
  overflow: number;
  /** deliveries[w][seq]: how many of this worker's sockets received message seq of worker w. */
  deliveries: number[][];
  sent: number;
  acked: number;
  /** 1 per acknowledged message of this worker, by sequence number. */
  ackedSeq: number[];
  sendErrors: Record<string, number>;
  lateSends: number;
  maxSendLagMs: number;
  openAtReport: number;
  closes: Record<string, number>;
  otherErrors: Record<string, number>;
  unexpected: number;
  loopDelayMs: { p50: number; p99: number; max: number };
}

const MARK = 'cdpbench ';
const CHAT_PREFIX = '{"type":"chat"';
const TEXT_KEY = '"text":"cdpbench ';

const send = (m: unknown) => process.send?.(m);
const bump = (r: Record<string, number>, k: string) => (r[k] = (r[k] ?? 0) + 1);

let sockets: WebSocket[] = [];
let cfg: ConnectCmd | null = null;
let latencies = new Uint32Array(0);
let recorded = 0;
let overflow = 0;
let deliveries: Uint32Array[] = [];
/** ackedSeq[k] = 1 once this worker's message k was acknowledged. */
let ackedSeq = new Uint8Array(0);
let unexpected = 0;
let sent = 0;
let acked = 0;
let lateSends = 0;
let maxSendLagMs = 0;
const sendErrors: Record<string, number> = {};
const closes: Record<string, number> = {};
const otherErrors: Record<string, number> = {};
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let sendTimer: NodeJS.Timeout | null = null;

function onChat(s: string, at: bigint): void {
  // {"type":"chat","message":{"id":…,"nick":…,"text":"cdpbench W SEQ NS",…}} — parsed without JSON.parse.
  const i = s.indexOf(TEXT_KEY);
  if (i < 0) return;
  const start = i + TEXT_KEY.length;
  const end = s.indexOf('"', start);
  const parts = s.slice(start, end).split(' ');
  const w = Number(parts[0]);
  const seq = Number(parts[1]);
  const sentAt = BigInt(parts[2] ?? '0');
  const row = deliveries[w];
  if (!row || !(seq >= 0 && seq < row.length)) {
    unexpected += 1;
    return;
  }
  row[seq]! += 1;
  const us = Number((at - sentAt) / 1000n);
  if (recorded < latencies.length) latencies[recorded++] = Math.max(1, us);
  else overflow += 1;
}

function onMessage(this: WebSocket, data: Buffer): void {
  const at = process.hrtime.bigint();
  const s = data.toString('utf8');
  if (s.startsWith(CHAT_PREFIX)) {
    onChat(s, at);
    return;
  }
  let m: { type?: string; code?: string; clientId?: string };
  try {
    m = JSON.parse(s) as typeof m;
  } catch {
    bump(otherErrors, 'bad_json');
    return;
  }
  if (m.type === 'welcome') (this as WebSocket & { welcomed?: () => void }).welcomed?.();
  else if (m.type === 'ack') {
    acked += 1;
    const seq = Number(m.clientId?.split('-')[1]);
    if (seq >= 0 && seq < ackedSeq.length) ackedSeq[seq] = 1;
  }
  else if (m.type === 'error') {
    if (m.clientId) bump(sendErrors, m.code ?? '?');
    else bump(otherErrors, m.code ?? '?');
    (this as WebSocket & { failed?: (why: string) => void }).failed?.(`error:${m.code ?? '?'}`);
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
    const ws = new WebSocket(c.url, { localAddress: c.localAddress, perMessageDeflate: false, skipUTF8Validation: true, handshakeTimeout: c.batchTimeoutMs });
    const timer = setTimeout(() => finish('timeout'), c.batchTimeoutMs);
    const tagged = ws as WebSocket & { welcomed?: () => void; failed?: (why: string) => void };
    tagged.welcomed = () => finish(null);
    tagged.failed = (why) => finish(why);
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
  latencies = new Uint32Array(c.capacity);
  deliveries = Array.from({ length: c.workers }, () => new Uint32Array(c.maxSeq));
  ackedSeq = new Uint8Array(c.maxSeq);
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
  for (const ws of sockets) {
    const tagged = ws as WebSocket & { welcomed?: () => void; failed?: (why: string) => void };
    delete tagged.welcomed;
    delete tagged.failed;
  }
  const openNow = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  return { type: 'connected', open: openNow, welcomed, failed: c.count - welcomed, failures, ms: Date.now() - started };
}

function startSending(s: SendCmd): void {
  const c = cfg;
  if (!c) return;
  const senders = sockets.slice(0, c.senders).filter((ws) => ws.readyState === WebSocket.OPEN);
  if (senders.length === 0) return;
  const t0 = BigInt(s.t0);
  const count = Math.min(s.count, c.maxSeq);
  loopDelay.reset();
  loopDelay.enable();
  let k = 0;
  const due = (i: number) => t0 + BigInt(Math.round((s.offsetMs + i * s.intervalMs) * 1e6));
  const tick = () => {
    // Bounded: at most `count` messages; a late tick sends what is due (never skips, never bursts past now).
    let guard = 0;
    while (k < count && process.hrtime.bigint() >= due(k) && guard++ < count) {
      const lagMs = Number(process.hrtime.bigint() - due(k)) / 1e6;
      if (lagMs > 5) lateSends += 1;
      maxSendLagMs = Math.max(maxSendLagMs, lagMs);
      const ws = senders[k % senders.length]!;
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(JSON.stringify({ type: 'chat', text: `${MARK}${c.worker} ${k} ${process.hrtime.bigint()}`, clientId: `${c.worker}-${k}` }));
        sent += 1;
      } else bump(sendErrors, 'sender_closed');
      k += 1;
    }
    if (k >= count) {
      sendTimer = null;
      return;
    }
    const waitMs = Number(due(k) - process.hrtime.bigint()) / 1e6;
    sendTimer = setTimeout(tick, Math.max(0, Math.floor(waitMs)));
  };
  tick();
}

function delivered(): number {
  let n = 0;
  for (const row of deliveries) for (const v of row) n += v;
  return n;
}

function report(): WorkerReport {
  loopDelay.disable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  return {
    type: 'report',
    worker: cfg?.worker ?? -1,
    latenciesUs: latencies.slice(0, recorded),
    recorded,
    overflow,
    deliveries: deliveries.map((row) => Array.from(row)),
    sent,
    acked,
    ackedSeq: Array.from(ackedSeq),
    sendErrors,
    lateSends,
    maxSendLagMs: Math.round(maxSendLagMs * 100) / 100,
    openAtReport: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    closes,
    otherErrors,
    unexpected,
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
    case 'progress':
      send({ type: 'progress', delivered: delivered(), sent, acked, answered: acked + Object.values(sendErrors).reduce((a, b) => a + b, 0), done: sendTimer === null });
      break;
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

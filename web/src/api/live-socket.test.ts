import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { LiveSocket, socketUrl } from './live-socket';
import type { ServerMessage } from './messages';

/** A stand-in for the browser's WebSocket that the test opens, feeds and closes by hand. */
class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(text: string) {
    this.sent.push(text);
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(data: unknown) {
    this.onmessage?.({ data: JSON.stringify(data) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

/** A manual clock: `tick(ms)` runs what is due. */
function manualClock() {
  let now = 0;
  let queue: { at: number; fn: () => void }[] = [];
  return {
    schedule(fn: () => void, ms: number) {
      const item = { at: now + ms, fn };
      queue.push(item);
      return () => {
        queue = queue.filter((q) => q !== item);
      };
    },
    tick(ms: number) {
      now += ms;
      const due = queue.filter((q) => q.at <= now);
      queue = queue.filter((q) => q.at > now);
      for (const q of due) q.fn();
    },
  };
}
let clock = manualClock();

const g = globalThis as Record<string, unknown>;
const saved = { WebSocket: g.WebSocket, window: g.window, document: g.document };

beforeEach(() => {
  FakeSocket.all = [];
  g.WebSocket = FakeSocket;
  g.window = new EventTarget();
  g.document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  clock = manualClock();
});

afterEach(() => {
  Object.assign(g, saved);
});

const last = () => FakeSocket.all[FakeSocket.all.length - 1]!;

test('the socket URL follows the page: ws on http, wss on https', () => {
  assert.equal(socketUrl({ protocol: 'http:', host: 'localhost:8080' }), 'ws://localhost:8080/ws');
  assert.equal(socketUrl({ protocol: 'https:', host: 'iglesia.example' }), 'wss://iglesia.example/ws');
});

test('a dropped socket reconnects after a growing delay, and a talking server resets it', () => {
  const delays = [1000, 2000, 4000];
  const socket = new LiveSocket({ url: 'ws://x/ws', backoff: (n) => delays[Math.min(n, 2)]!, schedule: clock.schedule });
  const messages: ServerMessage[] = [];
  socket.onMessage((m) => messages.push(m));
  socket.start();
  assert.equal(FakeSocket.all.length, 1);
  last().open();
  last().drop();
  clock.tick(999);
  assert.equal(FakeSocket.all.length, 1);
  clock.tick(1);
  assert.equal(FakeSocket.all.length, 2, 'first retry after 1 s');
  last().drop();
  clock.tick(1999);
  assert.equal(FakeSocket.all.length, 2);
  clock.tick(1);
  assert.equal(FakeSocket.all.length, 3, 'second retry after 2 s');
  last().open();
  last().receive({ type: 'viewers', count: 4 });
  assert.deepEqual(messages, [{ type: 'viewers', count: 4 }]);
  last().drop();
  clock.tick(1000);
  assert.equal(FakeSocket.all.length, 4, 'backoff starts over once the server has spoken');
  socket.stop();
});

test('sending only works while connected, and a stopped socket stays closed', () => {
  const socket = new LiveSocket({ url: 'ws://x/ws', backoff: () => 10, schedule: clock.schedule });
  socket.start();
  assert.equal(socket.send({ type: 'hello', nick: 'Ana' }), false);
  last().open();
  assert.equal(socket.send({ type: 'hello', nick: 'Ana' }), true);
  assert.deepEqual(JSON.parse(last().sent[0]!), { type: 'hello', nick: 'Ana' });
  socket.stop();
  clock.tick(1000);
  assert.equal(FakeSocket.all.length, 1);
  assert.equal(socket.state, 'closed');
});

test('the page asks for batch frames and its listeners get a batch one message at a time, in order', () => {
  const socket = new LiveSocket({ url: 'ws://x/ws', schedule: clock.schedule });
  const messages: ServerMessage[] = [];
  socket.onMessage((m) => messages.push(m));
  socket.start();
  assert.equal(last().url, 'ws://x/ws?batch=1');
  last().open();
  last().receive({ type: 'batch', messages: [{ type: 'viewers', count: 4 }, { type: 'surprise' }, { type: 'deleted', id: 'x' }, { type: 'viewers', count: 5 }] });
  last().receive({ type: 'chat-cleared' });
  assert.deepEqual(messages, [{ type: 'viewers', count: 4 }, { type: 'deleted', id: 'x' }, { type: 'viewers', count: 5 }, { type: 'chat-cleared' }]);
  socket.stop();
  const plain = new LiveSocket({ url: 'ws://x/ws?overlay=1', batch: false, schedule: clock.schedule });
  plain.start();
  assert.equal(last().url, 'ws://x/ws?overlay=1');
  plain.stop();
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServerMessage } from '../../../../contract/ws.js';
import { batchText, BatchFanout, newMailbox, type Mailbox } from './fanout.js';

/** A manual clock: `tick()` runs the one pending timer (the fan-out never holds more than one). */
function manualClock() {
  let pending: (() => void) | null = null;
  return {
    schedule(fn: () => void) {
      pending = fn;
      return () => (pending = null);
    },
    tick() {
      const fn = pending;
      pending = null;
      fn?.();
    },
    get armed() {
      return pending !== null;
    },
  };
}

/** A mailbox that records every frame written to it, decoded the way a client decodes it. */
function recorder() {
  const frames: (Buffer | string)[] = [];
  const box: Mailbox = newMailbox((f) => frames.push(f));
  const decoded = () =>
    frames.flatMap((f) => {
      const o = JSON.parse(String(f)) as { type: string; messages?: unknown[] };
      return o.type === 'batch' ? o.messages! : [o];
    });
  return { box, frames, decoded };
}

const messages: ServerMessage[] = [
  { type: 'chat', message: { id: 'a1', nick: 'Ana', text: 'Bendiciones "a todos" \\ <b>', at: '2026-11-29T14:00:00.000Z', role: 'viewer' } },
  { type: 'viewers', count: 12 },
  { type: 'deleted', id: 'a1' },
  { type: 'join', nick: 'Beto', at: '2026-11-29T14:00:01.000Z' },
  { type: 'chat', message: { id: 'b2', nick: 'Beto', text: 'Amén 🙏 \u2028 ok', at: '2026-11-29T14:00:02.000Z', role: 'moderator' } },
  { type: 'chat-cleared' },
  { type: 'pinned', message: null },
];

describe('batched fan-out', () => {
  test('a batch frame decodes to the same messages in the same order', () => {
    const texts = messages.map((m) => JSON.stringify(m));
    const frame = JSON.parse(batchText(texts)) as { type: string; messages: unknown[] };
    assert.equal(frame.type, 'batch');
    assert.deepEqual(frame.messages, messages);
    assert.deepEqual(JSON.parse(batchText([])), { type: 'batch', messages: [] });
  });

  test('what is broadcast within one tick reaches each socket as one frame, in order, serialised once', () => {
    const clock = manualClock();
    const fanout = new BatchFanout({ tickMs: 50, framesPerSecond: 25_000, schedule: clock.schedule });
    const sockets = [recorder(), recorder(), recorder()];
    for (const m of messages) fanout.broadcast(JSON.stringify(m), sockets.map((s) => s.box));
    assert.equal(sockets[0]!.frames.length, 0, 'nothing is written before the tick');
    clock.tick();
    for (const s of sockets) {
      assert.equal(s.frames.length, 1);
      assert.deepEqual(s.decoded(), messages);
    }
    // Equal runs of broadcasts share one encoded Buffer.
    assert.ok(sockets[0]!.frames[0] === sockets[1]!.frames[0] && sockets[1]!.frames[0] === sockets[2]!.frames[0]);
    assert.equal(clock.armed, false, 'no timer once everything is written');
  });

  test('over the frame budget, waiting sockets get fuller frames later: every message once, in order', () => {
    const clock = manualClock();
    // 40 frames/s × 50 ms = 2 frames per tick.
    // A clock that never moves: every tick is on time, whatever the machine's load.
    const fanout = new BatchFanout({ tickMs: 50, framesPerSecond: 40, schedule: clock.schedule, now: () => 0 });
    assert.equal(fanout.perTick, 2);
    const sockets = Array.from({ length: 5 }, recorder);
    const boxes = sockets.map((s) => s.box);
    fanout.broadcast(JSON.stringify(messages[0]), boxes);
    clock.tick();
    assert.deepEqual(sockets.map((s) => s.frames.length), [1, 1, 0, 0, 0]);
    for (const m of messages.slice(1)) fanout.broadcast(JSON.stringify(m), boxes);
    for (let i = 0; i < 10 && clock.armed; i++) clock.tick();
    assert.equal(clock.armed, false);
    for (const s of sockets) assert.deepEqual(s.decoded(), messages);
    assert.deepEqual(sockets.map((s) => s.frames.length), [2, 2, 1, 1, 1], 'the later sockets got every message in one frame');
    assert.equal(fanout.framesWritten, 7);
  });

  test('a tick that comes late writes its share for the time that passed (at most four ticks), so waits do not stretch', () => {
    const clock = manualClock();
    let now = 0;
    // 40 frames/s × 50 ms = 2 frames per tick on time.
    const fanout = new BatchFanout({ tickMs: 50, framesPerSecond: 40, schedule: clock.schedule, now: () => now });
    const sockets = Array.from({ length: 20 }, recorder);
    fanout.broadcast(JSON.stringify(messages[0]), sockets.map((s) => s.box));
    const written = () => sockets.filter((s) => s.frames.length > 0).length;
    now += 50;
    clock.tick();
    assert.equal(written(), 2, 'on time: one tick of budget');
    now += 150;
    clock.tick();
    assert.equal(written(), 2 + 6, '150 ms late: three ticks of budget');
    now += 1000;
    clock.tick();
    assert.equal(written(), 8 + 8, 'a second late: capped at four ticks');
    for (let i = 0; i < 10 && clock.armed; i++) {
      now += 50;
      clock.tick();
    }
    for (const s of sockets) assert.deepEqual(s.decoded(), [messages[0]]);
  });

  test("a reply to a socket's own frame goes out at once, after what was pending for it", () => {
    const clock = manualClock();
    const fanout = new BatchFanout({ tickMs: 50, framesPerSecond: 25_000, schedule: clock.schedule });
    const a = recorder();
    const b = recorder();
    fanout.broadcast(JSON.stringify(messages[0]), [a.box, b.box]);
    fanout.reply(a.box, JSON.stringify({ type: 'ack', clientId: 'c1', id: 'a1' }));
    assert.deepEqual(a.decoded(), [messages[0], { type: 'ack', clientId: 'c1', id: 'a1' }]);
    assert.equal(a.frames.length, 1);
    fanout.reply(a.box, JSON.stringify({ type: 'welcome', nick: 'Ana', role: 'viewer' }));
    assert.deepEqual(JSON.parse(String(a.frames[1])), { type: 'welcome', nick: 'Ana', role: 'viewer' }, 'nothing pending: a single frame');
    clock.tick();
    assert.equal(a.frames.length, 2, 'the tick has nothing left for it');
    assert.deepEqual(b.decoded(), [messages[0]]);
  });

  test('a closed socket is written nothing more', () => {
    const clock = manualClock();
    const fanout = new BatchFanout({ tickMs: 50, framesPerSecond: 25_000, schedule: clock.schedule });
    const a = recorder();
    fanout.broadcast(JSON.stringify(messages[0]), [a.box]);
    fanout.forget(a.box);
    clock.tick();
    assert.equal(a.frames.length, 0);
  });
});

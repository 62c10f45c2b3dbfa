import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, reasonFor, step, type MachineOptions, type MachineState, type StreamEvent } from './state-machine.js';

const ALL = ['source', 'mid', 'low', 'audio'];
const opts: MachineOptions = { renditions: ALL, graceMs: 10_000, settleMs: 3_000 };
const T0 = 1_000_000;

/** Runs events in order from a state and returns every intermediate state. */
function run(from: MachineState, events: StreamEvent[], o: MachineOptions = opts): MachineState[] {
  const states: MachineState[] = [];
  let s = from;
  for (const e of events) {
    s = step(s, e, o);
    states.push(s);
  }
  return states;
}
const last = <T>(xs: T[]): T => xs[xs.length - 1]!;

const started = (at: number): StreamEvent => ({ type: 'publish-started', at });
const stopped = (at: number): StreamEvent => ({ type: 'publish-stopped', at });
const observed = (at: number, publisher: boolean, ready: string[], publisherSince?: number): StreamEvent => ({ type: 'observed', at, publisher, ready, publisherSince });
const tick = (at: number): StreamEvent => ({ type: 'tick', at });

/** A stream that went live through the callbacks and observations, at T0 + 6 s. */
function liveState(): MachineState {
  const s = last(run(initialState(T0), [started(T0), observed(T0 + 4_000, true, ALL)]));
  assert.equal(s.state, 'live');
  return s;
}

describe('stream state machine', () => {
  test('a fresh service is offline with no publisher and nothing ready', () => {
    assert.deepEqual(initialState(T0), { state: 'offline', since: T0, publisher: false, ready: [] });
  });

  test('a publisher connecting moves offline → starting', () => {
    const s = step(initialState(T0), started(T0 + 100), opts);
    assert.equal(s.state, 'starting');
    assert.equal(s.since, T0 + 100);
    assert.equal(s.publisher, true);
    assert.equal(s.publisherSince, T0 + 100);
  });

  test('"live" is not announced while only some renditions have a segment', () => {
    const states = run(initialState(T0), [
      started(T0),
      observed(T0 + 4_000, true, ['source']),
      observed(T0 + 5_000, true, ['source', 'mid', 'low']),
    ]);
    assert.deepEqual(states.map((s) => s.state), ['starting', 'starting', 'starting']);
    assert.deepEqual(last(states).ready, ['source', 'mid', 'low']);
  });

  test('"live" is announced once every rendition has a segment', () => {
    const states = run(initialState(T0), [started(T0), observed(T0 + 4_000, true, ['source', 'mid']), observed(T0 + 6_000, true, ['audio', 'low', 'mid', 'source'])]);
    assert.deepEqual(states.map((s) => s.state), ['starting', 'starting', 'live']);
    assert.equal(last(states).since, T0 + 6_000);
  });

  test('a publisher leaving a live stream shows "reconnecting", not offline', () => {
    const s = step(liveState(), stopped(T0 + 60_000), opts);
    assert.equal(s.state, 'reconnecting');
    assert.equal(s.since, T0 + 60_000);
    assert.equal(s.publisher, false);
    assert.equal(s.lostAt, T0 + 60_000);
    assert.deepEqual(s.ready, []);
  });

  test('a 4 s blip never shows offline: ticks inside the grace period keep "reconnecting", then live again', () => {
    const states = run(liveState(), [
      stopped(T0 + 60_000),
      tick(T0 + 61_000),
      tick(T0 + 63_000),
      started(T0 + 64_000),
      tick(T0 + 65_000),
      observed(T0 + 66_000, true, ['source']),
      tick(T0 + 67_000),
      observed(T0 + 68_000, true, ALL),
    ]);
    assert.deepEqual(states.map((s) => s.state), ['reconnecting', 'reconnecting', 'reconnecting', 'reconnecting', 'reconnecting', 'reconnecting', 'reconnecting', 'live']);
    assert.ok(!states.some((s) => s.state === 'offline'));
  });

  test('a returning publisher stays "reconnecting" until all its renditions are fresh', () => {
    const s = last(run(liveState(), [stopped(T0 + 60_000), started(T0 + 62_000)]));
    assert.equal(s.state, 'reconnecting');
    assert.equal(s.publisher, true);
    assert.equal(s.publisherSince, T0 + 62_000);
    assert.equal(s.lostAt, undefined);
    assert.deepEqual(s.ready, [], 'the previous session’s readiness does not count');
  });

  test('a reconnecting stream goes offline only once the grace period has passed', () => {
    const states = run(liveState(), [stopped(T0 + 60_000), tick(T0 + 69_999), tick(T0 + 70_000)]);
    assert.deepEqual(states.map((s) => s.state), ['reconnecting', 'reconnecting', 'offline']);
    assert.deepEqual(last(states), { state: 'offline', since: T0 + 70_000, publisher: false, ready: [], ended: true });
  });

  test('the grace period is configurable', () => {
    const short = { ...opts, graceMs: 2_000 };
    const states = run(liveState(), [stopped(T0 + 60_000), tick(T0 + 61_000), tick(T0 + 62_000)], short);
    assert.deepEqual(states.map((s) => s.state), ['reconnecting', 'reconnecting', 'offline']);
  });

  test('a publisher that gives up while starting goes offline after the grace period', () => {
    const states = run(initialState(T0), [started(T0), stopped(T0 + 2_000), tick(T0 + 5_000), tick(T0 + 12_000)]);
    assert.deepEqual(states.map((s) => s.state), ['starting', 'starting', 'starting', 'offline']);
    assert.equal(states[1]!.publisher, false);
  });

  test('a publisher that returns while starting keeps starting and can go live', () => {
    const states = run(initialState(T0), [started(T0), stopped(T0 + 2_000), started(T0 + 4_000), tick(T0 + 20_000), observed(T0 + 21_000, true, ALL)]);
    assert.deepEqual(states.map((s) => s.state), ['starting', 'starting', 'starting', 'starting', 'live']);
  });

  test('a ticking clock changes nothing while a publisher is on', () => {
    const live = liveState();
    assert.equal(step(live, tick(T0 + 999_999), opts), live);
    const starting = step(initialState(T0), started(T0), opts);
    assert.equal(step(starting, tick(T0 + 999_999), opts), starting);
    const offline = initialState(T0);
    assert.equal(step(offline, tick(T0 + 999_999), opts), offline);
  });

  test('a transcoder crash while live (fewer renditions ready) keeps the stream live', () => {
    const live = liveState();
    const s = step(live, observed(T0 + 30_000, true, ['source']), opts);
    assert.equal(s.state, 'live');
    assert.equal(s.since, live.since, 'no new state began');
    assert.deepEqual(s.ready, ['source']);
  });

  test('after a service restart mid-stream, one observation of a publisher with every rendition ready is live', () => {
    const s = step(initialState(T0), observed(T0 + 500, true, ALL, T0 - 600_000), opts);
    assert.equal(s.state, 'live');
    assert.equal(s.publisher, true);
    assert.equal(s.publisherSince, T0 - 600_000);
    assert.equal(s.since, T0 + 500);
  });

  test('after a restart with a publisher whose renditions are not ready yet, the stream is starting', () => {
    const s = step(initialState(T0), observed(T0 + 500, true, ['source']), opts);
    assert.equal(s.state, 'starting');
    assert.equal(s.publisherSince, T0 + 500, 'without a known start, the observation time is used');
  });

  test('a stale /stat that still shows no publisher right after on_publish is ignored', () => {
    const s = last(run(initialState(T0), [started(T0), observed(T0 + 1_000, false, [])]));
    assert.equal(s.state, 'starting');
    assert.equal(s.publisher, true);
    assert.equal(s.lostAt, undefined);
  });

  test('a stale /stat that still shows the publisher right after on_publish_done is ignored', () => {
    const s = last(run(liveState(), [stopped(T0 + 60_000), observed(T0 + 61_000, true, ALL)]));
    assert.equal(s.state, 'reconnecting');
    assert.equal(s.publisher, false);
    assert.deepEqual(s.ready, []);
  });

  test('once the settle time has passed, /stat is believed over an old callback', () => {
    const gone = last(run(initialState(T0), [started(T0), observed(T0 + 3_000, false, [])]));
    assert.equal(gone.publisher, false);
    assert.equal(gone.lostAt, T0 + 3_000);
    const back = last(run(liveState(), [stopped(T0 + 60_000), observed(T0 + 63_000, true, ALL, T0 + 62_500)]));
    assert.equal(back.state, 'live');
    assert.equal(back.publisherSince, T0 + 62_500);
  });

  test('/stat noticing a publisher gone (missed callback) starts the grace period', () => {
    const states = run(liveState(), [observed(T0 + 60_000, false, []), tick(T0 + 65_000), tick(T0 + 70_000)]);
    assert.deepEqual(states.map((s) => s.state), ['reconnecting', 'reconnecting', 'offline']);
  });

  test('a second publish-started while a publisher is on changes nothing', () => {
    const live = liveState();
    assert.equal(step(live, started(T0 + 30_000), opts), live);
    const starting = last(run(initialState(T0), [started(T0), observed(T0 + 4_000, true, ['source'])]));
    assert.equal(step(starting, started(T0 + 5_000), opts), starting);
  });

  test('publish-stopped while already offline changes nothing', () => {
    const offline = initialState(T0);
    assert.equal(step(offline, stopped(T0 + 1_000), opts), offline);
  });

  test('an observation without a publisher while offline stays offline', () => {
    const s = step(initialState(T0), observed(T0 + 1_000, false, ['source']), opts);
    assert.equal(s.state, 'offline');
    assert.deepEqual(s.ready, [], 'readiness without a publisher does not count');
  });

  test('the settle time defaults to 3 s', () => {
    const o: MachineOptions = { renditions: ALL, graceMs: 10_000 };
    const within = last(run(initialState(T0), [started(T0), observed(T0 + 2_999, false, [])], o));
    assert.equal(within.publisher, true);
    const after = last(run(initialState(T0), [started(T0), observed(T0 + 3_000, false, [])], o));
    assert.equal(after.publisher, false);
  });

  test('with the source as the only rendition, its first segment makes the stream live', () => {
    const o: MachineOptions = { renditions: ['source'], graceMs: 10_000 };
    const states = run(initialState(T0), [started(T0), observed(T0 + 3_000, true, ['source'])], o);
    assert.deepEqual(states.map((s) => s.state), ['starting', 'live']);
  });

  test('step never mutates the state it is given', () => {
    const live = liveState();
    const copy = structuredClone(live);
    run(live, [stopped(T0 + 60_000), tick(T0 + 80_000), started(T0 + 81_000), observed(T0 + 90_000, true, ALL)]);
    assert.deepEqual(live, copy);
  });

  test('a publisher that stopped (on_publish_done) is told apart from a signal lost without it', () => {
    const live = liveState();
    assert.equal(reasonFor(live), null);
    assert.equal(reasonFor(step(live, stopped(T0 + 60_000), opts)), 'publisher-stopped');
    assert.equal(reasonFor(step(live, observed(T0 + 60_000, false, []), opts)), 'signal-lost');
    // Seen missing first, then nginx's callback arrives: the publisher did stop.
    assert.equal(reasonFor(last(run(live, [observed(T0 + 60_000, false, []), stopped(T0 + 60_200)]))), 'publisher-stopped');
    // The publisher is back but its renditions are not fresh yet: still reconnecting, no longer "stopped".
    assert.equal(reasonFor(last(run(live, [stopped(T0 + 60_000), started(T0 + 62_000)]))), 'signal-lost');
  });

  test('offline after a live broadcast is "ended"; a fresh start or a publisher that never went live is not', () => {
    const ended = last(run(liveState(), [stopped(T0 + 60_000), tick(T0 + 70_000)]));
    assert.equal(ended.state, 'offline');
    assert.equal(reasonFor(ended), 'ended');
    assert.equal(reasonFor(initialState(T0)), null);
    const falseStart = last(run(initialState(T0), [started(T0), stopped(T0 + 1_000), tick(T0 + 11_000)]));
    assert.equal(falseStart.state, 'offline');
    assert.equal(reasonFor(falseStart), null);
    // The next broadcast starts clean.
    assert.equal(reasonFor(step(ended, started(T0 + 80_000), opts)), null);
  });
});

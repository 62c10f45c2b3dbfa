import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LiveStream } from './live-stream.js';
import type { MachineState } from './state-machine.js';

const ALL = ['source', 'mid'];
const T0 = 5_000_000;

function recorder(stream: LiveStream) {
  const changes: [string, string][] = [];
  const off = stream.onChange((s: MachineState, prev: MachineState) => changes.push([prev.state, s.state]));
  return { changes, off };
}

describe('LiveStream', () => {
  test('starts offline at the given time', () => {
    const stream = new LiveStream({ renditions: ALL, graceMs: 10_000 }, T0);
    assert.deepEqual(stream.state, { state: 'offline', since: T0, publisher: false, ready: [] });
  });

  test('listeners hear each state change once, with the previous state', () => {
    const stream = new LiveStream({ renditions: ALL, graceMs: 10_000 }, T0);
    const { changes } = recorder(stream);
    stream.dispatch({ type: 'publish-started', at: T0 + 1 });
    stream.dispatch({ type: 'observed', at: T0 + 4_000, publisher: true, ready: ['source'] });
    stream.dispatch({ type: 'observed', at: T0 + 5_000, publisher: true, ready: ['source'] });
    stream.dispatch({ type: 'observed', at: T0 + 6_000, publisher: true, ready: ALL });
    stream.dispatch({ type: 'observed', at: T0 + 7_000, publisher: true, ready: ALL });
    stream.dispatch({ type: 'tick', at: T0 + 8_000 });
    stream.dispatch({ type: 'publish-stopped', at: T0 + 9_000 });
    stream.dispatch({ type: 'tick', at: T0 + 10_000 });
    stream.dispatch({ type: 'tick', at: T0 + 19_000 });
    assert.deepEqual(changes, [
      ['offline', 'starting'],
      ['starting', 'live'],
      ['live', 'reconnecting'],
      ['reconnecting', 'offline'],
    ]);
  });

  test('events that change only details (readiness, publisher time) are not announced', () => {
    const stream = new LiveStream({ renditions: ALL, graceMs: 10_000 }, T0);
    stream.dispatch({ type: 'publish-started', at: T0 });
    stream.dispatch({ type: 'observed', at: T0 + 4_000, publisher: true, ready: ALL });
    const { changes } = recorder(stream);
    const after = stream.dispatch({ type: 'observed', at: T0 + 5_000, publisher: true, ready: ['source'] });
    assert.deepEqual(changes, []);
    assert.deepEqual(after.ready, ['source']);
    assert.equal(stream.state, after, 'dispatch returns the new current state');
  });

  test('an unsubscribed listener hears nothing more', () => {
    const stream = new LiveStream({ renditions: ['source'], graceMs: 0 }, T0);
    const { changes, off } = recorder(stream);
    stream.dispatch({ type: 'publish-started', at: T0 });
    off();
    stream.dispatch({ type: 'observed', at: T0 + 4_000, publisher: true, ready: ['source'] });
    assert.deepEqual(changes, [['offline', 'starting']]);
    assert.equal(stream.state.state, 'live');
  });
});

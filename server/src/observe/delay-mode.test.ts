import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../log/logger.js';
import { Redactor } from '../log/redactor.js';
import type { DelayRecord } from '../storage/delay-setting.js';
import { DelayMode, hlsTiming, type HlsTiming } from './delay-mode.js';

function setup(initial: DelayRecord = { lowDelay: false, applied: false }) {
  let stored = initial;
  let offline = true;
  const applied: HlsTiming[] = [];
  const mode = new DelayMode({
    store: { get: () => stored, set: (r) => void (stored = r) },
    base: { fragmentSeconds: 2, playlistFragments: 6 },
    offline: () => offline,
    apply: async (t) => void applied.push(t),
    logger: createLogger('silent', new Redactor()),
  });
  return { mode, applied, stored: () => stored, setOffline: (v: boolean) => (offline = v) };
}

describe('DelayMode', () => {
  test('low delay means 1 s fragments and a playlist of as many fragments; off keeps the configured 2 s', () => {
    assert.deepEqual(hlsTiming(true, { fragmentSeconds: 2, playlistFragments: 6 }), { lowDelay: true, fragmentSeconds: 1, playlistSeconds: 6 });
    assert.deepEqual(hlsTiming(false, { fragmentSeconds: 2, playlistFragments: 6 }), { lowDelay: false, fragmentSeconds: 2, playlistSeconds: 12 });
  });

  test('chosen while offline, it is applied to the media side at once and remembered', async () => {
    const { mode, applied, stored } = setup();
    const view = await mode.set(true);
    assert.deepEqual(view, { lowDelay: true, applied: true, pending: false, fragmentSeconds: 1 });
    assert.equal(applied.length, 1);
    assert.equal(applied[0]!.fragmentSeconds, 1);
    assert.deepEqual(stored(), { lowDelay: true, applied: true });
  });

  test('chosen during a broadcast, it waits (nginx is not reloaded) and is applied once offline', async () => {
    const { mode, applied, setOffline } = setup();
    setOffline(false);
    const view = await mode.set(true);
    assert.deepEqual(view, { lowDelay: true, applied: false, pending: true, fragmentSeconds: 2 });
    await mode.applyPending();
    assert.equal(applied.length, 0, 'nothing applied while live');
    setOffline(true);
    await mode.applyPending();
    assert.equal(applied.length, 1);
    assert.equal(mode.timing.fragmentSeconds, 1);
  });

  test('a restart runs what was last applied, not a change still pending', () => {
    const { mode } = setup({ lowDelay: true, applied: false });
    assert.equal(mode.timing.fragmentSeconds, 2);
    assert.equal(mode.view().pending, true);
  });
});

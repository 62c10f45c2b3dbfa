import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../log/logger.js';
import { Redactor } from '../log/redactor.js';
import { MemoryPresence } from './bus/memory-bus.js';
import { ViewerCount } from './viewer-count.js';

const logger = createLogger('fatal', new Redactor(), { write: () => undefined });

function counter(sessions: string[]) {
  const announced: number[] = [];
  let refreshes = 0;
  const presence = new MemoryPresence();
  const report = presence.report.bind(presence);
  presence.report = (ids, now) => {
    refreshes++;
    return report(ids, now);
  };
  const vc = new ViewerCount({ presence, localSessions: () => sessions, logger, onChange: (c) => announced.push(c), nudgeGapMs: 200 });
  return { vc, announced, refreshes: () => refreshes };
}

describe('viewer count on connect and disconnect', () => {
  test('a socket opening is counted at once, without waiting for the 2 s tick', async () => {
    const sessions = ['a'];
    const { vc, announced } = counter(sessions);
    const t0 = Date.now();
    assert.equal(await vc.nudge(), 1);
    assert.ok(Date.now() - t0 < 100, 'no wait for the first nudge');
    sessions.push('b');
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(await vc.nudge(), 2);
    sessions.pop();
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(await vc.nudge(), 1);
    assert.deepEqual(announced, [1, 2, 1], 'everyone is told on connect and on disconnect');
  });

  test('a crowd reconnecting at once shares refreshes (at most one per gap)', async () => {
    const sessions: string[] = [];
    const { vc, announced, refreshes } = counter(sessions);
    const waits: Promise<number>[] = [];
    for (let i = 0; i < 500; i++) {
      sessions.push(`s${i}`);
      waits.push(vc.nudge());
    }
    const counts = await Promise.all(waits);
    assert.ok(counts.every((c) => c === 500), 'each socket learns the count that includes it');
    assert.equal(refreshes(), 1);
    assert.deepEqual(announced, [500]);
    const t0 = Date.now();
    sessions.push('late');
    assert.equal(await vc.nudge(), 501);
    assert.ok(Date.now() - t0 >= 150, 'the next refresh waits for the gap');
  });
});

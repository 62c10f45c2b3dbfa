import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { pino } from 'pino';
import { openDatabase } from '../storage/database.js';
import { MemoryBus } from './bus/memory-bus.js';
import { ChatService, type Participant } from './chat-service.js';
import { SqliteChatStore } from './store/sqlite-chat-store.js';

const T0 = Date.parse('2026-11-29T14:00:00.000Z');
const LIMITS = { historySize: 100, ratePerSecond: 100, burst: 100, ipRatePerSecond: 100, ipBurst: 100, duplicateWindowSeconds: 30, reservedNicks: ['moderador'] };
/** A session id as http/identity.ts makes them: its birth time in base 36, then randomness. */
const sessionBornAt = (ms: number, tag: string) => `${ms.toString(36).padStart(10, '0')}${tag.padEnd(22, 'x')}`;

describe('chat sanctions hit the session, not everyone behind its address', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function setup() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cdp-chat-svc-'));
    dirs.push(dir);
    let now = T0;
    const chat = new ChatService(new SqliteChatStore(openDatabase(dir)), new MemoryBus(), LIMITS, pino({ level: 'silent' }), () => now);
    await chat.start();
    const viewer = async (nick: string, ip: string, bornAt = now): Promise<Participant> => {
      const p = chat.participant(nick, sessionBornAt(bornAt, nick), ip, 'viewer');
      await chat.hello(p, nick);
      return p;
    };
    return { chat, viewer, advance: (ms: number) => (now += ms), at: () => now };
  }

  test('a ban silences the banned session only; a newcomer on the same address (CGNAT, church Wi-Fi) can write', async () => {
    const { chat, viewer, advance } = await setup();
    const troll = await viewer('Troll', 'same-address');
    const sent = await chat.send(troll, 'spam');
    assert.ok(sent.ok);
    await chat.sanction(sent.value.id, undefined);
    advance(60_000);
    const newcomer = await viewer('Marta', 'same-address');
    assert.equal((await chat.send(newcomer, 'Bendiciones')).ok, true, 'the newcomer writes');
    const again = await chat.send(troll, 'otra vez');
    assert.equal(again.ok ? 'ok' : again.code, 'banned');
    await chat.stop();
  });

  test('an address-wide block is explicit and short: newcomers are blocked until it ends, never earlier sessions', async () => {
    const { chat, viewer, advance } = await setup();
    const before = await viewer('Antes', 'shared');
    const troll = await viewer('Troll', 'shared');
    const sent = await chat.send(troll, 'spam');
    assert.ok(sent.ok);
    advance(1000);
    await chat.sanction(sent.value.id, undefined, undefined, 30);
    advance(60_000);
    const evader = await viewer('Otro', 'shared');
    const refused = await chat.send(evader, 'volví');
    assert.equal(refused.ok ? 'ok' : refused.code, 'banned', 'a new session from the address during the block');
    assert.equal((await chat.send(before, 'sigo aquí')).ok, true, 'a session older than the block keeps writing');
    advance(30 * 60_000);
    const later = await viewer('Luego', 'shared');
    assert.equal((await chat.send(later, 'hola')).ok, true, 'the address block ends');
    await chat.stop();
  });

  test('a banned viewer who was also timed out is told it is a ban, not a pause', async () => {
    const { chat, viewer } = await setup();
    const troll = await viewer('Troll', 'addr');
    const first = await chat.send(troll, 'uno');
    assert.ok(first.ok);
    await chat.sanction(first.value.id, 10);
    await chat.sanction(first.value.id, undefined);
    const r = await chat.send(troll, 'dos');
    assert.equal(r.ok ? 'ok' : r.code, 'banned');
    await chat.stop();
  });
});

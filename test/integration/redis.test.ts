import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { cleanupService, ensureBuilt, sleep, startService, waitFor, type ServiceHandle } from '../helpers/platform.js';
import { adminCall, adminLogin, connect, type TestSocket } from '../helpers/ws-client.js';

const PASSWORD = 'dos-instancias-admin';

describe('two service instances sharing the chat through a real Redis', { timeout: 180_000 }, () => {
  let redis: TestRedis;
  let a: ServiceHandle;
  let b: ServiceHandle;
  const sockets: TestSocket[] = [];

  before(async () => {
    ensureBuilt();
    redis = await startRedis();
    // No SESSION_SECRET: the instances agree on one through Redis, so a browser's cookie is valid on both.
    a = await startService({ REDIS_URL: redis.url, ADMIN_PASSWORD: PASSWORD });
    b = await startService({ REDIS_URL: redis.url, ADMIN_PASSWORD: PASSWORD });
  });
  after(async () => {
    for (const s of sockets) s.close();
    await cleanupService(a);
    await cleanupService(b);
    await redis?.stop();
  });

  const join = async (svc: ServiceHandle, nick: string, cookie?: string) => {
    const s = await connect(`ws://127.0.0.1:${svc.httpPort}/ws`, { cookie });
    sockets.push(s);
    const history = await s.next((m) => m.type === 'history', 'history');
    s.send({ type: 'hello', nick });
    await s.next((m) => m.type === 'welcome', 'welcome');
    return { s, history };
  };
  let n = 0;
  const say = async (s: TestSocket, text: string) => {
    const clientId = `r${++n}`;
    s.send({ type: 'chat', text, clientId });
    return s.next((m) => m.clientId === clientId, 'answer');
  };

  test('a message sent to one instance reaches the clients of the other, and history comes from Redis', async () => {
    const onA = await join(a, 'Pedro');
    const onB = await join(b, 'Raquel');
    const ack = await say(onA.s, 'Saludos desde la instancia A');
    assert.equal(ack.type, 'ack');
    const got = await onB.s.next((m) => m.type === 'chat' && m.message.id === ack.id, 'message crossed instances');
    assert.equal(got.message.text, 'Saludos desde la instancia A');
    const legacyB = (await (await fetch(`${b.base}/v1/streaming`)).json()) as any;
    assert.ok(legacyB.chat.some((m: any) => m.id === ack.id), "instance B's history has A's message");
    const late = await join(b, 'Sara');
    assert.ok(late.history.messages.some((m: any) => m.id === ack.id));
  });

  test('a ban and a deletion made on one instance hold on the other', async () => {
    const admin = await adminLogin(a.base, PASSWORD);
    const troll = await join(b, 'Tomás');
    const cookie = troll.s.cookie!;
    const watcherA = await join(a, 'Ursula');
    const bad = await say(troll.s, 'spam spam');
    assert.equal(bad.type, 'ack');
    await watcherA.s.next((m) => m.type === 'chat' && m.message.id === bad.id, 'seen on A');
    assert.equal((await adminCall(a.base, admin, 'DELETE', `/api/v1/admin/chat/messages/${bad.id}`)).status, 200);
    await troll.s.next((m) => m.type === 'deleted' && m.id === bad.id, 'deletion reached B');
    const second = await say(troll.s, 'más spam');
    const ban = await adminCall(a.base, admin, 'POST', '/api/v1/admin/chat/sanctions', { messageId: second.id });
    assert.equal(ban.status, 200);
    await sleep(1100);
    assert.equal((await say(troll.s, 'sigo en B')).code, 'banned', 'banned on B by a moderator on A');
    // The same browser moving to instance A is still banned (the session cookie is valid on both).
    const moved = await join(a, 'Tomás', cookie);
    assert.equal((await say(moved.s, 'ahora en A')).code, 'banned');
  });

  test('the viewer count adds both instances, counting a browser once', async () => {
    const cookie = sockets[0]!.cookie!;
    await join(a, 'Viviana', cookie);
    await join(b, 'Viviana', cookie);
    const count = async (svc: ServiceHandle) => ((await (await fetch(`${svc.base}/v1/streaming`)).json()) as any).viewers as number;
    const expected = new Set(sockets.map((s) => s.cookie)).size;
    await waitFor('both instances agree on the total', async () => (await count(a)) === expected && (await count(b)) === expected, 15_000, 250);
    assert.equal(await count(a), expected);
  });
});

import { WebSocket } from 'ws';
import { waitFor } from './platform.js';

/** A real websocket client that records every JSON message it receives. */
export interface TestSocket {
  socket: WebSocket;
  messages: any[];
  cookie: string | undefined;
  closed: { code: number; reason: string } | null;
  send(frame: unknown): void;
  sendRaw(data: string | Buffer, binary?: boolean): void;
  next(pred: (m: any) => boolean, what: string, timeoutMs?: number): Promise<any>;
  close(): void;
}

export async function connect(url: string, opts: { cookie?: string; headers?: Record<string, string> } = {}): Promise<TestSocket> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.cookie) headers.cookie = opts.cookie;
  const socket = new WebSocket(url, { headers });
  const t: TestSocket = {
    socket,
    messages: [],
    cookie: opts.cookie,
    closed: null,
    send: (frame) => socket.send(JSON.stringify(frame)),
    sendRaw: (data, binary = false) => socket.send(data, { binary }),
    async next(pred, what, timeoutMs = 5000) {
      let seen = 0;
      return waitFor(what, () => {
        for (; seen < t.messages.length; seen++) if (pred(t.messages[seen])) return t.messages[seen];
        return undefined;
      }, timeoutMs, 20);
    },
    close: () => socket.close(),
  };
  socket.on('upgrade', (res) => {
    const set = res.headers['set-cookie'];
    const sid = (Array.isArray(set) ? set : set ? [set] : []).map((c) => c.split(';')[0]!).find((c) => c.startsWith('cdp_sid='));
    if (sid && !t.cookie) t.cookie = sid;
  });
  socket.on('message', (data) => {
    try {
      t.messages.push(JSON.parse(String(data)));
    } catch {
      t.messages.push({ raw: String(data) });
    }
  });
  socket.on('close', (code, reason) => (t.closed = { code, reason: String(reason) }));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return t;
}

/** Signs in to the admin API; returns the cookie and CSRF token to send with changes. */
export async function adminLogin(base: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${base}/api/v1/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${await r.text()}`);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await r.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}

export async function adminCall(base: string, admin: { cookie: string; csrf: string }, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, json, text, headers: r.headers };
}

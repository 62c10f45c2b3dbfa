/**
 * The platform's floor for chat fan-out: what one small websocket-sized write to a loopback TCP socket
 * costs on this machine, with no chat code at all. The calling process writes a 4-byte websocket header
 * plus a 180-byte payload to each of N sockets (corked, as `ws` does: one writev per socket), PASSES
 * times; a forked reader process drains them. Reported: CPU µs per write in the writer (what the service
 * pays per delivery at best) and CPU µs per message in the reader (what a receiving client pays).
 * Bounded: N sockets, PASSES passes, every wait with a timeout; the reader is killed at the end.
 */
import { fork } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export interface WriteFloor {
  sockets: number;
  passes: number;
  writerCpuUsPerWrite: number;
  writerSystemShare: number;
  writerWallUsPerWrite: number;
  readerCpuUsPerMessage: number | null;
  readerBytesOk: boolean;
}

const PAYLOAD = 180;
const FRAME = PAYLOAD + 4;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function measureWriteFloor(n = 2000, passes = 20): Promise<WriteFloor> {
  const accepted: net.Socket[] = [];
  const server = net.createServer((s) => {
    s.setNoDelay(true);
    accepted.push(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  const reader = fork(fileURLToPath(import.meta.url), ['reader', String(port), String(n)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (what: string) =>
    new Promise<{ cpuUs: number; bytes: number }>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('write floor: the reader did not answer')), 30_000);
      reader.once('message', (m: { cpuUs: number; bytes: number }) => {
        clearTimeout(t);
        resolve(m);
      });
      reader.send(what);
    });
  try {
    for (let i = 0; i < 600 && accepted.length < n; i++) await sleep(50);
    if (accepted.length < n) throw new Error(`write floor: only ${accepted.length}/${n} sockets connected`);
    const header = Buffer.from([0x81, 126, PAYLOAD >> 8, PAYLOAD & 0xff]);
    const payload = Buffer.alloc(PAYLOAD, 'x');
    await sleep(300);
    const r0 = await ask('mark');
    const c0 = process.cpuUsage();
    let wallNs = 0n;
    for (let p = 0; p < passes; p++) {
      const t = process.hrtime.bigint();
      for (const s of accepted) {
        s.cork();
        s.write(header);
        s.write(payload);
        s.uncork();
      }
      wallNs += process.hrtime.bigint() - t;
      await sleep(50);
    }
    const c = process.cpuUsage(c0);
    // Bounded wait for the reader to have everything.
    let r1 = await ask('mark');
    for (let i = 0; i < 50 && r1.bytes - r0.bytes < n * passes * FRAME; i++) {
      await sleep(100);
      r1 = await ask('mark');
    }
    const writes = n * passes;
    const ok = r1.bytes - r0.bytes >= writes * FRAME;
    return {
      sockets: n,
      passes,
      writerCpuUsPerWrite: Math.round(((c.user + c.system) / writes) * 100) / 100,
      writerSystemShare: Math.round((c.system / (c.user + c.system)) * 100) / 100,
      writerWallUsPerWrite: Math.round((Number(wallNs) / 1000 / writes) * 100) / 100,
      readerCpuUsPerMessage: ok ? Math.round(((r1.cpuUs - r0.cpuUs) / writes) * 100) / 100 : null,
      readerBytesOk: ok,
    };
  } finally {
    reader.kill('SIGKILL');
    for (const s of accepted) s.destroy();
    server.close();
  }
}

// The reader: N plain TCP connections that count bytes; answers each 'mark' with its CPU time and bytes.
if (process.argv[2] === 'reader' && process.send) {
  const port = Number(process.argv[3]);
  const n = Math.min(20_000, Number(process.argv[4]));
  let bytes = 0;
  for (let i = 0; i < n; i++) net.connect(port, '127.0.0.1').on('data', (d: Buffer) => (bytes += d.length)).on('error', () => {});
  process.on('message', () => {
    const u = process.cpuUsage();
    process.send?.({ cpuUs: u.user + u.system, bytes });
  });
  process.on('disconnect', () => process.exit(0));
}

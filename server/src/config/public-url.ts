import os from 'node:os';

/** `localhost`, `*.localhost`, 127.0.0.0/8 and ::1: names that mean "this machine" to whoever uses them. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(h) || h === '::1';
}

type Interfaces = ReturnType<typeof os.networkInterfaces>;

/** The addresses other machines can reach this one at (nginx listens on all of them), IPv4 first. */
export function reachableAddresses(interfaces: Interfaces = os.networkInterfaces()): string[] {
  const all = Object.values(interfaces).flatMap((list) => list ?? []).filter((a) => !a.internal);
  return [...all.filter((a) => a.family === 'IPv4'), ...all.filter((a) => a.family !== 'IPv4' && !a.address.startsWith('fe80:'))].map((a) => a.address);
}

/**
 * PUBLIC_URL still names this machine (the default `http://localhost:PORT`) while the public port is
 * reachable from others: every link the platform hands out — share tags, and the old frontend's
 * `stream_url` and `streams` — would send a viewer to their own device. Null when all is well; otherwise
 * a URL to suggest (this machine's first reachable address), if any.
 */
export function localPublicUrl(publicUrl: string, httpPort: number, interfaces?: Interfaces): { suggestion: string | null } | null {
  if (!isLoopbackHost(new URL(publicUrl).hostname)) return null;
  const addresses = reachableAddresses(interfaces);
  if (addresses.length === 0) return null;
  const a = addresses[0]!;
  return { suggestion: `http://${a.includes(':') ? `[${a}]` : a}${httpPort === 80 ? '' : `:${httpPort}`}` };
}

/** The notice, Spanish then English, for the start banner and the log. */
export function localPublicUrlNotice(publicUrl: string, suggestion: string | null): string[] {
  const example = suggestion ?? 'https://iglesia.cl';
  return [
    `  ⚠ PUBLIC_URL es ${publicUrl}: los enlaces y la app antigua (stream_url) llevarían a cada espectador a su propio equipo.`,
    `    Defina PUBLIC_URL con la dirección pública, p. ej. PUBLIC_URL=${example}`,
    `  ⚠ PUBLIC_URL is ${publicUrl}: links and the old frontend's stream_url would send each viewer to their own device.`,
    `    Set PUBLIC_URL to the public address, e.g. PUBLIC_URL=${example}`,
  ];
}

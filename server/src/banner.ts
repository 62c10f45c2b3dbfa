import type os from 'node:os';
import type { ResolvedConfig } from './config/load.js';
import { localPublicUrl, localPublicUrlNotice } from './config/public-url.js';

/** What the volunteer needs to point OBS at the platform, in Spanish and English. */
export function banner(config: ResolvedConfig, keys: string[], adminPassword?: string, interfaces?: ReturnType<typeof os.networkInterfaces>): string {
  const host = new URL(config.publicUrl).hostname;
  const lines = [
    '',
    '  Casa del Padre Online',
    '  ─────────────────────',
    `  Servidor OBS / OBS server:  rtmp://${host}:${config.rtmpPort}/live`,
    ...keys.map((k) => `  Clave de transmisión / stream key:  ${k}`),
    `  Página para ver / viewer page:  ${config.publicUrl}/`,
    `  Administración / admin:  ${config.publicUrl}/admin`,
  ];
  if (adminPassword) lines.push(`  Contraseña de administración (se muestra una sola vez) / admin password (shown once):  ${adminPassword}`);
  if (config.tlsCertFile && config.publicUrl.startsWith('http:')) {
    lines.push(
      '',
      `  ⚠ Hay un certificado TLS pero PUBLIC_URL es http (${config.publicUrl}): ponga PUBLIC_URL=https://… para que los enlaces y las cookies usen HTTPS.`,
      `  ⚠ A TLS certificate is configured but PUBLIC_URL is http (${config.publicUrl}): set PUBLIC_URL=https://… so links and cookies use HTTPS.`,
    );
  }
  const local = localPublicUrl(config.publicUrl, config.httpPort, interfaces);
  if (local) lines.push('', ...localPublicUrlNotice(config.publicUrl, local.suggestion));
  lines.push(
    '',
    '  OBS: Ajustes → Emisión → Servicio "Personalizado"; Salida → Intervalo de fotogramas clave: 2 s.',
    '  OBS: Settings → Stream → Service "Custom"; Output → Keyframe interval: 2 s.',
    '',
  );
  return lines.join('\n');
}

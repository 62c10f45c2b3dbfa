// Over 300 lines on purpose: the whole configuration, every field with its default and its variable, in
// one place where an operator's question ("what does X do, what is its default?") is answered.
import { z } from 'zod';
import { DestinationConfigSchema } from '../simulcast/destinations.js';

// Validation messages in Spanish first: the operator reading them is the church's volunteer.
z.config(z.locales.es());

/**
 * One rung of the transcoded ladder. The source rendition is not listed here:
 * it is always the publisher's own stream, copied without re-encoding.
 */
export const RungSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9]{0,15}$/, 'debe ser minúsculas y dígitos, empezando por letra (p. ej. "mid")'),
    /** Appended to the public stream name: NAME_mid → /video/NAME_mid/index.m3u8. */
    suffix: z.string().regex(/^_[a-z0-9]{1,16}$/, 'debe empezar con "_" seguido de minúsculas o dígitos (p. ej. "_mid")'),
    label: z.string().min(1).max(32),
    /** Omitted for an audio-only rung. */
    width: z.number().int().min(64).max(3840).optional(),
    height: z.number().int().min(64).max(2160).optional(),
    videoKbps: z.number().int().min(64).max(20000).optional(),
    audioKbps: z.number().int().min(16).max(320),
  })
  .strict()
  .refine((r) => (r.width === undefined) === (r.height === undefined) && (r.width === undefined) === (r.videoKbps === undefined), {
    message: 'width, height y videoKbps van juntos (todos para video, ninguno para solo audio)',
  });

export type Rung = z.infer<typeof RungSchema>;

export const DEFAULT_LADDER: Rung[] = [
  { id: 'mid', suffix: '_mid', label: 'Media', width: 854, height: 480, videoKbps: 1400, audioKbps: 128 },
  { id: 'low', suffix: '_low', label: 'Baja', width: 640, height: 360, videoKbps: 400, audioKbps: 64 },
  { id: 'audio', suffix: '_audio', label: 'Solo audio', audioKbps: 96 },
];

const port = z.coerce.number().int('debe ser un número entero').min(1, 'debe estar entre 1 y 65535').max(65535, 'debe estar entre 1 y 65535');
/**
 * A browser origin: scheme, host and optional port — what a browser sends in `Origin`. Stored the way a
 * browser writes it (lower-case host, no default port, no trailing slash), so matching is exact.
 */
/** HLS_BASE_URL: http(s), no query or fragment; kept without a trailing slash (paths are appended). */
export const HlsBaseUrlSchema = z
  .url({ protocol: /^https?$/, message: 'debe ser una URL http(s) completa, p. ej. https://video.iglesia.cl / must be a full http(s) URL' })
  .refine((u) => !u.includes('?') && !u.includes('#'), { message: 'sin ? ni # / no query or fragment' })
  .refine((u) => !/[\s"'`;{}$\\]/.test(u), { message: 'sin espacios ni comillas / no spaces or quotes' })
  .transform((u) => u.replace(/\/+$/, ''));

export const OriginSchema = z.string().transform((raw, ctx) => {
  const origin = normalizeOrigin(raw);
  if (origin === null) {
    ctx.addIssue({
      code: 'custom',
      message: `"${raw.slice(0, 80)}" debe ser un origen como https://iglesia.cl o http://192.168.1.10:3000 (sin ruta) / must be an origin such as https://iglesia.cl (no path)`,
    });
    return z.NEVER;
  }
  return origin;
});

/** `https://Iglesia.CL:443/` → `https://iglesia.cl`; null for anything that is not a plain http(s) origin. */
export function normalizeOrigin(raw: string): string | null {
  const text = raw.trim();
  if (!/^https?:\/\/[^/?#@\s]+\/?$/i.test(text)) return null;
  try {
    const url = new URL(text);
    return url.origin === 'null' || url.username || url.password ? null : url.origin;
  } catch {
    return null;
  }
}

/** Paths the platform itself serves; the old frontend's build cannot be mounted over them. */
const RESERVED_PATHS = ['/api/', '/video/', '/ws/', '/v1/', '/assets/', '/admin/', '/embed/', '/.well-known/', '/healthz/', '/readyz/', '/metrics/'];

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]);

export const ConfigSchema = z
  .object({
    httpPort: port.default(8080),
    rtmpPort: port.default(1935),
    /** The service's own listener; loopback only. nginx proxies to it and sends its callbacks here. */
    internalPort: port.default(8090),
    /** nginx's loopback-only listener for /stat. */
    nginxStatPort: port.default(8091),
    dataDir: z.string().min(1).default('./data'),
    streamKey: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'debe tener 16 a 128 caracteres: letras, dígitos, "-" o "_"').optional(),
    streamName: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'debe tener 1 a 32 caracteres: minúsculas, dígitos o "-" (sin "_", reservado para las calidades)')
      .default('envivo'),
    adminPassword: z.string().min(8, 'debe tener al menos 8 caracteres').max(256).optional(),
    publicUrl: z.url({ message: 'debe ser una URL completa, p. ej. https://iglesia.cl' }).optional(),
    /**
     * Where viewers fetch HLS (/video/…) when it is not this site: an edge cache or CDN in front of this
     * origin (deploy/edge/). Absolute http(s) URL, no query; default none (same origin).
     */
    hlsBaseUrl: HlsBaseUrlSchema.optional(),
    redisUrl: z.string().regex(/^rediss?:\/\//, 'debe empezar con redis:// o rediss://').optional(),
    /**
     * What this instance runs (deploy/scaling.md): `all` one machine; `origin` the media (ingest, ladder,
     * recorder, simulcast, HLS, the stream's state, published to Redis) and the site; `web` the site, the
     * API, the sockets and the chat, the stream's state read from Redis — never nginx-rtmp nor ffmpeg.
     */
    role: z.enum(['all', 'origin', 'web']).default('all'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    /** Seconds a publisher may be gone before viewers see "offline". */
    graceSeconds: z.coerce.number().min(0).max(300).default(10),
    hls: z
      .object({
        fragmentSeconds: z.number().min(1).max(10).default(2),
        playlistFragments: z.number().int().min(3).max(30).default(6),
      })
      .strict()
      .prefault({}),
    ladder: z
      .array(RungSchema)
      .max(6)
      .default(DEFAULT_LADDER)
      .refine((l) => new Set(l.map((r) => r.id)).size === l.length && new Set(l.map((r) => r.suffix)).size === l.length, {
        message: 'cada calidad necesita un id y un sufijo distintos',
      })
      .refine((l) => !l.some((r) => r.id === 'source'), { message: '"source" está reservado para la calidad original' }),
    transcoder: z
      .object({
        enabled: bool.default(true),
        preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).default('veryfast'),
        threads: z.number().int().min(0).max(64).default(0),
      })
      .strict()
      .prefault({}),
    binaries: z
      .object({
        nginx: z.string().min(1).default('/usr/sbin/nginx'),
        rtmpModule: z.string().min(1).default('/usr/lib/nginx/modules/ngx_rtmp_module.so'),
        ffmpeg: z.string().min(1).default('ffmpeg'),
        ffprobe: z.string().min(1).default('ffprobe'),
      })
      .strict()
      .prefault({}),
    chat: z
      .object({
        historySize: z.number().int().min(10).max(500).default(100),
        retentionDays: z.number().int().min(1).max(3650).default(90),
        /** Per connection: about one message a second with a burst of five. */
        ratePerSecond: z.number().positive().max(100).default(1),
        burst: z.number().int().min(1).max(100).default(5),
        /** Per address: a whole congregation on the church's Wi-Fi shares one. */
        ipRatePerSecond: z.number().positive().max(1000).default(5),
        ipBurst: z.number().int().min(1).max(1000).default(20),
        maxSocketsPerIp: z.number().int().min(1).max(10_000).default(50),
        duplicateWindowSeconds: z.number().int().min(0).max(3600).default(30),
        maxFrameBytes: z.number().int().min(1024).max(1_048_576).default(8192),
        /** /ws sockets that opt in (`?batch=1`) get what is broadcast within this many ms as one frame. */
        batchMs: z.number().int().min(5).max(1000).default(50),
        /** Batch frames written per second at most; a large audience gets fuller frames, not more of them. */
        fanoutFramesPerSecond: z.number().int().min(1000).max(1_000_000).default(25_000),
        reservedNicks: z
          .array(z.string().min(1).max(40))
          .default(['admin', 'administrador', 'moderador', 'moderator', 'pastor', 'pastora', 'sistema', 'system', 'casa del padre', 'iglesia']),
      })
      .strict()
      .prefault({}),
    /** Simulcast destinations; seeds DATA_DIR/simulcast.json on the first start, then the admin owns them. */
    simulcast: z.array(DestinationConfigSchema).max(10).default([]),
    /** What the viewer page shows about the church; the admin can change it later. */
    site: z
      .object({
        churchName: z.string().min(1).max(80).default('Iglesia Casa del Padre'),
        offlineMessage: z.string().max(300).default('La transmisión no ha comenzado. ¡Le esperamos!'),
        accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'debe ser un color #rrggbb').default('#1d3557'),
        logoUrl: z
          .string()
          .max(500)
          .regex(/^(https:\/\/|\/)[^\s"'<>]*$/, 'debe ser una URL https:// o una ruta que empiece con /')
          .nullable()
          .default(null),
        schedule: z
          .array(
            z.object({
              day: z.number().int().min(0, '0 = domingo … 6 = sábado').max(6, '0 = domingo … 6 = sábado'),
              time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'debe ser HH:MM'),
              title: z.string().min(1).max(80),
            }).strict(),
          )
          .max(30)
          .default([
            { day: 0, time: '11:00', title: 'Culto dominical' },
            { day: 3, time: '20:00', title: 'Reunión de oración' },
          ]),
      })
      .strict()
      .prefault({}),
    /** The sermon archive: every broadcast recorded (copied, not re-encoded), the podcast feed. */
    archive: z
      .object({
        enabled: bool.default(true),
        /** "Nuevas grabaciones privadas hasta que las publique": the admin can change it later. */
        privateByDefault: z.boolean().default(false),
        /** Retention (the admin can change it later): keep the newest N, or N days; null keeps all. */
        keepLast: z.number().int().min(1).max(10_000).nullable().default(null),
        keepDays: z.number().int().min(1).max(36_500).nullable().default(null),
        /** Below this much free disk a recording stops (the live stream goes on). */
        minFreeMb: z.number().int().min(1).max(1_000_000).default(200),
      })
      .strict()
      .prefault({}),
    /** HTTP API requests per minute and client address: password attempts, the admin API, the public API. */
    rateLimits: z
      .object({
        login: z.number().int().min(1).max(10_000).default(20),
        admin: z.number().int().min(1).max(100_000).default(600),
        public: z.number().int().min(1).max(1_000_000).default(1200),
      })
      .strict()
      .prefault({}),
    /** Signs viewer session cookies and salts IP hashes. Several instances behind Redis must share it. */
    sessionSecret: z.string().min(32, 'debe tener al menos 32 caracteres').optional(),
    adminSessionHours: z.number().min(1).max(24 * 30).default(12),
    /** Where nginx serves the built web app from. */
    webRoot: z.string().min(1).default('web/dist'),
    /** HTTPS listener, used only when a certificate and its key are configured. */
    httpsPort: port.default(8443),
    /** PEM certificate chain (e.g. certbot's fullchain.pem). With tlsKeyFile, nginx serves HTTPS. */
    tlsCertFile: z.string().min(1).optional(),
    /** PEM private key (e.g. certbot's privkey.pem). */
    tlsKeyFile: z.string().min(1).optional(),
    /** Folder served at /.well-known/acme-challenge/ on the HTTP port (certbot --webroot -w). Default DATA_DIR/acme. */
    acmeWebroot: z.string().min(1).optional(),
    /**
     * Origins whose pages may read the public API and the legacy REST API (CORS) and open the sockets.
     * CORS_ORIGINS is comma-separated. Default: the origin of PUBLIC_URL only.
     */
    cors: z
      .object({
        origins: z
          .preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(OriginSchema).max(50))
          .optional(),
      })
      .strict()
      .prefault({}),
    /**
     * The church's existing frontend's build, served by the web nginx at `path` (same origin: no CORS),
     * with a CSP that allows exactly the inline scripts of its HTML files.
     */
    legacyFrontend: z
      .object({
        dir: z
          .string({ error: 'falta la carpeta del build (LEGACY_FRONTEND_DIR) / the build folder is missing' })
          .min(1)
          // It goes into nginx's configuration as is.
          .regex(/^[^\s;{}"'$\\]+$/, 'sin espacios ni ; { } " \' $ \\ / no spaces or ; { } " \' $ \\'),
        path: z
          .string()
          .regex(/^\/[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*\/?$/, 'debe ser una ruta como /iglesia/ / must be a path such as /iglesia/')
          .transform((p) => (p.endsWith('/') ? p : `${p}/`))
          .refine((p) => !RESERVED_PATHS.some((r) => p.toLowerCase().startsWith(r)), {
            message: 'esa ruta la usa la plataforma (/api/, /video/, /v1/, /ws, /assets/, /admin, /embed…) / that path is the platform\'s own',
          })
          .default('/iglesia/'),
      })
      .strict()
      .optional(),
    /**
     * Load balancers in front of this instance (deploy/scaling.md), as addresses or CIDR ranges; their
     * X-Forwarded-For names the client. TRUSTED_PROXIES is comma-separated. Default: none.
     */
    trustedProxies: z
      .preprocess(
        (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
        z.array(z.string().regex(/^[0-9a-fA-F.:]+(\/\d{1,3})?$/, 'debe ser una dirección IP o un rango CIDR, p. ej. 10.0.0.5 o 10.0.0.0/24 / must be an IP address or a CIDR range')).max(50),
      )
      .default([]),
    /** Bearer token that opens /metrics to the outside; without it /metrics answers only on loopback. */
    metricsToken: z.string().regex(/^[A-Za-z0-9._~+/=-]{16,256}$/, 'debe tener 16 a 256 caracteres sin espacios').optional(),
  })
  .strict()
  .refine((c) => (c.tlsCertFile === undefined) === (c.tlsKeyFile === undefined), {
    message: 'TLS_CERT_FILE y TLS_KEY_FILE van juntos (los dos o ninguno)',
    path: ['tlsKeyFile'],
  })
  // The origin and the web instances meet only in Redis: the stream's state, the chat, the admin sessions.
  .refine((c) => c.role === 'all' || c.redisUrl !== undefined, {
    message: 'ROLE=origin y ROLE=web necesitan REDIS_URL (las instancias comparten el estado por Redis) / ROLE=origin and ROLE=web require REDIS_URL',
    path: ['role'],
  })
  // Every instance checks the admin password itself: a generated one would differ from instance to instance.
  .refine((c) => c.role === 'all' || c.adminPassword !== undefined, {
    message: 'ROLE=origin y ROLE=web necesitan ADMIN_PASSWORD, la misma en cada instancia / ROLE=origin and ROLE=web require ADMIN_PASSWORD, the same on every instance',
    path: ['role'],
  });

export type Config = z.infer<typeof ConfigSchema>;

/** Environment variables and the config field each one sets. */
export const ENV_FIELDS = {
  HTTP_PORT: 'httpPort',
  RTMP_PORT: 'rtmpPort',
  INTERNAL_PORT: 'internalPort',
  NGINX_STAT_PORT: 'nginxStatPort',
  DATA_DIR: 'dataDir',
  STREAM_KEY: 'streamKey',
  STREAM_NAME: 'streamName',
  ADMIN_PASSWORD: 'adminPassword',
  PUBLIC_URL: 'publicUrl',
  REDIS_URL: 'redisUrl',
  HLS_BASE_URL: 'hlsBaseUrl',
  ROLE: 'role',
  LOG_LEVEL: 'logLevel',
  GRACE_SECONDS: 'graceSeconds',
  WEB_ROOT: 'webRoot',
  SESSION_SECRET: 'sessionSecret',
  HTTPS_PORT: 'httpsPort',
  TLS_CERT_FILE: 'tlsCertFile',
  TLS_KEY_FILE: 'tlsKeyFile',
  ACME_WEBROOT: 'acmeWebroot',
  METRICS_TOKEN: 'metricsToken',
  TRUSTED_PROXIES: 'trustedProxies',
} as const satisfies Record<string, keyof Config>;

/** Environment variables that set a field inside a section: NAME → [section, field]. */
export const NESTED_ENV_FIELDS = {
  CORS_ORIGINS: ['cors', 'origins'],
  LEGACY_FRONTEND_DIR: ['legacyFrontend', 'dir'],
  LEGACY_FRONTEND_PATH: ['legacyFrontend', 'path'],
} as const satisfies Record<string, readonly [keyof Config, string]>;

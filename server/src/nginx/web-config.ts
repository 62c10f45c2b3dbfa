import path from 'node:path';
import { legacyFrontendLocations } from './legacy-frontend.js';
import { MIME_TYPES, nginxPaths, pageCsp, preamble, PROXY_HEADERS, tempPaths, WEB_CONNECTIONS, WEB_OPEN_FILES, type WebNginxModel } from './nginx-config.js';

/** The headers every response repeats (add_header in a location replaces the server's), in their indents. */
interface WebHeaders {
  base: string;
  common: string;
  pageHeaders: string;
  hlsCors: string;
}

/**
 * The public nginx.conf, as text. Pure, like renderMediaConfig. With TLS, the HTTP port answers ACME
 * challenges and redirects everything else; HTTPS serves the app with HTTP/2 and HSTS. A reload of this
 * instance (new certificate, new settings) lets downloads and sockets in progress finish on the old
 * workers while new connections get the new configuration.
 */
export function renderWebConfig(m: WebNginxModel): string {
  const p = nginxPaths(m.prefix);
  const h = webHeaders(m);
  const acme = acmeLocation(m);
  const app = `${mediaLocations(m, h, acme)}${recordingLocations(m)}${serviceLocations(h)}${pageLocations(m, h)}`;
  const servers = webServers(m, h, acme, app);
  const openFiles = Math.min(WEB_OPEN_FILES, m.openFilesLimit ?? WEB_OPEN_FILES);
  return `${preamble(m.prefix, m.workerUser, '')}worker_processes auto;
worker_rlimit_nofile ${openFiles};

events {
    worker_connections ${Math.min(WEB_CONNECTIONS, openFiles)};
}

http {
${MIME_TYPES}
    default_type application/octet-stream;
    charset utf-8;
    charset_types application/json application/javascript text/css application/vnd.apple.mpegurl;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    server_tokens off;${realIp(m)}
    keepalive_timeout 65;
    client_max_body_size 1m;
    gzip on;
    gzip_comp_level 5;
    gzip_types application/javascript text/css application/json application/vnd.apple.mpegurl image/svg+xml;

    # A refused request's path is not logged: someone may have typed the stream key into a URL.
    map $status $cdp_logged_uri {
        "~^[23]" $uri;
        default  "-";
    }
    log_format main '$remote_addr [$time_local] "$request_method $cdp_logged_uri" $status $body_bytes_sent $request_time';
    access_log ${path.join(p.logs, 'access.log')} main;
${tempPaths(m.prefix)}

    # The raw path (before '?') as the client sent it, before nginx decodes and merges it.
    map $request_uri $cdp_bad_path {
        "~^[^?]*(%|//|/\\.\\.?(/|\\?|$)|\\x5c|;)" 1;
        default 0;
    }

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

    # Only the embed page may be framed by other sites (a church's own website, say).
    map $request_uri $cdp_frame_ancestors {
        "~^/embed(/|\\?|$)" "*";
        default             "'self'";
    }
    map $request_uri $cdp_frame_options {
        "~^/embed(/|\\?|$)" "";
        default             "SAMEORIGIN";
    }

    upstream service {
        server 127.0.0.1:${m.internalPort};
        keepalive 16;
    }

${servers}
}
`;
}

function webHeaders(m: WebNginxModel): WebHeaders {
  const hsts = m.tls ? '\n        add_header Strict-Transport-Security "max-age=63072000" always;' : '';
  // add_header in a location replaces the server's: every location that sets its own repeats these.
  const base = `
        add_header X-Content-Type-Options nosniff always;
        add_header Referrer-Policy strict-origin-when-cross-origin always;`;
  const common = `${base}${hsts}`;
  const pageHeaders = `${common}
        add_header Content-Security-Policy "${pageCsp(m.hlsOrigin)}" always;
        add_header X-Frame-Options $cdp_frame_options always;
        add_header Permissions-Policy "camera=(), microphone=(), geolocation=(), interest-cohort=()" always;`;
  const hlsCors = `${common.replaceAll('\n        ', '\n                ')}
                add_header Access-Control-Allow-Origin "*" always;
                add_header Access-Control-Allow-Methods "GET, HEAD, OPTIONS" always;
                add_header Access-Control-Allow-Headers "Range" always;
                add_header Access-Control-Expose-Headers "Content-Length, Content-Range" always;
                if ($request_method = OPTIONS) { return 204; }`;
  return { base, common, pageHeaders, hlsCors };
}

/** certbot --webroot's challenge files, on every server. */
function acmeLocation(m: WebNginxModel): string {
  return `
        # certbot certonly --webroot: the challenge files, plain text, over plain HTTP.
        location ^~ /.well-known/acme-challenge/ {
            root ${m.acmeRoot};
            default_type text/plain;
            try_files $uri =404;
        }`;
}

/** Refused raw paths, then the HLS files: playlists revalidated, segments immutable, CORS for any player. */
function mediaLocations(m: WebNginxModel, h: WebHeaders, acme: string): string {
  return `${h.pageHeaders}
${acme}

        # Paths no page, file or API of ours ever has: percent-encoding, empty or dot segments, a
        # backslash or ';' parameters. Refused here, so the service behind sees only plain paths.
        if ($cdp_bad_path) {
            return 400;
        }

        location /video/ {
            root ${m.hlsRoot};
            # Playlists change every fragment; segments never change once listed.
            location ~ "^/video/[a-z0-9_-]+\\.m3u8$" {
                root ${m.masterRoot};
                add_header Cache-Control "no-cache, max-age=1" always;${h.hlsCors}
            }
            location ~ "^/video/[a-z0-9_-]+/[a-z0-9_-]+\\.m3u8$" {
                add_header Cache-Control "no-cache, max-age=1" always;${h.hlsCors}
            }
            location ~ "^/video/[a-z0-9_-]+/[a-z0-9_-]+\\.ts$" {
                add_header Cache-Control "public, max-age=86400, immutable" always;${h.hlsCors}
            }
            return 404;
        }

`;
}

/** Recordings (served after the service's check), the podcast and a recording's share page. */
function recordingLocations(m: WebNginxModel): string {
  return m.recordingsRoot ? `        # Recordings: the service checks the request (published? signed in?) and answers with
        # X-Accel-Redirect to here; nginx sends the file with byte ranges (a phone seeks in the MP4).
        location ^~ /_recordings/ {
            internal;
            alias ${m.recordingsRoot}/;
        }
        location = /podcast.xml {
            proxy_pass http://service/api/v1/podcast.xml;${PROXY_HEADERS}
        }
        # A recording's page: the app, with that recording's share tags.
        location ~ "^/archivo/([0-9]{8}-[0-9a-f]{8})$" {
            proxy_pass http://service/api/v1/recordings/$1/share-page;${PROXY_HEADERS}
        }

` : '';
}

/** What goes to the service: sockets, the old frontend's API, /api and the probes; callbacks never. */
function serviceLocations(h: WebHeaders): string {
  return `        # nginx's callbacks are for the internal listener only.
        location ~ "^/v1/streaming/(on|off)(/|$)" {
            return 404;
        }

        # The chat and status sockets: the new one and the church's existing frontend's.
        location ~ "^/(ws|v1/websocket)$" {
            proxy_pass http://service;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            # The Host the browser used, port included: the service compares it with the page's Origin.
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }

        # The existing frontend's HTTP API.
        location ~ "^/v1/streaming(/online)?$" {
            proxy_pass http://service;${PROXY_HEADERS}
        }

        location ~ "^/(api/|healthz$|readyz$|metrics$)" {
            proxy_pass http://service;${PROXY_HEADERS}
        }

        # The same paths in another case are not pages: the service's router is case-sensitive.
        location ~* "^/(api/|v1/|ws$|healthz$|readyz$|metrics$)" {
            return 404;
        }

`;
}

/** The app's pages, the OBS overlay, built assets and the old frontend's build. */
function pageLocations(m: WebNginxModel, h: WebHeaders): string {
  return `        # The app's pages (/, /embed, /admin…) all get index.html, rendered by the service with the
        # church's share tags; built assets have content hashes in their names.
        location = /index.html {
            root ${m.pageRoot};
            add_header Cache-Control "no-cache" always;${h.pageHeaders.replaceAll('\n        ', '\n            ')}
        }
        # The OBS chat overlay (the church's scenes point at /chat): its own small page, not the app.
        location ~ "^/chat/?$" {
            add_header Cache-Control "no-cache" always;${h.pageHeaders.replaceAll('\n        ', '\n            ')}
            try_files /chat.html =404;
        }
        location /assets/ {
            add_header Cache-Control "public, max-age=31536000, immutable" always;${h.common.replaceAll('\n        ', '\n            ')}
            try_files $uri =404;
        }
${m.legacyFrontend ? `${legacyFrontendLocations(m.legacyFrontend, h.common.replaceAll('\n        ', '\n            '))}
` : ''}        location / {
            try_files $uri /index.html;
        }`;
}

/** Plain HTTP only, or HTTP for ACME and redirects plus HTTPS with the app. */
function webServers(m: WebNginxModel, h: WebHeaders, acme: string, app: string): string {
  const httpsRedirect = m.tls ? `https://$host${m.tls.port === 443 ? '' : `:${m.tls.port}`}$request_uri` : '';
  return m.tls
    ? `    # HTTP: certificate challenges, and a redirect to HTTPS for everything else.
    server {
        listen ${m.httpPort} default_server;
        server_name _;${h.base}
${acme}
        location / {
            return 301 ${httpsRedirect};
        }
    }

    server {
        listen ${m.tls.port} ssl http2 default_server;
        server_name _;
        root ${m.webRoot};
        ssl_certificate ${m.tls.certFile};
        ssl_certificate_key ${m.tls.keyFile};
        # Mozilla's "intermediate" profile: TLS 1.2 and 1.3, forward-secret AEAD ciphers only.
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
        ssl_prefer_server_ciphers off;
        ssl_session_cache shared:cdp_tls:10m;
        ssl_session_timeout 1d;
        ssl_session_tickets off;
${app}
    }`
    : `    server {
        listen ${m.httpPort} default_server;
        server_name _;
        root ${m.webRoot};
${app}
    }`;
}

/**
 * Behind a load balancer (TRUSTED_PROXIES): the client's address is taken from X-Forwarded-For when the
 * request came from one of them, so the per-address limits count viewers, not the load balancer.
 */
function realIp(m: WebNginxModel): string {
  if (!m.trustedProxies?.length) return '';
  return `
    # The load balancers in front of this instance (TRUSTED_PROXIES): their X-Forwarded-For names the client.
${m.trustedProxies.map((p) => `    set_real_ip_from ${p};`).join('\n')}
    real_ip_header X-Forwarded-For;
    real_ip_recursive on;`;
}

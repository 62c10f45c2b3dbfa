import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The church's existing frontend's build, served by the web nginx at `path` on the platform's own origin.
 * Its build puts a small runtime script inline in index.html (create-react-app does); our pages' CSP
 * forbids inline scripts, so this location gets its own CSP that allows exactly those scripts by hash.
 */
export interface LegacyFrontendSite {
  /** URL path, with both slashes: `/iglesia/`. */
  path: string;
  /** Absolute folder of the build. */
  dir: string;
  /** The Content-Security-Policy for that path. */
  csp: string;
}

const MAX_FILES = 200;
const MAX_DEPTH = 4;
const MAX_HTML_BYTES = 2 * 1024 * 1024;

/** HTML files of a build folder (a few levels deep; `node_modules` and hidden folders skipped). */
function htmlFiles(dir: string, depth = 0, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (out.length >= MAX_FILES || e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory() && depth < MAX_DEPTH) htmlFiles(full, depth + 1, out);
    else if (e.isFile() && /\.html?$/i.test(e.name)) out.push(full);
  }
  return out;
}

/** The text of every inline `<script>` (one without `src`) in an HTML document, exactly as written. */
export function inlineScripts(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (/\bsrc\s*=/i.test(m[1]!)) continue;
    out.push(m[2]!);
  }
  return out;
}

/** `'sha256-…'` sources, as CSP wants them: the hash of the script's UTF-8 text, base64. */
export function scriptHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}

/** Sorted, distinct hashes of every inline script in the folder's HTML files. Reads the folder. */
export function inlineScriptHashes(dir: string): string[] {
  const hashes = new Set<string>();
  for (const file of htmlFiles(dir)) {
    try {
      if (statSync(file).size > MAX_HTML_BYTES) continue;
      for (const s of inlineScripts(readFileSync(file, 'utf8'))) hashes.add(scriptHash(s));
    } catch {
      // Unreadable: nginx will not serve it either.
    }
  }
  return [...hashes].sort();
}

/**
 * The old frontend's CSP: our pages' rules, plus its inline scripts by hash and inline styles (its UI
 * library may inject <style> at run time; styles cannot run code). It talks to the API, the sockets and
 * the playlists on this origin and on PUBLIC_URL's (the URLs the legacy API hands out), or HLS_BASE_URL's.
 */
export function legacyFrontendCsp(hashes: readonly string[], publicOrigin: string, hlsOrigin?: string): string {
  const ws = publicOrigin.replace(/^http/, 'ws');
  const scripts = ["'self'", ...hashes].join(' ');
  const hls = hlsOrigin && hlsOrigin !== publicOrigin ? ` ${hlsOrigin}` : '';
  return (
    `default-src 'self'; script-src ${scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; ` +
    `media-src 'self' blob: ${publicOrigin}${hls}; worker-src 'self' blob:; connect-src 'self' ${publicOrigin}${hls} ${ws}; font-src 'self' data:; ` +
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
  );
}

/** What the web nginx needs to serve the build; computed when its configuration is rendered (start, reload). */
export function legacyFrontendSite(config: { dir: string; path: string }, publicUrl: string, hlsBaseUrl?: string): LegacyFrontendSite {
  const hlsOrigin = hlsBaseUrl ? new URL(hlsBaseUrl).origin : undefined;
  return { path: config.path, dir: config.dir, csp: legacyFrontendCsp(inlineScriptHashes(config.dir), new URL(publicUrl).origin, hlsOrigin) };
}

/**
 * The web nginx's locations for the build (pure; part of the snapshot-tested config). `headers` are the
 * server's own security headers, repeated because a location's add_header replaces them.
 */
export function legacyFrontendLocations(site: LegacyFrontendSite, headers: string): string {
  const bare = site.path.slice(0, -1);
  return `
        # The church's existing frontend's build (LEGACY_FRONTEND_DIR), on this origin: no CORS needed.
        location = ${bare} {
            absolute_redirect off;
            return 301 ${site.path};
        }
        location ^~ ${site.path} {
            alias ${site.dir.endsWith('/') ? site.dir : `${site.dir}/`};
            index index.html;
            try_files $uri $uri/ ${site.path}index.html;
            add_header Cache-Control "no-cache" always;${headers}
            add_header Content-Security-Policy "${site.csp}" always;
            add_header X-Frame-Options SAMEORIGIN always;
        }`;
}

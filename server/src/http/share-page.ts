/** What a shared link shows (WhatsApp, Facebook…): these crawlers read the HTML, not the app. */
export interface ShareTags {
  title: string;
  description: string;
  /** Absolute URLs: crawlers do not resolve relative ones reliably. */
  url: string;
  image: string;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function setMeta(html: string, attr: 'property' | 'name', key: string, value: string): string {
  const tag = `<meta ${attr}="${key}" content="${escapeAttr(value)}" />`;
  const re = new RegExp(`<meta\\s+${attr}="${key.replace(/[.:]/g, '\\$&')}"\\s+content="[^"]*"\\s*/?>`);
  // Replacer functions: a `$'` or `$&` in the church's name is text, not a replacement pattern.
  return re.test(html) ? html.replace(re, () => tag) : html.replace('</head>', () => `    ${tag}\n  </head>`);
}

/**
 * The built index.html with the church's own share tags. Pure. `preload` lists modules the page will
 * need at once (the player while the stream is on), fetched in parallel with the app itself; `fetches`
 * lists other files it will ask for at once (the master playlist while live).
 */
export function renderSharePage(template: string, t: ShareTags, preload: string[] = [], fetches: string[] = []): string {
  let html = template.replace(/<title>[^<]*<\/title>/, () => `<title>${escapeAttr(t.title)}</title>`);
  html = setMeta(html, 'property', 'og:title', t.title);
  html = setMeta(html, 'property', 'og:description', t.description);
  html = setMeta(html, 'name', 'description', t.description);
  html = setMeta(html, 'property', 'og:image', t.image);
  html = setMeta(html, 'property', 'og:url', t.url);
  for (const href of preload) html = html.replace('</head>', () => `    <link rel="modulepreload" crossorigin href="${escapeAttr(href)}" />\n  </head>`);
  for (const href of fetches) html = html.replace('</head>', () => `    <link rel="preload" as="fetch" crossorigin="anonymous" href="${escapeAttr(href)}" />\n  </head>`);
  return html;
}

export const MISSING_WEB_PAGE = `<!doctype html>
<html lang="es"><head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />
<title>Casa del Padre Online</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem">
<h1>Falta compilar la página web</h1><p>Ejecute <code>npm run build</code> (o <code>make start</code>) en el servidor.</p>
<p lang="en">The web app is not built: run <code>npm run build</code> (or <code>make start</code>) on the server.</p>
</body></html>
`;

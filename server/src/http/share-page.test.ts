import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderSharePage } from './share-page.js';

const template = `<!doctype html><html><head>
    <title>Casa del Padre — En vivo</title>
    <meta name="description" content="x" />
    <meta property="og:title" content="Casa del Padre — En vivo" />
    <meta property="og:image" content="/og.png" />
  </head><body></body></html>`;

test('a shared link shows the church name and an absolute preview image', () => {
  const html = renderSharePage(template, { title: 'Iglesia Casa del Padre — En vivo', description: 'Culto en vivo', url: 'https://iglesia.cl/', image: 'https://iglesia.cl/og.png' });
  assert.match(html, /<title>Iglesia Casa del Padre — En vivo<\/title>/);
  assert.match(html, /<meta property="og:title" content="Iglesia Casa del Padre — En vivo" \/>/);
  assert.match(html, /<meta property="og:image" content="https:\/\/iglesia.cl\/og.png" \/>/);
  assert.match(html, /<meta property="og:url" content="https:\/\/iglesia.cl\/" \/>\n\s*<\/head>/);
  assert.match(html, /<meta name="description" content="Culto en vivo" \/>/);
  assert.equal(html.match(/og:title/g)?.length, 1, 'replaced, not duplicated');
});

test('a church name with quotes or tags cannot break out of the attribute', () => {
  const html = renderSharePage(template, { title: 'A "B" <script>x</script>', description: 'd', url: 'https://x/', image: 'https://x/og.png' });
  assert.ok(!html.includes('<script>x</script>'));
  assert.match(html, /content="A &quot;B&quot; &lt;script&gt;x&lt;\/script&gt;"/);
});

test('while live the page preloads the player module; offline it does not', () => {
  const tags = { title: 't', description: 'd', url: 'https://x/', image: 'https://x/og.png' };
  assert.match(renderSharePage(template, tags, ['/assets/hls.light-ab12.js']), /<link rel="modulepreload" crossorigin href="\/assets\/hls.light-ab12.js" \/>\n\s*<\/head>/);
  assert.doesNotMatch(renderSharePage(template, tags), /modulepreload/);
});

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
  assert.match(renderSharePage(template, tags, [], ['/video/envivo.m3u8']), /<link rel="preload" as="fetch" crossorigin="anonymous" href="\/video\/envivo.m3u8" \/>/);
  assert.doesNotMatch(renderSharePage(template, tags), /rel="preload"/);
});

test('$\' and $& in the church name are text, not replacement patterns', () => {
  const name = "Iglesia $' $& $` $$ Casa";
  const html = renderSharePage(template, { title: name, description: `Culto de ${name}`, url: 'https://iglesia.cl/', image: 'https://iglesia.cl/og.png' });
  assert.ok(html.length < template.length + 600, `the page grew to ${html.length} bytes`);
  assert.match(html, /<title>Iglesia \$' \$&amp; \$` \$\$ Casa<\/title>/);
  assert.equal(html.match(/<\/head>/g)?.length, 1);
  assert.equal(html.match(/<title>/g)?.length, 1);
});

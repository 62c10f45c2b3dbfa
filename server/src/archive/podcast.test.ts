import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { itunesDuration, renderPodcast } from './podcast.js';

const channel = {
  title: 'Iglesia Casa del Padre <& "amigos">',
  author: 'Iglesia Casa del Padre',
  description: 'Prédicas y servicios',
  siteUrl: 'https://iglesia.cl/archivo',
  feedUrl: 'https://iglesia.cl/podcast.xml',
  imageUrl: 'https://iglesia.cl/og.png',
};
const item = {
  id: '20261206-1a2b3c4d',
  title: 'Servicio del domingo 6 de diciembre de 2026, 11:00 — "Fe" & <esperanza>\u0007',
  description: '',
  startedAt: '2026-12-06T13:58:00.000Z',
  duration: 3725.4,
  audioUrl: 'https://iglesia.cl/api/v1/recordings/20261206-1a2b3c4d/audio.m4a',
  audioBytes: 44_700_123,
  pageUrl: 'https://iglesia.cl/archivo/20261206-1a2b3c4d',
};

test('the feed is well-formed RSS 2.0 with the iTunes fields Apple and Spotify require', () => {
  const xml = renderPodcast(channel, [item]);
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, parseAttributeValue: false }).parse(xml);
  assert.equal(doc.rss['@version'], '2.0');
  assert.equal(doc.rss['@xmlns:itunes'], 'http://www.itunes.com/dtds/podcast-1.0.dtd');
  const c = doc.rss.channel;
  assert.equal(c.title, channel.title);
  assert.equal(c.language, 'es');
  assert.equal(c['itunes:category']['@text'], 'Religion & Spirituality');
  assert.equal(c['itunes:image']['@href'], channel.imageUrl);
  assert.equal(c['itunes:explicit'], 'false');
  const i = c.item;
  assert.equal(i.title, 'Servicio del domingo 6 de diciembre de 2026, 11:00 — "Fe" & <esperanza>');
  assert.equal(i.enclosure['@length'], '44700123');
  assert.equal(i.enclosure['@type'], 'audio/x-m4a');
  assert.equal(i.enclosure['@url'], item.audioUrl);
  assert.equal(i.pubDate, 'Sun, 06 Dec 2026 13:58:00 GMT');
  assert.equal(i['itunes:duration'], '1:02:05');
  assert.equal(i.guid['#text'], 'casadelpadre-recording-20261206-1a2b3c4d');
});

test('an empty archive is still a valid feed', () => {
  assert.equal(XMLValidator.validate(renderPodcast(channel, [])), true);
});

test('durations are H:MM:SS', () => {
  assert.equal(itunesDuration(59.6), '0:01:00');
  assert.equal(itunesDuration(7200), '2:00:00');
});

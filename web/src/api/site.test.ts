import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SITE, parseSite, textOn } from './site';

test('missing or malformed site settings keep the defaults', () => {
  assert.deepEqual(parseSite(null), DEFAULT_SITE);
  const s = parseSite({ churchName: '  ', accentColor: 'red', timezone: 'Mars/Olympus', logoUrl: 'javascript:alert(1)', schedule: [{ day: 9, time: '11:00', title: 'x' }] });
  assert.equal(s.churchName, DEFAULT_SITE.churchName);
  assert.equal(s.accentColor, DEFAULT_SITE.accentColor);
  assert.equal(s.timezone, 'America/Santiago');
  assert.equal(s.logoUrl, null);
  assert.deepEqual(s.schedule, []);
});

test('valid settings from the server are used', () => {
  const s = parseSite({ churchName: 'Iglesia Maipú', accentColor: '#ffcc00', logoUrl: '/uploads/logo.png', offlineMessage: 'Bendiciones', schedule: [{ day: 6, time: '19:30', title: 'Jóvenes' }] });
  assert.equal(s.churchName, 'Iglesia Maipú');
  assert.equal(s.logoUrl, '/uploads/logo.png');
  assert.deepEqual(s.schedule, [{ day: 6, time: '19:30', title: 'Jóvenes' }]);
});

test('text on the accent colour is whichever of black or white contrasts more', () => {
  assert.equal(textOn('#1d3557'), '#ffffff');
  assert.equal(textOn('#ffcc00'), '#000000');
});

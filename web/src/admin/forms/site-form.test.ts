import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brandingChange, draftFrom, validateBranding } from './site-form';

const site = { churchName: 'Iglesia Casa del Padre', offlineMessage: '¡Le esperamos!', accentColor: '#1d3557', logoUrl: null, schedule: [] };

test('the saved settings are a valid draft, and an empty logo is saved as no logo', () => {
  const draft = draftFrom(site);
  assert.equal(draft.logoUrl, '');
  assert.deepEqual(validateBranding(draft), {});
  assert.deepEqual(brandingChange({ ...draft, churchName: '  Iglesia Maipú ', accentColor: '#FFCC00' }), {
    churchName: 'Iglesia Maipú',
    logoUrl: null,
    accentColor: '#ffcc00',
    offlineMessage: '¡Le esperamos!',
  });
});

test('the logo must be an https address or a path on this site', () => {
  const draft = draftFrom(site);
  assert.deepEqual(validateBranding({ ...draft, logoUrl: 'https://iglesia.cl/logo.png' }), {});
  assert.deepEqual(validateBranding({ ...draft, logoUrl: '/uploads/logo.png' }), {});
  assert.deepEqual(validateBranding({ ...draft, logoUrl: 'http://iglesia.cl/logo.png' }), { logoUrl: 'invalid' });
  assert.deepEqual(validateBranding({ ...draft, logoUrl: 'javascript:alert(1)' }), { logoUrl: 'invalid' });
  assert.deepEqual(validateBranding({ ...draft, logoUrl: '/logo con espacio.png' }), { logoUrl: 'invalid' });
});

test('name, colour and offline message follow the server limits', () => {
  const draft = draftFrom(site);
  assert.deepEqual(validateBranding({ ...draft, churchName: '   ' }), { churchName: 'empty' });
  assert.deepEqual(validateBranding({ ...draft, churchName: 'x'.repeat(81) }), { churchName: 'too_long' });
  assert.deepEqual(validateBranding({ ...draft, accentColor: 'red' }), { accentColor: 'invalid' });
  assert.deepEqual(validateBranding({ ...draft, offlineMessage: 'á'.repeat(301) }), { offlineMessage: 'too_long' });
  assert.deepEqual(validateBranding({ ...draft, offlineMessage: 'á'.repeat(300) }), {});
});

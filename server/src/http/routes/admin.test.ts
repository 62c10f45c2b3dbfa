import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SiteSchema } from '../../storage/site-settings.js';
import { SiteChange } from './admin.js';

describe('a change to the site settings', () => {
  test('holds only the fields sent, so the others keep their saved values', () => {
    assert.deepEqual(SiteChange.parse({ churchName: 'Iglesia de Tocopilla' }), { churchName: 'Iglesia de Tocopilla' });
    assert.deepEqual(SiteChange.parse({}), {});
  });

  test('validates each field as the settings do, and refuses unknown fields', () => {
    assert.equal(SiteChange.safeParse({ logoUrl: 'javascript:alert(1)' }).success, false);
    assert.equal(SiteChange.safeParse({ schedule: [{ day: 7, time: '10:00', title: 'x' }] }).success, false);
    assert.equal(SiteChange.safeParse({ churchName: '' }).success, false);
    assert.equal(SiteChange.safeParse({ color: '#000000' }).success, false);
    assert.deepEqual(SiteChange.parse({ logoUrl: null }), { logoUrl: null });
  });

  test('covers every site setting', () => {
    assert.deepEqual(Object.keys(SiteChange.shape).sort(), Object.keys(SiteSchema.shape).sort());
  });
});

/**
 * localStorage that never throws: private browsing, disabled storage and Node (tests) simply remember
 * nothing. Keys are namespaced so the church's other pages on the same origin are not disturbed.
 */
const PREFIX = 'cdp.';

function store(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function readSetting(key: string): string | null {
  try {
    return store()?.getItem(PREFIX + key) ?? null;
  } catch {
    return null;
  }
}

export function writeSetting(key: string, value: string | null): void {
  try {
    const s = store();
    if (!s) return;
    if (value === null) s.removeItem(PREFIX + key);
    else s.setItem(PREFIX + key, value);
  } catch {
    // Quota or privacy mode: the setting just lasts for this visit.
  }
}

export const SETTING = {
  lang: 'lang',
  nick: 'nick',
  quality: 'quality',
  ownMessages: 'own-messages',
} as const;

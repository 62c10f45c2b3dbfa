import { en } from './en';
import { es, type Messages } from './es';
import { readSetting } from '../common/storage';

export type Lang = 'es' | 'en';
export const LANGS: readonly Lang[] = ['es', 'en'];

export const catalogues: Record<Lang, Messages> = { es, en };

export function isLang(v: unknown): v is Lang {
  return v === 'es' || v === 'en';
}

/** The remembered choice, else English only for browsers that ask for English first; Spanish otherwise. */
export function detectLang(remembered: string | null, preferred: readonly string[]): Lang {
  if (isLang(remembered)) return remembered;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'es';
}

export function initialLang(): Lang {
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  const preferred = nav ? (nav.languages?.length ? nav.languages : [nav.language]) : [];
  return detectLang(readSetting('lang'), preferred);
}

import type { Rendition } from '../api/status';

/** 'auto' (adaptive over the master playlist) or a rendition's id ('source', 'mid', 'low', 'audio', …). */
export type QualityChoice = 'auto' | (string & {});

export interface QualityOption {
  choice: QualityChoice;
  rendition: Rendition | null;
}

/** The menu: Automática first, then the video renditions from the sharpest down, then audio only. */
export function qualityOptions(renditions: readonly Rendition[]): QualityOption[] {
  const video = renditions.filter((r) => !r.audioOnly).sort((a, b) => (b.height ?? 0) - (a.height ?? 0));
  const audio = renditions.filter((r) => r.audioOnly);
  return [{ choice: 'auto', rendition: null }, ...[...video, ...audio].map((r) => ({ choice: r.id, rendition: r }))];
}

/** What to load for a choice: the rendition it names, or null for adaptive (also when it no longer exists). */
export function renditionFor(choice: QualityChoice, renditions: readonly Rendition[]): Rendition | null {
  if (choice === 'auto') return null;
  return renditions.find((r) => r.id === choice) ?? null;
}

export interface LevelLike {
  height: number;
  uri?: string;
}

/**
 * The hls.js level that plays `rendition`: the one loaded from the rendition's own playlist URL, else the
 * one with its height. -1 when the master does not list it (yet).
 */
export function levelIndexFor(levels: readonly LevelLike[], rendition: Rendition, baseHref: string): number {
  const want = absolute(rendition.url, baseHref);
  const byUrl = levels.findIndex((l) => l.uri !== undefined && absolute(l.uri, baseHref) === want);
  if (byUrl >= 0) return byUrl;
  if (rendition.height === undefined) return -1;
  return levels.findIndex((l) => l.height === rendition.height);
}

function absolute(url: string, base: string): string {
  try {
    return new URL(url, base).href;
  } catch {
    return url;
  }
}

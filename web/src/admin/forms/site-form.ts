/** The branding form's rules, matching the server's site schema. */
import type { SiteDocument } from '../api/types';

export interface BrandingDraft {
  churchName: string;
  logoUrl: string;
  accentColor: string;
  offlineMessage: string;
}

export interface BrandingProblems {
  churchName?: 'empty' | 'too_long';
  logoUrl?: 'invalid';
  accentColor?: 'invalid';
  offlineMessage?: 'too_long';
}

export const MAX_NAME = 80;
export const MAX_OFFLINE = 300;
const LOGO = /^(https:\/\/|\/)[^\s"'<>]*$/;
const HEX = /^#[0-9a-fA-F]{6}$/;
const length = (s: string) => [...s].length;

export function draftFrom(site: SiteDocument): BrandingDraft {
  return { churchName: site.churchName, logoUrl: site.logoUrl ?? '', accentColor: site.accentColor, offlineMessage: site.offlineMessage };
}

export function validateBranding(d: BrandingDraft): BrandingProblems {
  const p: BrandingProblems = {};
  const name = d.churchName.trim();
  if (!name) p.churchName = 'empty';
  else if (length(name) > MAX_NAME) p.churchName = 'too_long';
  const logo = d.logoUrl.trim();
  if (logo && (!LOGO.test(logo) || logo.length > 500)) p.logoUrl = 'invalid';
  if (!HEX.test(d.accentColor)) p.accentColor = 'invalid';
  if (length(d.offlineMessage) > MAX_OFFLINE) p.offlineMessage = 'too_long';
  return p;
}

/** The PUT body: trimmed, an empty logo meaning "no logo" (null). */
export function brandingChange(d: BrandingDraft): Pick<SiteDocument, 'churchName' | 'logoUrl' | 'accentColor' | 'offlineMessage'> {
  const logo = d.logoUrl.trim();
  return { churchName: d.churchName.trim(), logoUrl: logo ? logo : null, accentColor: d.accentColor.toLowerCase(), offlineMessage: d.offlineMessage.trim() };
}

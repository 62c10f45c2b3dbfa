import * as React from 'react';
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { Lang } from '../i18n/catalogue';
import { I18nProvider } from '../i18n/I18nProvider';

// tsx applies the root tsconfig (jsx: react-jsx) only to the files it includes (server/), so under node:test
// the web's .tsx files get esbuild's classic transform, which calls a global React.createElement.
(globalThis as { React?: typeof React }).React ??= React;

/** Server-renders a component in a language, for tests that read the markup (no DOM needed). */
export function renderIn(lang: Lang, element: ReactElement): string {
  return renderToStaticMarkup(<I18nProvider lang={lang}>{element}</I18nProvider>);
}

/** The markup's visible text, tags removed and entities decoded, whitespace collapsed. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

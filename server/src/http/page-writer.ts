import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SiteSettings } from '../storage/site-settings.js';
import { MISSING_WEB_PAGE, renderSharePage } from './share-page.js';

export interface PageWriterOptions {
  webRoot: string;
  /** Where the rendered index.html goes (nginx serves it). */
  pageRoot: string;
  publicUrl: string;
  site: SiteSettings;
  /** The master playlist's URL: preloaded while live (hls.js asks for it first). */
  masterUrl?: string;
}

/**
 * Writes the app's index.html with the church's share tags, again whenever the site settings change or
 * the stream goes on or off: while it is on, the page preloads the player module alongside the app
 * (faster first frame on slow phones); while offline it does not, so the offline page stays light.
 */
export class PageWriter {
  private live = false;
  private readonly playerChunk: string | undefined;

  constructor(private readonly o: PageWriterOptions) {
    this.playerChunk = findPlayerChunk(o.webRoot);
  }

  write(): void {
    const template = path.join(this.o.webRoot, 'index.html');
    const s = this.o.site.get();
    const html = existsSync(template)
      ? renderSharePage(
          readFileSync(template, 'utf8'),
          {
            title: `${s.churchName} — En vivo`,
            description: `Transmisión en vivo de ${s.churchName}. Mire y converse desde su teléfono.`,
            url: `${this.o.publicUrl}/`,
            image: `${this.o.publicUrl}/og.png`,
          },
          this.live && this.playerChunk ? [this.playerChunk] : [],
          this.live && this.o.masterUrl ? [this.o.masterUrl] : [],
        )
      : MISSING_WEB_PAGE;
    writeFileSync(path.join(this.o.pageRoot, 'index.html'), html);
  }

  /** The stream went on or off: rewritten only when that changes what the page preloads. */
  setLive(live: boolean): void {
    if (live === this.live) return;
    this.live = live;
    this.write();
  }
}

function findPlayerChunk(webRoot: string): string | undefined {
  try {
    const f = readdirSync(path.join(webRoot, 'assets')).find((n) => /^hls\.light-[\w-]+\.js$/.test(n));
    return f ? `/assets/${f}` : undefined;
  } catch {
    return undefined;
  }
}

/** One published recording as the feed lists it. */
export interface PodcastItem {
  id: string;
  title: string;
  description: string;
  startedAt: string;
  duration: number;
  audioUrl: string;
  audioBytes: number;
  pageUrl: string;
}

export interface PodcastChannel {
  title: string;
  author: string;
  description: string;
  siteUrl: string;
  feedUrl: string;
  imageUrl: string;
}

const escapeXml = (s: string) =>
  s
    // Characters XML 1.0 forbids outright (a title pasted from a phone may carry them).
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');

/** itunes:duration as H:MM:SS. */
export function itunesDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The podcast feed: RSS 2.0 with the iTunes namespace, as Apple Podcasts and Spotify read it (language,
 * category, explicit, image, author; each item's enclosure with its length in bytes, a stable guid, an
 * RFC 822 pubDate and a duration). Pure.
 */
export function renderPodcast(c: PodcastChannel, items: readonly PodcastItem[]): string {
  const e = escapeXml;
  const entries = items
    .map(
      (i) => `    <item>
      <title>${e(i.title)}</title>
      <description>${e(i.description || i.title)}</description>
      <link>${e(i.pageUrl)}</link>
      <guid isPermaLink="false">${e(`casadelpadre-recording-${i.id}`)}</guid>
      <pubDate>${new Date(i.startedAt).toUTCString()}</pubDate>
      <enclosure url="${e(i.audioUrl)}" length="${i.audioBytes}" type="audio/x-m4a"/>
      <itunes:duration>${itunesDuration(i.duration)}</itunes:duration>
      <itunes:explicit>false</itunes:explicit>
      <itunes:episodeType>full</itunes:episodeType>
    </item>
`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${e(c.title)}</title>
    <link>${e(c.siteUrl)}</link>
    <description>${e(c.description)}</description>
    <language>es</language>
    <atom:link href="${e(c.feedUrl)}" rel="self" type="application/rss+xml"/>
    <image>
      <url>${e(c.imageUrl)}</url>
      <title>${e(c.title)}</title>
      <link>${e(c.siteUrl)}</link>
    </image>
    <itunes:author>${e(c.author)}</itunes:author>
    <itunes:owner><itunes:name>${e(c.author)}</itunes:name></itunes:owner>
    <itunes:image href="${e(c.imageUrl)}"/>
    <itunes:category text="Religion &amp; Spirituality"/>
    <itunes:explicit>false</itunes:explicit>
    <itunes:type>episodic</itunes:type>
${entries}  </channel>
</rss>
`;
}

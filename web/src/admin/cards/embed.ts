/**
 * The iframe a church pastes into its own website: the player alone (/embed), as wide as its column and
 * 16:9 tall (aspect-ratio, so a phone gets no black bars), fullscreen allowed.
 */
export function embedSnippet(origin: string, title = 'Transmisión en vivo'): string {
  const safeTitle = title.replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c]!);
  return `<iframe src="${origin}/embed" title="${safeTitle}" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen style="display:block;width:100%;max-width:100%;height:auto;aspect-ratio:16/9;border:0"></iframe>`;
}

/** The iframe a church pastes into its own website: the player alone (/embed), 16:9, fullscreen allowed. */
export function embedSnippet(origin: string): string {
  return `<iframe src="${origin}/embed" width="560" height="315" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen style="border:0"></iframe>`;
}

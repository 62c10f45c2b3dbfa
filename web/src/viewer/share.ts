import { copyText } from '../common/clipboard';

export type ShareOutcome = 'shared' | 'copied' | 'cancelled' | 'failed';

/** The phone's share sheet where there is one; otherwise the link goes to the clipboard. */
export async function shareLink(data: { title: string; text: string; url: string }): Promise<ShareOutcome> {
  if (typeof navigator.share === 'function') {
    try {
      await navigator.share(data);
      return 'shared';
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return 'cancelled';
      // Share refused (e.g. not allowed in this frame): fall through to copying.
    }
  }
  return (await copyText(data.url)) ? 'copied' : 'failed';
}

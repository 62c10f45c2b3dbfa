import type { Messages } from '../i18n/es';

/** The reader-facing sentence for a chat error code; unknown codes show what the server said. */
export function chatErrorText(code: string, serverMessage: string, t: Messages): string {
  const known = (t.chatErrors as Record<string, string | undefined>)[code];
  return known ?? (serverMessage || t.chatErrors.internal);
}

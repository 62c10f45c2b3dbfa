import type { Lang } from '../../i18n/catalogue';
import type { Messages } from '../../i18n/es';
import { ApiError, localMessage } from './api';

/** What to tell the person when a call fails: the server's own words when it gave any. */
export function errorText(err: unknown, t: Messages, lang: Lang): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t.admin.networkError;
    if (err.message) return localMessage(err.message, lang);
  }
  return t.admin.genericError;
}

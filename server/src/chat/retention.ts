import type { Logger } from '../log/logger.js';
import type { ChatService } from './chat-service.js';

/** Deletes chat older than `days`, now and every hour; returns the function that stops it. */
export function scheduleChatPurge(chat: ChatService, days: number, logger: Logger): () => void {
  const purge = () =>
    chat.purgeOlderThan(days).then(
      (n) => n > 0 && logger.info({ event: 'chat_purged', count: n }, 'old chat messages deleted'),
      (err: Error) => logger.warn({ event: 'chat_purge_failed', err: err.message }, 'chat purge failed'),
    );
  void purge();
  const timer = setInterval(() => void purge(), 3600_000);
  timer.unref();
  return () => clearInterval(timer);
}

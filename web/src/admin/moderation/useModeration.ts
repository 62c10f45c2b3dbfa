import { useCallback, useEffect, useReducer, useState } from 'react';
import type { LiveSocket } from '../../api/live-socket';
import type { AdminClient } from '../api/api';
import { initialModeration, moderationReducer } from './moderation-state';

/**
 * The chat as moderators see it: loaded from the admin API, then kept current by the socket. Every time the
 * socket (re)connects it sends `history`; that is the moment to reload, so nothing missed while offline stays
 * missing.
 */
export function useModeration(client: AdminClient, socket: LiveSocket) {
  const [state, dispatch] = useReducer(moderationReducer, initialModeration);
  const [loadError, setLoadError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    try {
      const r = await client.chatMessages();
      dispatch({ type: 'loaded', messages: r.messages, pinned: r.pinned });
      setLoadError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, [client]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(
    () =>
      socket.onMessage((message) => {
        if (message.type === 'history') void reload();
        else dispatch({ type: 'server', message });
      }),
    [socket, reload],
  );

  return { state, dispatch, loadError };
}

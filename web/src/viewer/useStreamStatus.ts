import { useEffect, useState } from 'react';
import type { LiveSocket } from '../api/live-socket';
import { fetchStatus, type StreamStatus } from '../api/status';

/**
 * The stream's status: fetched once at start (so the page is right before the socket connects), then kept
 * current by the socket's `status` and `viewers` messages. null until the first answer.
 */
export function useStreamStatus(socket: LiveSocket): StreamStatus | null {
  const [status, setStatus] = useState<StreamStatus | null>(null);

  useEffect(() => {
    let pushed = false;
    const off = socket.onMessage((m) => {
      if (m.type === 'status') {
        pushed = true;
        const { type: _type, ...next } = m;
        setStatus(next);
      } else if (m.type === 'viewers') {
        setStatus((s) => (s ? { ...s, viewers: m.count } : s));
      }
    });
    const abort = new AbortController();
    fetchStatus(abort.signal)
      .then((s) => {
        // The socket's answer is newer than a slow fetch; never overwrite it.
        if (s && !pushed) setStatus(s);
      })
      .catch(() => {});
    return () => {
      off();
      abort.abort();
    };
  }, [socket]);

  return status;
}

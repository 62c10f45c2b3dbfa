import { useEffect, useState } from 'react';
import type { LiveSocket } from '../../api/live-socket';
import type { StreamState } from '../../api/status';
import type { Overview } from '../api/types';

/**
 * The stream state and audience for the header: from each overview poll, and in between straight from the
 * socket's `status` and `viewers` messages, whichever came last.
 */
export function useLiveFigures(overview: Overview | null, socket: LiveSocket): { state: StreamState | null; viewers: number | null } {
  const [state, setState] = useState<StreamState | null>(null);
  const [viewers, setViewers] = useState<number | null>(null);

  useEffect(() => {
    if (!overview) return;
    setState(overview.status.state);
    setViewers(overview.viewers);
  }, [overview]);

  useEffect(
    () =>
      socket.onMessage((m) => {
        if (m.type === 'status') setState(m.state);
        else if (m.type === 'viewers') setViewers(m.count);
      }),
    [socket],
  );

  return { state, viewers };
}

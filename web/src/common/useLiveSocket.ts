import { useEffect, useState } from 'react';
import { LiveSocket, socketUrl, type SocketState } from '../api/live-socket';

/** The page's websocket, opened on mount and closed on unmount. */
export function useLiveSocket(): [LiveSocket, SocketState] {
  const [socket] = useState(() => new LiveSocket({ url: socketUrl(location) }));
  const [state, setState] = useState<SocketState>(socket.state);
  useEffect(() => {
    const off = socket.onState(setState);
    socket.start();
    return () => {
      off();
      socket.stop();
    };
  }, [socket]);
  return [socket, state];
}

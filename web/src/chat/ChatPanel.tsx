import type { LiveSocket, SocketState } from '../api/live-socket';
import { ChatView } from './ChatView';
import { useChat } from './useChat';

/** The live chat beside (wide screens) or below (phones) the player. */
export function ChatPanel({ socket, socketState, timeZone }: { socket: LiveSocket; socketState: SocketState; timeZone: string }) {
  const chat = useChat(socket, socketState);
  return (
    <ChatView
      state={chat.state}
      nick={chat.nick}
      lastNick={chat.lastNick}
      nickError={chat.nickError}
      connected={chat.connected}
      timeZone={timeZone}
      onNick={chat.setNick}
      onSend={chat.send}
      onDismissError={chat.dismissError}
    />
  );
}

import { useCallback, useEffect, useReducer, useState } from 'react';
import type { LiveSocket, SocketState } from '../api/live-socket';
import { readSetting, SETTING, writeSetting } from '../common/storage';
import { chatReducer, initialChatState, isNickError } from './chat-state';

const OWN_IDS_KEPT = 100;

function rememberedOwnIds(): string[] {
  try {
    const v: unknown = JSON.parse(readSetting(SETTING.ownMessages) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** A fresh id for one outgoing message (randomUUID needs HTTPS, which a church's LAN test may not have). */
export function newClientId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function' && globalThis.isSecureContext) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** The chat over the page's socket: says hello with the nickname on every (re)connection, sends, tracks state. */
export function useChat(socket: LiveSocket, socketState: SocketState) {
  const [state, dispatch] = useReducer(chatReducer, undefined, () => initialChatState(rememberedOwnIds()));
  const [nick, setNickState] = useState<string | null>(() => readSetting(SETTING.nick));
  const [nickError, setNickError] = useState<string | null>(null);
  /** The name to offer again when the reader changes it or the server refuses it. */
  const [lastNick, setLastNick] = useState<string>(() => readSetting(SETTING.nick) ?? '');

  useEffect(
    () =>
      socket.onMessage((message) => {
        if (message.type === 'error' && isNickError(message.code)) {
          setNickError(message.code);
          setNickState(null);
          writeSetting(SETTING.nick, null);
          return;
        }
        dispatch({ type: 'server', message });
      }),
    [socket],
  );

  useEffect(() => {
    if (socketState === 'open' && nick) socket.send({ type: 'hello', nick });
  }, [socket, socketState, nick]);

  useEffect(() => {
    writeSetting(SETTING.ownMessages, JSON.stringify([...state.ownIds].slice(-OWN_IDS_KEPT)));
  }, [state.ownIds]);

  const setNick = useCallback((value: string | null) => {
    setNickError(null);
    if (value) setLastNick(value);
    setNickState(value);
    writeSetting(SETTING.nick, value);
  }, []);

  const send = useCallback(
    (text: string): boolean => {
      const clientId = newClientId();
      if (!socket.send({ type: 'chat', text, clientId })) return false;
      dispatch({ type: 'sent', clientId, text, at: Date.now() });
      return true;
    },
    [socket],
  );

  const dismissError = useCallback((seq: number) => dispatch({ type: 'dismiss-error', seq }), []);

  return { state, nick, lastNick, nickError, setNick, send, dismissError, connected: socketState === 'open' };
}

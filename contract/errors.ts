/**
 * Error codes a client can receive. Chat refusals carry one of `ChatErrorCode` (the server's
 * chat/errors.ts holds their Spanish and English texts); the socket itself adds `SocketErrorCode`.
 */
export type ChatErrorCode =
  | 'nick_invalid'
  | 'nick_reserved'
  | 'no_nick'
  | 'empty'
  | 'too_long'
  | 'rate_limited'
  | 'slow_mode'
  | 'duplicate'
  | 'link_not_allowed'
  | 'word_filtered'
  | 'banned'
  | 'timed_out'
  | 'too_many_connections';

/** Refusals from the socket layer (gateway.ts), before any chat rule runs. */
export type SocketErrorCode = 'read_only' | 'bad_json' | 'bad_message' | 'unknown_type' | 'invalid' | 'internal';

export type WsErrorCode = ChatErrorCode | SocketErrorCode;

/** An HTTP error answer: `{error, message}`, the message "es / en". */
export interface ApiError {
  error: string;
  message: string;
}

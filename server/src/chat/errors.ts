import type { ChatErrorCode } from '../../../contract/errors.js';

export type { ChatErrorCode };

/** Every chat error a client can receive, in Spanish first and English. `{name}` is filled in. */
export const CHAT_ERRORS = {
  nick_invalid: { es: 'El nombre debe tener entre {min} y {max} caracteres', en: 'The name must be {min} to {max} characters' },
  nick_reserved: { es: 'Ese nombre está reservado para los moderadores', en: 'That name is reserved for moderators' },
  no_nick: { es: 'Elija un nombre antes de escribir', en: 'Choose a name before writing' },
  empty: { es: 'El mensaje está vacío', en: 'The message is empty' },
  too_long: { es: 'El mensaje es demasiado largo (máximo {max} caracteres)', en: 'The message is too long (at most {max} characters)' },
  rate_limited: { es: 'Está escribiendo muy rápido; espere {seconds} s', en: 'You are writing too fast; wait {seconds} s' },
  slow_mode: { es: 'Modo lento: espere {seconds} s entre mensajes', en: 'Slow mode: wait {seconds} s between messages' },
  duplicate: { es: 'Ya envió ese mismo mensaje', en: 'You already sent that message' },
  link_not_allowed: { es: 'Solo los moderadores pueden enviar enlaces', en: 'Only moderators may post links' },
  word_filtered: { es: 'El mensaje contiene palabras no permitidas', en: 'The message contains words that are not allowed' },
  banned: { es: 'No puede escribir en este chat', en: 'You may not write in this chat' },
  timed_out: { es: 'No puede escribir durante {minutes} min', en: 'You may not write for {minutes} min' },
  too_many_connections: { es: 'Demasiadas conexiones desde su red', en: 'Too many connections from your network' },
} as const satisfies Record<ChatErrorCode, { es: string; en: string }>;

export type ChatResult<T> = { ok: true; value: T } | { ok: false; code: ChatErrorCode; message: string; retryAfterSec?: number };

/** A refusal in both languages, "es / en", with its `{name}` placeholders filled in. */
export const fail = <T>(code: ChatErrorCode, vars: Record<string, string | number> = {}): ChatResult<T> => {
  const template = CHAT_ERRORS[code];
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
  return { ok: false, code, message: `${fill(template.es)} / ${fill(template.en)}`, ...(vars.seconds !== undefined ? { retryAfterSec: Number(vars.seconds) } : {}) };
};

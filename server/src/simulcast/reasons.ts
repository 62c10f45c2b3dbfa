/** Why a destination is not receiving, as the admin shows it. */
export type FailureCode = 'key_rejected' | 'connect_failed' | 'dns' | 'tls' | 'timeout' | 'closed_by_peer' | 'source_unavailable' | 'unknown';

export const REASONS: Record<FailureCode, { es: string; en: string }> = {
  key_rejected: { es: 'La clave fue rechazada por el destino', en: 'The destination refused the stream key' },
  connect_failed: { es: 'No se pudo conectar', en: 'Could not connect' },
  dns: { es: 'No se encontró el servidor (DNS)', en: 'Server name not found (DNS)' },
  tls: { es: 'Error de TLS (conexión segura)', en: 'TLS error (secure connection)' },
  timeout: { es: 'El destino no respondió a tiempo', en: 'The destination timed out' },
  closed_by_peer: { es: 'El destino cerró la conexión', en: 'The destination closed the connection' },
  source_unavailable: { es: 'Esperando nuestra señal', en: 'Waiting for our own stream' },
  unknown: { es: 'La copia se detuvo', en: 'The copy stopped' },
};

export function reasonText(code: FailureCode): string {
  const r = REASONS[code];
  return `${r.es} / ${r.en}`;
}

/**
 * Classifies the end of one ffmpeg run from its stderr lines (already redacted). `sourceUrl` tells our own
 * input's errors apart from the destination's; `sentBytes` says whether the destination had accepted the
 * publish: a connection that opened and then dropped before any byte is a refusal (nginx-rtmp's on_publish
 * 403, YouTube and Facebook with a wrong key all just close it), after bytes the far side closed.
 */
export function classifyFailure(lines: readonly string[], sourceUrl: string, sentBytes: number): FailureCode {
  const text = lines.join('\n');
  const ours = lines.filter((l) => l.includes(sourceUrl)).join('\n');
  if (ours && !/Error opening output|Could not write header/i.test(text)) return 'source_unavailable';
  if (/Failed to resolve hostname|Name or service not known|Temporary failure in name resolution|No address associated|nodename nor servname/i.test(text)) return 'dns';
  if (/\b(tls|ssl|gnutls|openssl|certificate|handshake)\b/i.test(text) && !/Connection refused/i.test(text)) return 'tls';
  if (/Connection refused|No route to host|Network is unreachable|Cannot assign requested address/i.test(text)) return 'connect_failed';
  if (/timed out|Operation timed out|ETIMEDOUT/i.test(text)) return 'timeout';
  if (/BadName|Unauthorized|Forbidden|\b403\b|authentication|not authorized|Invalid stream key|NetStream\.Publish\.(Denied|Rejected)/i.test(text)) return 'key_rejected';
  if (sentBytes === 0 && /Broken pipe|Connection reset|End of file|Input\/output error|Error opening output|Could not write header|Server error/i.test(text)) return 'key_rejected';
  if (/Broken pipe|Connection reset|End of file|Input\/output error|Error writing trailer|av_interleaved_write_frame|Server error/i.test(text)) return 'closed_by_peer';
  return 'unknown';
}

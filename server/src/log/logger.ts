import { pino, type DestinationStream, type Logger } from 'pino';
import type { Redactor } from './redactor.js';

export type { Logger };

/** JSON lines, one per event; every line passes through the redactor before it is written. */
export function createLogger(level: string, redactor: Redactor, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'casadelpadre' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['key', 'streamKey', 'password', '*.key', '*.password', 'req.headers.cookie', 'req.headers.authorization'], censor: '[REDACTED]' },
      hooks: { streamWrite: (line) => redactor.redact(line) },
    },
    destination ?? pino.destination(1),
  );
}

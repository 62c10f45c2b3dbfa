import type { FastifyInstance } from 'fastify';
import type { SimulcastDestination } from '../../../contract/admin.js';
import type { Registry } from 'prom-client';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';
import type { StreamStateName } from '../stream/state-machine.js';
import type { SourceFacts } from './advice.js';
import type { DestinationConfig } from './destinations.js';

// The simulcast's shared shapes, in their own file so the admin routes (routes.ts) and the service
// (simulcast.ts) both import them without importing each other.

export interface SimulcastDeps {
  dataDir: string;
  /** The config file's `simulcast` list: seeds the stored list on the first start. */
  initial: readonly DestinationConfig[];
  ffmpeg: string;
  rtmpPort: number;
  /** The source rendition's stream name in the internal HLS application. */
  streamName: string;
  logger: Logger;
  redactor: Redactor;
  /** What the ingest measures of our source, for the platforms' advice. */
  source(): SourceFacts;
  /** The /metrics registry, to add the per-destination series to. */
  registry?: Registry;
  /** Backoff of a failing destination (tests shorten it). */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
}

/** A destination as the admin API shows it (contract/admin.ts): never its key, only the key's masked tail. */
export type DestinationView = SimulcastDestination;

export interface Simulcast {
  /** For AdminDeps.extensions: /simulcast under the guarded admin plugin. */
  adminRoutes(admin: FastifyInstance): void;
  /** Feed it every stream state change (platform's stream.onChange). */
  onStreamChange(state: StreamStateName): void;
  list(): DestinationView[];
  stop(): Promise<void>;
}

import { createMetrics, type Metrics } from '../metrics/metrics.js';
import type { NginxInstances } from '../nginx/instances.js';
import type { Ladder } from '../transcode/ladder.js';
import type { ChatSide } from './chat-side.js';
import type { StreamView } from './stream-side.js';

/** The Prometheus registry, reading the live parts at scrape time. */
export function buildMetrics(o: { chatSide: ChatSide; pipeline: StreamView; nginx: NginxInstances; ladder: Ladder; token: string | undefined; web: boolean }): Metrics {
  const { chatSide: c, pipeline, nginx } = o;
  return createMetrics(
    {
      status: () => pipeline.status(),
      health: () => pipeline.health(),
      viewers: () => c.viewerCount.count,
      peak: () => c.viewerCount.peak,
      wsConnections: () => ({ v2: c.gateway.count(), legacy: c.legacyGateway.count() }),
      // A web instance (ROLE=web) supervises no media nginx: it reports only its own.
      nginxUp: (): Record<string, boolean> => (o.web ? { web: nginx.web.up() } : { media: nginx.media.up(), web: nginx.web.up() }),
      chat: () => c.chat.counts,
      renditionIds: o.ladder.all.map((r) => r.id),
    },
    { token: o.token },
  );
}

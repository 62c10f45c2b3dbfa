import { createArchive } from '../archive/archive.js';
import { AUDIO_KBPS } from '../archive/commands.js';
import type { ResolvedConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import type { Redactor } from '../log/redactor.js';
import type { Metrics } from '../metrics/metrics.js';
import type { LivePipeline } from '../observe/live-pipeline.js';
import { createSimulcast } from '../simulcast/simulcast.js';
import type { Db } from '../storage/database.js';
import type { SiteSettings } from '../storage/site-settings.js';
import type { LiveStream } from '../stream/live-stream.js';
import type { StreamEvents } from '../stream/stream-events.js';
import type { Ladder } from '../transcode/ladder.js';

export interface ReachOptions {
  config: ResolvedConfig;
  ladder: Ladder;
  logger: Logger;
  redactor: Redactor;
  db: Db;
  site: SiteSettings;
  pipeline: LivePipeline;
  metrics: Metrics;
  stream: LiveStream;
  events: StreamEvents;
}

/**
 * What reaches past the live page: each enabled simulcast destination gets a copy of the source while the
 * stream is on (starting to offline), and every broadcast is recorded (copy, no re-encode), finalised and
 * published when it ends. Both follow the stream's state.
 */
export function buildReach(o: ReachOptions) {
  const { config, ladder, logger, redactor } = o;
  const simulcast = createSimulcast({
    dataDir: config.dataDir,
    initial: config.simulcast,
    ffmpeg: config.binaries.ffmpeg,
    rtmpPort: config.rtmpPort,
    streamName: ladder.source.streamName,
    logger,
    redactor,
    source: () => o.pipeline.health(),
    registry: o.metrics.registry,
  });
  o.stream.onChange((s) => simulcast.onStreamChange(s.state));
  const archive = createArchive({
    config: config.archive,
    dataDir: config.dataDir,
    rtmpPort: config.rtmpPort,
    streamName: ladder.name,
    tools: { ffmpeg: config.binaries.ffmpeg, ffprobe: config.binaries.ffprobe },
    publicUrl: config.publicUrl,
    webRoot: config.webRoot,
    db: o.db,
    logger,
    redactor,
    site: () => o.site.get(),
    graceMs: config.graceSeconds * 1000,
    listening: listeningRendition(o),
  });
  o.stream.onChange((s) => archive.onStreamChange(s, o.events.sessionId()));
  return { simulcast, archive };
}

/**
 * The ladder's audio-only rendition, when it fits the listening file (AAC ≤ 96 kbps): the recorder copies it
 * as the listening track. Without one (no ladder, no audio rung, a richer one) the audio file is encoded
 * when the recording is finalised.
 */
function listeningRendition(o: ReachOptions) {
  const rung = o.ladder.rungs.find((r) => r.audioOnly && (r.audioKbps ?? Infinity) <= AUDIO_KBPS);
  return rung ? { stream: rung.streamName, sourceHasAudio: () => o.pipeline.sourceHasAudio() } : undefined;
}

import path from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import type { Logger } from '../log/logger.js';
import { LivePipeline } from '../observe/live-pipeline.js';
import { MediaObserver } from '../observe/observer.js';
import { LiveStream } from '../stream/live-stream.js';
import type { Ladder } from '../transcode/ladder.js';
import { ladderProcess } from '../transcode/ladder-process.js';
import type { DataPaths } from './data-paths.js';

export interface MediaSideOptions {
  config: ResolvedConfig;
  paths: DataPaths;
  ladder: Ladder;
  logger: Logger;
  viewers(): number;
  /** The renditions changed while live (the status is sent again). */
  onRenditionsChange(): void;
  /** The HLS timing running now (the low-delay mode's). */
  timing(): { lowDelay: boolean; fragmentSeconds: number };
}

/**
 * The media side: the stream's state (pure), the ladder's supervised ffmpeg, what nginx shows (/stat and
 * the playlists on disk) and the pipeline that turns those into "live".
 */
export function buildMediaSide(o: MediaSideOptions): { stream: LiveStream; pipeline: LivePipeline } {
  const { config, paths: p, ladder, logger } = o;
  const stream = new LiveStream({ renditions: ladder.all.map((r) => r.id), graceMs: config.graceSeconds * 1000 }, Date.now());
  const transcoder = ladderProcess({
    enabled: config.transcoder.enabled,
    ffmpeg: config.binaries.ffmpeg,
    pidFile: path.join(config.dataDir, 'transcoder.pid'),
    rtmpPort: config.rtmpPort,
    logger: logger.child({ component: 'transcoder', stream: ladder.name }),
  });
  const observer = new MediaObserver({ statUrl: `http://127.0.0.1:${config.nginxStatPort}/stat`, hlsDir: p.hlsDir, ladder, fragmentSeconds: config.hls.fragmentSeconds });
  const pipeline = new LivePipeline({
    ladder,
    stream,
    observer,
    transcoder,
    logger,
    masterDir: p.masterDir,
    rtmpPort: config.rtmpPort,
    fragmentSeconds: config.hls.fragmentSeconds,
    preset: config.transcoder.preset,
    threads: config.transcoder.threads,
    ffmpeg: config.binaries.ffmpeg,
    ffprobe: config.binaries.ffprobe,
    viewers: o.viewers,
    onRenditionsChange: o.onRenditionsChange,
    storageDir: p.hlsDir,
    gopSeconds: () => o.timing().fragmentSeconds,
    lowDelay: () => o.timing().lowDelay,
  });
  return { stream, pipeline };
}

import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import { commandLine, isAlive } from '../process/processes.js';
import { Transcoder } from './transcoder.js';

export interface LadderProcessOptions {
  enabled: boolean;
  ffmpeg: string;
  /** DATA_DIR/transcoder.pid: how a restarted service finds the ladder a killed one left running. */
  pidFile: string;
  rtmpPort: number;
  logger: Logger;
}

/**
 * The ladder's supervised ffmpeg (or none when transcoding is off). A ladder left running by a killed
 * service keeps serving the rungs: it is adopted (no gap for viewers), or ended if this start has no
 * transcoder.
 */
export function ladderProcess(o: LadderProcessOptions): Transcoder | null {
  const transcoder = o.enabled
    ? new Transcoder({
        ffmpeg: o.ffmpeg,
        logger: o.logger,
        onPid: (pid) => (pid ? writeFileSync(o.pidFile, String(pid)) : rmSync(o.pidFile, { force: true })),
      })
    : null;
  const orphan = orphanTranscoder(o.pidFile, o.rtmpPort);
  if (orphan !== undefined) {
    if (transcoder) transcoder.adopt(orphan);
    else {
      process.kill(orphan, 'SIGKILL');
      o.logger.warn({ event: 'transcoder_orphan_killed', pid: orphan }, 'ended a transcoder left by a previous start');
    }
  }
  return transcoder;
}

/** The pid of a ladder ffmpeg a previous start left running (publishing into our hls application), if any. */
function orphanTranscoder(pidFile: string, rtmpPort: number): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  const cmd = pid > 1 ? commandLine(pid)?.join(' ') : undefined;
  if (cmd && isAlive(pid) && cmd.includes('ffmpeg') && cmd.includes(`rtmp://127.0.0.1:${rtmpPort}/hls/`)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

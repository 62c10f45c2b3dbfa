import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * The publisher's keyframe interval from the keyframe times inside one segment. nginx-rtmp cuts segments
 * only at keyframes, so a segment holding a single keyframe means the interval is (at least) the segment's
 * length: that is how a too-long OBS keyframe setting shows up.
 */
export function keyframeInterval(keyframeTimes: number[], segmentDuration: number): number | undefined {
  const times = [...keyframeTimes].filter(Number.isFinite).sort((a, b) => a - b);
  if (times.length >= 2) {
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    gaps.sort((a, b) => a - b);
    return round2(gaps[Math.floor(gaps.length / 2)]!);
  }
  if (times.length === 1 && segmentDuration > 0) return round2(segmentDuration);
  return undefined;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Keyframe presentation times (seconds) of the first video stream of a media file, via ffprobe. */
export async function probeKeyframeTimes(ffprobe: string, file: string): Promise<number[]> {
  const { stdout } = await execFileAsync(
    ffprobe,
    ['-v', 'error', '-select_streams', 'v:0', '-skip_frame', 'nokey', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file],
    { timeout: 10_000 },
  );
  return stdout
    .split('\n')
    .map((l) => Number.parseFloat(l))
    .filter(Number.isFinite);
}

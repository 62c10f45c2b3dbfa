/** Health figures of the transcoder, from ffmpeg's `-progress` output. */
export interface TranscoderProgress {
  fps: number;
  /** Encoding speed relative to real time; below 1.0 the ladder falls behind. */
  speed: number;
  frame: number;
  outTimeMs: number;
  dupFrames: number;
  dropFrames: number;
}

/**
 * Accumulates `key=value` lines; returns a complete report at each `progress=` line, else null.
 */
export class ProgressParser {
  private fields = new Map<string, string>();

  push(line: string): TranscoderProgress | null {
    const eq = line.indexOf('=');
    if (eq <= 0) return null;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key !== 'progress') {
      this.fields.set(key, value);
      return null;
    }
    const f = this.fields;
    this.fields = new Map();
    const n = (k: string) => {
      const v = Number.parseFloat(f.get(k) ?? '');
      return Number.isFinite(v) ? v : 0;
    };
    return {
      fps: n('fps'),
      speed: n('speed'),
      frame: n('frame'),
      outTimeMs: Math.round((n('out_time_us') || n('out_time_ms')) / 1000),
      dupFrames: n('dup_frames'),
      dropFrames: n('drop_frames'),
    };
  }
}

import type { DelaySettings } from '../../../contract/admin.js';
import type { Logger } from '../log/logger.js';
import type { DelayRecord } from '../storage/delay-setting.js';

/** The HLS timing one mode runs with. */
export interface HlsTiming {
  lowDelay: boolean;
  fragmentSeconds: number;
  playlistSeconds: number;
}

/** Low delay: 1 s fragments (and ladder keyframes); the playlist keeps as many fragments, so it is shorter. */
export function hlsTiming(lowDelay: boolean, base: { fragmentSeconds: number; playlistFragments: number }): HlsTiming {
  const fragmentSeconds = lowDelay ? 1 : base.fragmentSeconds;
  return { lowDelay, fragmentSeconds, playlistSeconds: fragmentSeconds * base.playlistFragments };
}

export interface DelayModeOptions {
  store: { get(): DelayRecord; set(r: DelayRecord): void };
  base: { fragmentSeconds: number; playlistFragments: number };
  /** Whether the stream is offline now (the only time the media nginx may be reloaded). */
  offline(): boolean;
  /** Rewrites the media nginx's configuration with this timing and reloads it. */
  apply(t: HlsTiming): Promise<void>;
  logger: Logger;
}

/**
 * The low-delay mode: the admin's choice is stored at once; the media side (nginx's hls_fragment, the
 * ladder's keyframes) changes only while offline, since reloading the media nginx during a broadcast would
 * lose the stream. A change made while live waits for the end of the broadcast.
 */
export class DelayMode {
  private record: DelayRecord;
  private applying: Promise<void> | null = null;

  constructor(private readonly o: DelayModeOptions) {
    this.record = o.store.get();
  }

  /** The timing the media side runs now (the nginx configuration is rendered with it at start). */
  get timing(): HlsTiming {
    return hlsTiming(this.record.applied, this.o.base);
  }

  view(): DelaySettings {
    return { lowDelay: this.record.lowDelay, applied: this.record.applied, pending: this.record.lowDelay !== this.record.applied, fragmentSeconds: this.timing.fragmentSeconds };
  }

  async set(lowDelay: boolean): Promise<DelaySettings> {
    this.record = { ...this.record, lowDelay };
    this.o.store.set(this.record);
    this.o.logger.info({ event: 'delay_mode_chosen', lowDelay, applied: this.record.applied }, 'low-delay mode chosen');
    if (this.o.offline()) await this.applyPending();
    return this.view();
  }

  /** The stream went offline: a change chosen during the broadcast takes effect now. */
  async applyPending(): Promise<void> {
    while (this.applying) await this.applying;
    if (this.record.lowDelay === this.record.applied || !this.o.offline()) return;
    const next = { ...this.record, applied: this.record.lowDelay };
    this.applying = this.o
      .apply(hlsTiming(next.applied, this.o.base))
      .then(() => {
        this.record = next;
        this.o.store.set(next);
        this.o.logger.info({ event: 'delay_mode_applied', lowDelay: next.applied }, 'low-delay mode applied to the media side');
      })
      .catch((err: Error) => this.o.logger.error({ event: 'delay_mode_apply_failed', err: err.message }, 'could not apply the low-delay mode'))
      .finally(() => {
        this.applying = null;
      });
    await this.applying;
  }
}

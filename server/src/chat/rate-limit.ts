/** A token bucket: `rate` tokens per second, up to `burst`. Pure: the caller passes the time. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes a token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Seconds until a token is available. */
  waitSeconds(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.rate);
  }

  /** Full again, nothing to remember: the bucket can be forgotten. */
  idle(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  // A time earlier than the last one (frames stamped on arrival, handled out of order) refills nothing
  // and never moves the clock back, so no interval is credited twice.
  private refill(now: number): void {
    if (now <= this.last) return;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}

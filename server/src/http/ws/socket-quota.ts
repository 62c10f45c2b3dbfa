/**
 * Open sockets per address, counted across every websocket endpoint (/ws and /v1/websocket share one),
 * so the cap the README states is the cap an address meets. Checked on every connect: a counter, not a scan.
 */
export class SocketQuota {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerAddress: number) {}

  /** Counts a new socket from this address; false (and nothing counted) when it already holds the most. */
  acquire(address: string): boolean {
    const n = this.open.get(address) ?? 0;
    if (n >= this.maxPerAddress) return false;
    this.open.set(address, n + 1);
    return true;
  }

  release(address: string): void {
    const left = (this.open.get(address) ?? 1) - 1;
    if (left > 0) this.open.set(address, left);
    else this.open.delete(address);
  }

  held(address: string): number {
    return this.open.get(address) ?? 0;
  }
}

import type { ChatBus, ChatEvent, Presence } from './chat-bus.js';

/** The single-machine bus: in-process, synchronous fan-out. */
export class MemoryBus implements ChatBus {
  private readonly handlers = new Set<(e: ChatEvent) => void>();

  async publish(event: ChatEvent): Promise<void> {
    for (const h of this.handlers) h(event);
  }

  subscribe(handler: (e: ChatEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

export class MemoryPresence implements Presence {
  private readonly seen = new Map<string, number>();

  async report(sessionIds: string[], nowMs: number): Promise<void> {
    for (const id of sessionIds) this.seen.set(id, nowMs);
  }

  async forget(sessionIds: string[]): Promise<void> {
    for (const id of sessionIds) this.seen.delete(id);
  }

  async count(nowMs: number, windowMs: number): Promise<number> {
    let n = 0;
    for (const [id, at] of this.seen) {
      if (nowMs - at <= windowMs) n += 1;
      else this.seen.delete(id);
    }
    return n;
  }

  async close(): Promise<void> {
    this.seen.clear();
  }
}

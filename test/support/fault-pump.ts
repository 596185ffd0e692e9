import type net from 'node:net';

/** The faults of one direction of a proxied link; none set forwards the bytes as they come. */
export interface Faults {
  /** Added to every chunk's delivery, plus a uniform random 0..jitterMs. */
  latencyMs?: number;
  jitterMs?: number;
  /** Accepts and swallows every byte: the peer never hears (a partition that does not refuse). */
  blackhole?: boolean;
  /** Resets both sockets once this many bytes have gone this way on one connection. */
  resetAfterBytes?: number;
  /** At most this many bytes per second, in slices of a tenth of it. */
  bytesPerSecond?: number;
}

/** Chunks waiting beyond this pause the source (TCP back-pressure, memory bounded). */
const HIGH_WATER = 16;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Moves one direction of a connection through its current faults, in order: each chunk is due at
 * its arrival plus the latency, then trickles out at the bandwidth. The faults are read as each
 * chunk moves, so switching them applies to the traffic already in flight.
 */
export class FaultPump {
  private readonly queue: Array<{ chunk: Buffer; dueAt: number }> = [];
  private sent = 0;
  private running = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly faults: () => Faults,
    private readonly reset: () => void,
  ) {
    from.on('data', (chunk: Buffer) => this.arrived(chunk));
    from.on('end', () => this.enqueueEnd());
  }

  /** The faults changed: a sleeping chunk re-reads them. */
  changed(): void {
    this.wake?.();
  }

  private arrived(chunk: Buffer): void {
    const { latencyMs = 0, jitterMs = 0 } = this.faults();
    this.queue.push({ chunk, dueAt: Date.now() + latencyMs + Math.random() * jitterMs });
    if (this.queue.length > HIGH_WATER) this.from.pause();
    void this.run();
  }

  private ended = false;
  private enqueueEnd(): void {
    this.ended = true;
    void this.run();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.queue[0]; next; next = this.queue[0]) {
        await this.until(next.dueAt);
        if (this.to.destroyed) return;
        if (!this.faults().blackhole) await this.deliver(next.chunk);
        this.queue.shift();
        if (this.queue.length <= HIGH_WATER / 2) this.from.resume();
      }
      if (this.ended && !this.to.destroyed) this.to.end();
    } finally {
      this.running = false;
    }
  }

  /** Waits until `dueAt`, waking early when the faults change (healing a latency delivers sooner). */
  private async until(dueAt: number): Promise<void> {
    while (Date.now() < dueAt && (this.faults().latencyMs ?? 0) > 0) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, dueAt - Date.now());
      });
    }
  }

  private async deliver(chunk: Buffer): Promise<void> {
    for (let offset = 0; offset < chunk.length;) {
      const { resetAfterBytes, bytesPerSecond } = this.faults();
      const slice = bytesPerSecond ? Math.max(1, Math.floor(bytesPerSecond / 10)) : chunk.length;
      const room = resetAfterBytes === undefined ? slice : Math.min(slice, resetAfterBytes - this.sent);
      const part = chunk.subarray(offset, offset + Math.max(0, room));
      if (part.length > 0) this.to.write(part);
      this.sent += part.length;
      offset += part.length;
      if (resetAfterBytes !== undefined && this.sent >= resetAfterBytes) return this.reset();
      if (bytesPerSecond) await sleep((part.length / bytesPerSecond) * 1000);
    }
  }
}

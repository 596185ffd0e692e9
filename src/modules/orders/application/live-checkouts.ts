/**
 * Orders whose checkout request is still running in this process. The recovery leaves them to
 * their request however long it takes (below `maxAgeMs`), so within one process a slow checkout and
 * the recovery never drive the same order; across processes the lease alone decides.
 */
export class LiveCheckouts {
  private readonly startedAt = new Map<string, number>();

  constructor(private readonly maxAgeMs: number) {}

  async run<T>(orderId: string, work: () => Promise<T>): Promise<T> {
    this.startedAt.set(orderId, Date.now());
    try {
      return await work();
    } finally {
      this.startedAt.delete(orderId);
    }
  }

  /** True while the order's request runs here and is not older than any live request can be. */
  isLive(orderId: string): boolean {
    const started = this.startedAt.get(orderId);
    return started !== undefined && Date.now() - started < this.maxAgeMs;
  }
}

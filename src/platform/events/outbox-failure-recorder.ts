import type { Counter } from 'prom-client';
import type { EventEnvelope } from '../kernel/event.js';
import { EventDeliveryError } from './event-bus.js';
import { runInEventContext } from './event-context.js';
import { deadLetterCounter } from './event-metrics.js';
import type { ResolvedRelayOptions } from './outbox-relay-options.js';
import type { OutboxRow, RelayStatements } from './outbox-relay.sql.js';

const MAX_ERROR_LENGTH = 2000;

const errorText = (error: unknown): string => {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
};

/** The relay's side of a row that a consumer did not accept: its retry schedule, or its dead letter. */
export class OutboxFailureRecorder {
  private readonly deadLettered: Counter;

  constructor(
    private readonly options: ResolvedRelayOptions,
    private readonly statements: RelayStatements,
  ) {
    this.deadLettered = deadLetterCounter(options.metrics.registry);
  }

  /** Counts an attempt on each failed row and schedules its retry, or dead-letters it after the last one. */
  async record(token: string, failed: Array<{ row: OutboxRow; error: unknown }>): Promise<void> {
    const now = Date.now();
    const deadLetters: Array<{ row: OutboxRow; error: unknown; attempts: number }> = [];
    await this.options.db.sql.transaction(async (tx) => {
      for (const failure of failed) {
        const attempts = Number(failure.row.attempts) + 1;
        const dead = attempts >= this.options.maxAttempts;
        const retryInMs = this.retryDelay(attempts);
        const params = [
          attempts,
          errorText(failure.error),
          dead ? now : now + retryInMs,
          dead ? new Date(now).toISOString() : null,
          failure.row.seq,
          token,
        ];
        if ((await tx.query(this.statements.fail, params)).changes === 0) continue;
        if (dead) deadLetters.push({ ...failure, attempts });
        else
          this.logFailure(
            failure.row,
            'warn',
            { err: failure.error, attempt: attempts, retryInMs },
            'outbox event not accepted by every consumer; will retry',
          );
      }
    });
    for (const failure of deadLetters) {
      const modules = failure.error instanceof EventDeliveryError ? failure.error.modules : [this.options.module];
      for (const module of modules) this.deadLettered.inc({ module, event: failure.row.name });
      this.logFailure(
        failure.row,
        'error',
        { err: failure.error, attempt: failure.attempts, consumers: modules },
        'event dead-lettered: publishing failed on its last attempt (kept in the outbox with dead_lettered_at)',
      );
    }
  }

  private logFailure(row: OutboxRow, level: 'warn' | 'error', fields: Record<string, unknown>, message: string): void {
    let envelope: Partial<EventEnvelope> = {};
    try {
      envelope = JSON.parse(row.envelope) as EventEnvelope;
    } catch {
      // an unreadable envelope is logged without its trace context
    }
    runInEventContext(envelope, () =>
      this.options.logger[level](
        { ...fields, module: this.options.module, event: row.name, eventId: envelope.id, seq: row.seq },
        message,
      ),
    );
  }

  // Equal jitter: between half and all of base·2^(n-1), capped.
  private retryDelay(attempts: number): number {
    const cap = Math.min(this.options.retryBaseMs * 2 ** (attempts - 1), this.options.maxRetryDelayMs);
    return Math.round(cap / 2 + Math.random() * (cap / 2));
  }
}

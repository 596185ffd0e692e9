import { inSpan, isTracing, SpanKind } from './spans.js';

const VERB = /^\s*(\w+)/;
const TARGET = /\b(?:FROM|INTO|UPDATE|JOIN)\s+"?(\w+)/i;
/** Statements are fixed SQL, a few dozen per module: their summaries are computed once. */
const summaries = new Map<string, string>();

/** `SELECT products`, `UPDATE outbox`: what a statement does, and to which table. */
export function summaryOf(sql: string): string {
  let summary = summaries.get(sql);
  if (summary === undefined) {
    summary = [VERB.exec(sql)?.[1]?.toUpperCase(), TARGET.exec(sql)?.[1]].filter(Boolean).join(' ') || 'SQL';
    if (summaries.size < 1000) summaries.set(sql, summary);
  }
  return summary;
}

/**
 * Spans of one module's SQL runner: a statement run on its own is a span named by its summary; a
 * transaction is one span listing what it ran. Summaries rather than the SQL text keep exported
 * spans small (the text is fixed SQL, found in the code by its summary). Only inside a trace: the
 * relay's polls and the sweepers' queries start none of their own.
 */
export class SqlSpans {
  private readonly attributes: Record<string, string>;

  constructor(
    private readonly module: string,
    dialect: 'sqlite' | 'postgres',
  ) {
    this.attributes = { 'db.system.name': dialect === 'postgres' ? 'postgresql' : 'sqlite', 'db.namespace': module };
  }

  query<T>(sql: string, work: () => Promise<T>): Promise<T> {
    if (!isTracing()) return work();
    const summary = summaryOf(sql);
    const attributes = { ...this.attributes, 'db.query.summary': summary };
    return inSpan(summary, { kind: SpanKind.CLIENT, module: this.module, attributes }, work);
  }

  /** `work` calls `ran(sql)` for each statement, for the span's `db.query.summary`. */
  transaction<T>(work: (ran: (sql: string) => void) => Promise<T>): Promise<T> {
    if (!isTracing()) return work(() => undefined);
    const options = { kind: SpanKind.CLIENT, module: this.module, attributes: this.attributes };
    return inSpan('transaction', options, async (span) => {
      const statements: string[] = [];
      try {
        return await work((sql) => statements.push(summaryOf(sql)));
      } finally {
        span.setAttribute('db.query.summary', statements.join('; '));
      }
    });
  }
}

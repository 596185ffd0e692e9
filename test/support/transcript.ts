import type { ApiResponse } from './http.js';

/** One recorded exchange, with everything that differs between two runs of the same steps replaced by placeholders. */
export interface TranscriptEntry {
  step: string;
  status: number;
  /** The media type without parameters (`application/json`, `application/problem+json`), if any. */
  type?: string;
  /** The problem `code`, repeated here so a diff names it first. */
  code?: string;
  location?: string;
  replayed?: string;
  body: unknown;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/;
/** Members whose value is a run's own (random or opaque) whatever it looks like. */
const OPAQUE_MEMBERS: Record<string, string> = { traceId: '<traceId>', nextCursor: '<cursor>' };

/**
 * The normalised record of a run of HTTP steps. Ids become `<id:n>`, numbered by first appearance
 * over the whole transcript (so two runs match only if the same entities show up in the same places,
 * e.g. an order's `paymentId` is the payment read later); timestamps, tokens, cursors and trace ids
 * become fixed placeholders. Object members are visited in sorted order, so the numbering does not
 * depend on how a server happened to order the JSON keys.
 */
export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  private readonly ids = new Map<string, string>();

  record(step: string, response: ApiResponse): void {
    const type = response.headers.get('content-type')?.split(';')[0];
    const location = response.headers.get('location');
    const replayed = response.headers.get('idempotent-replayed');
    const body = this.normalise(response.body);
    this.entries.push({
      step,
      status: response.status,
      ...(type ? { type } : {}),
      ...(typeof response.body?.code === 'string' ? { code: response.body.code } : {}),
      ...(location ? { location: this.text(location) } : {}),
      ...(replayed ? { replayed } : {}),
      body,
    });
  }

  private normalise(value: unknown, member?: string): unknown {
    if (member && member in OPAQUE_MEMBERS && value !== null) return OPAQUE_MEMBERS[member];
    if (Array.isArray(value)) return value.map((item) => this.normalise(item));
    if (value && typeof value === 'object') {
      const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
      return Object.fromEntries(entries.map(([key, item]) => [key, this.normalise(item, key)]));
    }
    return typeof value === 'string' ? this.text(value) : value;
  }

  private text(value: string): string {
    if (TIMESTAMP.test(value)) return '<time>';
    if (JWT.test(value)) return '<jwt>';
    return value.replace(UUID, (id) => {
      const key = id.toLowerCase();
      if (!this.ids.has(key)) this.ids.set(key, `<id:${this.ids.size + 1}>`);
      return this.ids.get(key)!;
    });
  }
}

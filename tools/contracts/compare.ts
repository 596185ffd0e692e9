import { parseContractVersion } from '../../src/platform/kernel/contract.js';
import { differingFields, sameJson } from './json-schema.js';
import { openApiBreaks, type OpenApiDocument } from './openapi-diff.js';
import { schemaBreaks } from './schema-diff.js';
import type { ModuleSnapshot } from './snapshot.js';

/** What changed between a committed snapshot and the code, for one module or the public API. */
export interface Verdict {
  subject: string;
  /** Incompatible changes, one line each, naming the operation, event or path and the field. */
  breaks: string[];
  /** Whether anything differs from the snapshot at all (always, when none is committed yet). */
  changed: boolean;
  committed: boolean;
  from: string | null;
  to: string | null;
  /** The major was raised, so the breaks are allowed (callers of the old major need its instances). */
  majorRaised: boolean;
}

/** Passes when nothing incompatible changed, or the major was raised. */
export const passes = (verdict: Verdict): boolean => verdict.breaks.length === 0 || verdict.majorRaised;

const majorOf = (version: string | null) => (version ? parseContractVersion(version).major : 0);
const minorOf = (version: string | null) => (version ? parseContractVersion(version).minor : 0);
const wentBack = (from: string | null, to: string | null) =>
  majorOf(to) < majorOf(from) || (majorOf(to) === majorOf(from) && minorOf(to) < minorOf(from));

export function compareModule(before: ModuleSnapshot | undefined, after: ModuleSnapshot | undefined): Verdict {
  const subject = (before ?? after)!.module;
  const breaks: string[] = [];
  if (before && !after) breaks.push(`${subject}: the module's contract and events are gone`);
  if (before && after) {
    for (const [name, old] of Object.entries(before.operations)) {
      const now = after.operations[name];
      if (!now) breaks.push(`${subject} ${name}: operation removed`);
      else breaks.push(...operationBreaks(`${subject} ${name}`, old, now));
    }
    for (const code of before.errors.filter((code) => !after.errors.includes(code)))
      breaks.push(`${subject}: error code ${code} removed (callers that act on it would never see it again)`);
    breaks.push(...eventBreaks(subject, before.events, after.events));
    if (wentBack(before.version, after.version))
      breaks.push(`${subject}: version went back from ${before.version} to ${after.version}`);
  }
  return {
    subject,
    breaks,
    changed: !sameJson(before, after),
    committed: Boolean(before),
    from: before?.version ?? null,
    to: after?.version ?? null,
    majorRaised: Boolean(before && after) && majorOf(after!.version) > majorOf(before!.version),
  };
}

function operationBreaks(where: string, old: ModuleSnapshot['operations'][string], now: typeof old): string[] {
  const lines = [
    ...schemaBreaks(old.input, now.input, 'input').map(({ field, change }) => `${where} input: ${field} ${change}`),
    ...schemaBreaks(old.output, now.output, 'output').map(({ field, change }) => `${where} output: ${field} ${change}`),
  ];
  if (old.idempotent && !now.idempotent)
    lines.push(`${where}: no longer idempotent (callers built against it retry it)`);
  return lines;
}

/** A published version is a promise: its payload never changes, and it stays readable. */
function eventBreaks(subject: string, before: ModuleSnapshot['events'], after: ModuleSnapshot['events']): string[] {
  const breaks: string[] = [];
  for (const [name, versions] of Object.entries(before)) {
    if (!after[name]) {
      breaks.push(`${subject} event ${name}: removed`);
      continue;
    }
    for (const [version, payload] of Object.entries(versions)) {
      const now = after[name][version];
      if (!now) breaks.push(`${subject} event ${name} ${version}: no longer readable (declare its upcaster again)`);
      else if (!sameJson(payload, now))
        breaks.push(
          `${subject} event ${name} ${version}: payload changed without a new event version ` +
            `(${differingFields(payload, now).join(', ')})`,
        );
    }
  }
  return breaks;
}

/** The public API: its major is that of `info.version`. */
export function comparePublicApi(before: OpenApiDocument | undefined, after: OpenApiDocument): Verdict {
  const version = (document: OpenApiDocument | undefined) => document?.info.version ?? null;
  const major = (document: OpenApiDocument | undefined) => Number(version(document)?.split('.')[0] ?? 0);
  return {
    subject: 'public API',
    breaks: before ? openApiBreaks(before, after) : [],
    changed: !sameJson(before, after),
    committed: Boolean(before),
    from: version(before),
    to: version(after),
    majorRaised: Boolean(before) && major(after) > major(before),
  };
}

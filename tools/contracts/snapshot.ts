import { z } from 'zod';
import { buildOpenApiDocument } from '../../src/platform/http/openapi.js';
import type { Contract } from '../../src/platform/kernel/contract.js';
import { eventVersions, type EventDefinition } from '../../src/platform/kernel/event.js';
import type { ModuleDefinition } from '../../src/platform/kernel/module.js';
import { inlineRefs, type JsonSchema } from './json-schema.js';
import type { OpenApiDocument } from './openapi-diff.js';

/**
 * What a module promises other processes, as committed beside its contract
 * (`src/modules/<m>/contract/<m>.snapshot.json`): its version, each operation's input and output
 * as JSON Schema (generated from the zod schemas), its error codes, and each event's payload per
 * version still readable.
 */
export interface ModuleSnapshot {
  module: string;
  /** `MAJOR.MINOR`, or null for a module that only publishes events. */
  version: string | null;
  operations: Record<string, { idempotent: boolean; input: JsonSchema; output: JsonSchema }>;
  errors: string[];
  events: Record<string, Record<string, JsonSchema>>;
}

/** A zod schema as JSON Schema (2020-12), read as input or as output, without $schema or $defs. */
export const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema =>
  inlineRefs(z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }), {}) as JsonSchema;

function operationsOf(contract: Contract | undefined): ModuleSnapshot['operations'] {
  return Object.fromEntries(
    Object.entries(contract?.operations ?? {}).map(([name, { idempotent, input, output }]) => [
      name,
      { idempotent, input: jsonSchema(input, 'input'), output: jsonSchema(output, 'output') },
    ]),
  );
}

/** Each event name → its versions (every one an upcaster still reads) → the payload schema. */
function eventsOf(published: EventDefinition[]): ModuleSnapshot['events'] {
  const events: ModuleSnapshot['events'] = {};
  for (const event of published)
    for (const { name, version, schema } of eventVersions(event))
      events[name] = { ...events[name], [version]: jsonSchema(schema, 'output') };
  return events;
}

/** The snapshot of every module that has a contract or publishes events. */
export function moduleSnapshots(modules: ModuleDefinition[]): ModuleSnapshot[] {
  return modules
    .filter((definition) => definition.contract || definition.publishes.length > 0)
    .map(({ name, contract, publishes }) => ({
      module: name,
      version: contract?.version ?? null,
      operations: operationsOf(contract),
      errors: Object.keys(contract?.errors ?? {}).sort(),
      events: eventsOf(publishes),
    }));
}

/**
 * The public OpenAPI document of the modules' routes, as /api/v1/openapi.json serves it (the
 * console's admin routes aside: the console page and its API always come from one process).
 */
export const publicApiSnapshot = (modules: ModuleDefinition[]): OpenApiDocument =>
  buildOpenApiDocument(modules.flatMap((definition) => definition.routes)) as OpenApiDocument;

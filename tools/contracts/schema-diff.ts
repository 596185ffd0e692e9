import { fieldPath, isSchema, propertiesOf, requiredOf, sameJson, type JsonSchema } from './json-schema.js';

/**
 * Which way data flows through the schema. `input`: old callers write, the new code reads, so the
 * new schema must accept everything the old one did (no narrowing). `output`: the new code writes,
 * old callers read, so it must promise everything the old one did (no widening, nothing dropped).
 */
export type Direction = 'input' | 'output';

/** One incompatibility: the field (`lines[].quantity`, `(root)`) and what happened to it. */
export interface Finding {
  field: string;
  change: string;
}

const MIN_KEYWORDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
const MAX_KEYWORDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];

/**
 * Every way `after` breaks a party built against `before`, read in `direction`. Both schemas are
 * compared as a reader and a writer: the reader must accept all the writer may send. Readers drop
 * fields they do not know (zod objects strip them), so a field only the writer has is no break.
 */
export function schemaBreaks(before: JsonSchema, after: JsonSchema, direction: Direction): Finding[] {
  const [reader, writer] = direction === 'input' ? [after, before] : [before, after];
  return covers(reader, writer, '', direction);
}

function covers(reader: JsonSchema, writer: JsonSchema, field: string, direction: Direction): Finding[] {
  if (sameJson(reader, writer)) return [];
  const readerAlternatives = alternativesOf(reader);
  const writerAlternatives = alternativesOf(writer);
  if (readerAlternatives.length > 1 || writerAlternatives.length > 1)
    return writerAlternatives.flatMap((alternative) => coveredByOne(readerAlternatives, alternative, field, direction));
  const finding = (change: string): Finding => ({ field: field || '(root)', change });
  return [
    ...typeBreaks(reader, writer, direction).map(finding),
    ...enumBreaks(reader, writer, direction).map(finding),
    ...boundBreaks(reader, writer, direction).map(finding),
    ...objectBreaks(reader, writer, field, direction),
    ...(isSchema(reader.items)
      ? covers(reader.items, isSchema(writer.items) ? writer.items : {}, `${field}[]`, direction)
      : []),
    ...(isSchema(reader.additionalProperties) && isSchema(writer.additionalProperties)
      ? covers(reader.additionalProperties, writer.additionalProperties, `${field}{}`, direction)
      : []),
  ];
}

const alternativesOf = (schema: JsonSchema): JsonSchema[] => {
  const list = schema.anyOf ?? schema.oneOf;
  return Array.isArray(list) ? list.filter(isSchema) : [schema];
};

/** A writer's alternative must fit one of the reader's; otherwise the closest one's findings say why not. */
function coveredByOne(readers: JsonSchema[], writer: JsonSchema, field: string, direction: Direction): Finding[] {
  const tries = readers.map((reader) => covers(reader, writer, field, direction));
  if (tries.some((found) => found.length === 0)) return [];
  return tries.reduce((best, found) => (found.length < best.length ? found : best));
}

/** JSON types a schema allows (from `type`, or from its enum/const values); undefined when any. */
function typesOf(schema: JsonSchema): Set<string> | undefined {
  if (typeof schema.type === 'string') return new Set([schema.type]);
  if (Array.isArray(schema.type)) return new Set(schema.type as string[]);
  const values = valuesOf(schema);
  if (!values) return undefined;
  return new Set(values.map((value) => (value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value)));
}

const valuesOf = (schema: JsonSchema): unknown[] | undefined =>
  Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : undefined;

const list = (types: Set<string> | undefined) => (types ? [...types].join('|') : 'any');

function typeBreaks(reader: JsonSchema, writer: JsonSchema, direction: Direction): string[] {
  const accepted = typesOf(reader);
  if (!accepted) return [];
  const sent = typesOf(writer);
  const fits = (type: string) => accepted.has(type) || (type === 'integer' && accepted.has('number'));
  if (sent && [...sent].every(fits)) return [];
  return direction === 'input'
    ? [`type narrowed from ${list(sent)} to ${list(accepted)}`]
    : [`type widened from ${list(accepted)} to ${list(sent)}`];
}

function enumBreaks(reader: JsonSchema, writer: JsonSchema, direction: Direction): string[] {
  const accepted = valuesOf(reader);
  if (!accepted) return [];
  const sent = valuesOf(writer);
  if (!sent)
    return [
      direction === 'input' ? `narrowed to the values ${json(accepted)}` : `no longer limited to ${json(accepted)}`,
    ];
  const extra = sent.filter((value) => !accepted.some((known) => sameJson(known, value)));
  if (extra.length === 0) return [];
  return [direction === 'input' ? `enum values removed: ${json(extra)}` : `enum values added: ${json(extra)}`];
}

const json = (values: unknown[]) => values.map((value) => JSON.stringify(value)).join(', ');

/** zod writes every integer's safe range as bounds: that is the type speaking, not a limit. */
const boundOf = (schema: JsonSchema, keyword: string): number | undefined => {
  const value = schema[keyword];
  return typeof value === 'number' && Math.abs(value) !== Number.MAX_SAFE_INTEGER ? value : undefined;
};

function boundBreaks(reader: JsonSchema, writer: JsonSchema, direction: Direction): string[] {
  const found: string[] = [];
  const verb = direction === 'input' ? 'tightened' : 'loosened';
  const say = (keyword: string) => `${keyword} ${verb} from ${show(writer, reader, keyword, direction)}`;
  for (const keyword of MIN_KEYWORDS) {
    const [bound, sent] = [boundOf(reader, keyword), boundOf(writer, keyword)];
    if (bound !== undefined && !(sent !== undefined && sent >= bound)) found.push(say(keyword));
  }
  for (const keyword of MAX_KEYWORDS) {
    const [bound, sent] = [boundOf(reader, keyword), boundOf(writer, keyword)];
    if (bound !== undefined && !(sent !== undefined && sent <= bound)) found.push(say(keyword));
  }
  for (const keyword of ['pattern', 'format'])
    if (reader[keyword] !== undefined && reader[keyword] !== writer[keyword]) found.push(say(keyword));
  return found;
}

/** `5 to 10`: the old value, then the new one (reader and writer swap places with the direction). */
function show(writer: JsonSchema, reader: JsonSchema, keyword: string, direction: Direction): string {
  const value = (schema: JsonSchema) =>
    keyword === 'pattern' || keyword === 'format' ? schema[keyword] : boundOf(schema, keyword);
  const [old, now] = direction === 'input' ? [value(writer), value(reader)] : [value(reader), value(writer)];
  return `${JSON.stringify(old) ?? 'none'} to ${JSON.stringify(now) ?? 'none'}`;
}

function objectBreaks(reader: JsonSchema, writer: JsonSchema, field: string, direction: Direction): Finding[] {
  const [readerProps, writerProps] = [propertiesOf(reader), propertiesOf(writer)];
  const found: Finding[] = [];
  for (const name of requiredOf(reader).filter((name) => !requiredOf(writer).includes(name))) {
    const sub = fieldPath(field, name);
    const declared = name in writerProps;
    if (direction === 'input') found.push({ field: sub, change: declared ? 'made required' : 'new required field' });
    else
      found.push({
        field: sub,
        change: declared ? 'made optional' : `removed${renamedTo(readerProps[name], writerProps, readerProps)}`,
      });
  }
  for (const name of Object.keys(readerProps))
    if (writerProps[name])
      found.push(...covers(readerProps[name], writerProps[name], fieldPath(field, name), direction));
  if (direction === 'input' && reader.additionalProperties === false && writer.additionalProperties !== false)
    found.push({ field: field || '(root)', change: 'made strict: fields it does not declare are refused' });
  return found;
}

/** ` (renamed to x?)` when the writer has exactly one new field shaped like the one that went. */
function renamedTo(
  gone: JsonSchema | undefined,
  writerProps: Record<string, JsonSchema>,
  readerProps: Record<string, JsonSchema>,
) {
  const candidates = Object.keys(writerProps).filter(
    (name) => !(name in readerProps) && sameJson(writerProps[name], gone),
  );
  return candidates.length === 1 ? ` (renamed to ${candidates[0]}?)` : '';
}

import { isDeepStrictEqual } from 'node:util';

/** A JSON Schema as zod's z.toJSONSchema writes it (draft 2020-12), or an OpenAPI schema object. */
export type JsonSchema = { [keyword: string]: unknown };

export const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const sameJson = (a: unknown, b: unknown): boolean => isDeepStrictEqual(a, b);

/** The subschema a property, array item or record value of `schema` names (undefined: not declared). */
export const propertiesOf = (schema: JsonSchema): Record<string, JsonSchema> =>
  isSchema(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};

export const requiredOf = (schema: JsonSchema): string[] =>
  Array.isArray(schema.required) ? (schema.required as string[]) : [];

/** `lines` + `quantity` → `lines.quantity`; the root is named by its caller. */
export const fieldPath = (parent: string, name: string): string => (parent ? `${parent}.${name}` : name);

/**
 * `schema` with every local `$ref` (`#/components/schemas/Problem`, `#/$defs/…`) replaced by what
 * it points at in `root`, so two documents can be compared without their reference tables.
 * Recursive schemas stop at `depth` (none of the shop's are).
 */
export function inlineRefs(schema: unknown, root: unknown, depth = 0): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inlineRefs(item, root, depth));
  if (!isSchema(schema)) return schema;
  if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#/') && depth < 32) {
    const target = schema.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>(
        (node, key) => (isSchema(node) ? node[key.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined),
        root,
      );
    return inlineRefs(target, root, depth + 1);
  }
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([keyword]) => keyword !== '$schema' && keyword !== '$defs')
      .map(([keyword, value]) => [keyword, inlineRefs(value, root, depth)]),
  );
}

/**
 * The fields at which two schemas differ at all (added, removed, made required or optional, or
 * changed in any keyword), for saying where an event payload changed.
 */
export function differingFields(before: JsonSchema, after: JsonSchema, field = ''): string[] {
  if (sameJson(before, after)) return [];
  const name = field || '(payload)';
  const [props, propsAfter] = [propertiesOf(before), propertiesOf(after)];
  const found: string[] = [];
  for (const key of new Set([...Object.keys(props), ...Object.keys(propsAfter)])) {
    const sub = fieldPath(field, key);
    if (!props[key]) found.push(`${sub} added`);
    else if (!propsAfter[key]) found.push(`${sub} removed`);
    else found.push(...differingFields(props[key], propsAfter[key], sub));
    const [was, is] = [requiredOf(before).includes(key), requiredOf(after).includes(key)];
    if (props[key] && propsAfter[key] && was !== is) found.push(`${sub} made ${is ? 'required' : 'optional'}`);
  }
  if (isSchema(before.items) && isSchema(after.items))
    found.push(...differingFields(before.items, after.items, `${field}[]`));
  const rest = (schema: JsonSchema) => {
    const { properties: _p, required: _r, items, ...others } = schema;
    return { ...others, items: isSchema(items) ? 'compared above' : items };
  };
  if (!sameJson(rest(before), rest(after))) found.push(`${name} changed`);
  return found;
}

import { inlineRefs, isSchema, type JsonSchema } from './json-schema.js';
import { schemaBreaks, type Direction } from './schema-diff.js';

/** The parts of an OpenAPI 3.1 document the comparison reads. */
export interface OpenApiDocument {
  info: { version: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
  security?: unknown[];
}

/**
 * Every way `after` breaks a client written against `before`, one line per finding, named by method
 * and path: an endpoint or response removed, a parameter or body newly required, a request schema
 * narrowed, a response schema widened or missing a field, a public endpoint now needing a token.
 */
export function openApiBreaks(before: OpenApiDocument, after: OpenApiDocument): string[] {
  const found: string[] = [];
  for (const [path, methods] of Object.entries(before.paths)) {
    for (const [method, old] of Object.entries(methods)) {
      const endpoint = `${method.toUpperCase()} ${path}`;
      const now = after.paths[path]?.[method];
      if (!now) found.push(`API ${endpoint}: endpoint removed`);
      else found.push(...operationBreaks(old, now, before, after).map((line) => `API ${endpoint} ${line}`));
    }
  }
  return found;
}

function operationBreaks(old: OpenApiOperation, now: OpenApiOperation, before: unknown, after: unknown): string[] {
  const found: string[] = [];
  const compare = (a: JsonSchema | undefined, b: JsonSchema | undefined, where: string, direction: Direction) => {
    if (!a || !b) return;
    const breaks = schemaBreaks(inlineRefs(a, before) as JsonSchema, inlineRefs(b, after) as JsonSchema, direction);
    for (const { field, change } of breaks) found.push(`${where}: ${field === '(root)' ? '' : `${field} `}${change}`);
  };
  const oldParameters = new Map((old.parameters ?? []).map((p) => [`${p.in} ${p.name}`, p]));
  for (const parameter of now.parameters ?? []) {
    const where = `${parameter.in} parameter ${parameter.name}`;
    const was = oldParameters.get(`${parameter.in} ${parameter.name}`);
    if (!was && parameter.required) found.push(`${where}: new and required`);
    else if (was && parameter.required && !was.required) found.push(`${where}: made required`);
    else compare(was?.schema, parameter.schema, where, 'input');
  }
  const [oldBody, newBody] = [jsonSchemaOf(old.requestBody?.content), jsonSchemaOf(now.requestBody?.content)];
  if (now.requestBody?.required && !old.requestBody) found.push('request body: new and required');
  compare(oldBody, newBody, 'request body', 'input');
  for (const [status, response] of Object.entries(old.responses ?? {})) {
    const answer = now.responses?.[status];
    if (!answer) found.push(`response ${status}: removed`);
    else compare(jsonSchemaOf(response.content), jsonSchemaOf(answer.content), `response ${status}`, 'output');
  }
  if (!old.security && now.security) found.push('security: now requires a token');
  return found;
}

/** The schema of the JSON (or problem+json) content of a body. */
const jsonSchemaOf = (content: Record<string, { schema?: JsonSchema }> | undefined): JsonSchema | undefined => {
  const entry = Object.entries(content ?? {}).find(([type]) => /json$/.test(type))?.[1];
  return isSchema(entry?.schema) ? entry.schema : undefined;
};

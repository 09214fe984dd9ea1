// The operations of the served OpenAPI document, for tests generated from it (the fuzzer, the access
// matrix): each operation's method, path template, parameters and request body schema, with `$ref`s
// resolved, and a valid-ish value per schema (from its example when it has one).
import type { TestApp } from './test-app';

type AnyObject = Record<string, any>;

export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: AnyObject;
}

export interface SpecOperation {
  operationId: string;
  method: string;
  /** `/students/{studentId}/sessions/{sessionId}/held` */
  template: string;
  parameters: SpecParameter[];
  /** The application/json request body schema, `$ref`s resolved one level at a time by {@link deref}. */
  requestSchema?: AnyObject;
  requestExample?: unknown;
  requestRequired: boolean;
  /** Documented statuses (`200`, `4XX`, `default`, …). */
  responses: string[];
  /** False for an operation without security (anyone may call it). */
  secured: boolean;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The served document, as the test app serves it. */
export async function servedSpec(t: TestApp): Promise<AnyObject> {
  const answer = await t.request('GET', '/docs-json');
  if (answer.status !== 200) throw new Error(`GET /docs-json answered ${answer.status}`);
  return typeof answer.body === 'string' ? JSON.parse(answer.body) : answer.body;
}

/** Every operation of the document, in document order. */
export function operationsOf(doc: AnyObject): SpecOperation[] {
  const out: SpecOperation[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, AnyObject>)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters: SpecParameter[] = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p: AnyObject) => {
        const resolved = deref(doc, p);
        return { name: resolved.name, in: resolved.in, required: !!resolved.required, schema: deref(doc, resolved.schema ?? {}) };
      });
      const media = operation.requestBody ? deref(doc, operation.requestBody).content?.['application/json'] : undefined;
      const security = operation.security ?? doc.security ?? [];
      out.push({
        operationId: operation.operationId ?? `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        parameters,
        requestSchema: media?.schema ? deref(doc, media.schema) : undefined,
        requestExample: media?.example ?? (media?.examples ? Object.values(media.examples as AnyObject)[0]?.value : undefined),
        requestRequired: !!operation.requestBody?.required,
        responses: Object.keys(operation.responses ?? {}),
        secured: security.length > 0,
      });
    }
  }
  return out;
}

/** A schema or parameter with its `$ref` (a local `#/…` pointer) followed, repeatedly. */
export function deref(doc: AnyObject, node: AnyObject): AnyObject {
  let current = node;
  for (let hops = 0; current && typeof current.$ref === 'string' && hops < 20; hops++) {
    current = current.$ref
      .replace(/^#\//, '')
      .split('/')
      .map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((at: AnyObject, key: string) => at?.[key], doc);
  }
  return current ?? {};
}

/** The path of a template with its parameters filled in (values used as given: encode them first). */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for {${name}} in ${template}`);
    return values[name];
  });
}

/** The names of the path parameters of a template, in order. */
export function pathParameterNames(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

/**
 * A value conforming (as far as a generator without the server's rules can tell) to a schema: its
 * example, else its first enum value, else one built from its type. Deterministic.
 */
export function sampleOf(doc: AnyObject, schemaNode: AnyObject, depth = 0): unknown {
  const schema = deref(doc, schemaNode ?? {});
  if (depth > 8) return null;
  if (schema.example !== undefined) return structuredClone(schema.example);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return structuredClone(schema.examples[0]);
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema.default !== undefined) return structuredClone(schema.default);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(alternatives) && alternatives.length > 0) return sampleOf(doc, alternatives[0], depth + 1);
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.map((s: AnyObject) => sampleOf(doc, s, depth + 1)).filter((v: unknown) => v && typeof v === 'object'));
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type ?? (schema.properties ? 'object' : undefined)) {
    case 'object': {
      const out: AnyObject = {};
      for (const [key, property] of Object.entries((schema.properties ?? {}) as Record<string, AnyObject>)) out[key] = sampleOf(doc, property, depth + 1);
      return out;
    }
    case 'array':
      return [sampleOf(doc, schema.items ?? {}, depth + 1)];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'date') return '2027-03-01';
      if (schema.format === 'date-time') return '2027-03-09T10:00:00Z';
      if (schema.format === 'email') return 'someone@example.com';
      if (schema.format === 'uri') return 'https://example.com/x';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return null;
  }
}

/** The property schemas of an object schema (following `$ref`, merging `allOf`). */
export function propertiesOf(doc: AnyObject, schemaNode: AnyObject | undefined): Record<string, AnyObject> {
  if (!schemaNode) return {};
  const schema = deref(doc, schemaNode);
  const own = Object.fromEntries(Object.entries((schema.properties ?? {}) as Record<string, AnyObject>).map(([k, v]) => [k, deref(doc, v)]));
  return Object.assign({}, ...(schema.allOf ?? []).map((s: AnyObject) => propertiesOf(doc, s)), own);
}

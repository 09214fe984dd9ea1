// The served OpenAPI document is the contract: every request the HTTP test suite sends through
// startTestApp() and every answer it gets is checked against it, so a drift between the server and the
// document fails the test that saw it (issue 9). The checks, per exchange:
// - the operation is found by method and path template (a path the document does not know is not an
//   operation of the API: unknown routes, the docs' own assets; those are counted, not checked);
// - the answered status is documented for the operation;
// - the answer's media type is one the document gives for that status, and the body conforms to its schema
//   (JSON Schema 2020-12, OpenAPI 3.1, validated by ajv);
// - when the server accepted the request (2xx), the request conformed too: its JSON body to the request
//   schema, every query parameter of a GET documented and of the documented type. (A refused request may be
//   anything: that is what the bad-input tests send.)
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type AnyObject = Record<string, any>;

export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseHeaders: Record<string, string | string[] | undefined>;
  responseBody: string;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  /** Literal segments first: `/students/mentor-suggestions`-like literals win over `{studentId}`. */
  specificity: number;
  operation: AnyObject;
}

export class ContractViolation extends Error {
  constructor(exchange: Exchange, operationId: string, problems: string[]) {
    super(
      `The answer to ${exchange.method} ${exchange.url} (${operationId}, ${exchange.status}) does not match the served OpenAPI document:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\n  body: ${exchange.responseBody.slice(0, 600)}`,
    );
    this.name = 'ContractViolation';
  }
}

const DOCUMENT_ID = 'https://mentoring.example/openapi.json';

export class OpenApiValidator {
  private readonly routes: Route[];
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<object, ValidateFunction>();

  constructor(private readonly document: AnyObject) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: document.components ?? {} });
    this.routes = Object.entries(document.paths as Record<string, AnyObject>)
      .flatMap(([template, methods]) =>
        Object.entries(methods)
          .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
          .map(([method, operation]) => {
            const segments = template.split('/');
            const pattern = new RegExp(
              '^' + segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/') + '$',
            );
            return { method: method.toUpperCase(), template, pattern, specificity: segments.filter((s) => !s.startsWith('{')).length, operation };
          }),
      )
      .sort((a, b) => b.specificity - a.specificity);
  }

  /** The operation answering `method path`, if the document has one. */
  routeOf(method: string, path: string): Route | undefined {
    return this.routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(path));
  }

  /** The problems of one exchange; empty when it conforms (or is not an operation of the API). */
  check(exchange: Exchange): { operationId?: string; problems: string[] } {
    const [path, query = ''] = exchange.url.split('?', 2);
    const route = this.routeOf(exchange.method, path);
    if (!route) return { problems: [] };
    const operation = route.operation;
    const operationId: string = operation.operationId ?? `${route.method} ${route.template}`;
    const problems: string[] = [];

    const response = operation.responses?.[String(exchange.status)] ?? operation.responses?.[`${String(exchange.status)[0]}XX`] ?? operation.responses?.default;
    if (!response) {
      problems.push(`status ${exchange.status} is not documented (documented: ${Object.keys(operation.responses ?? {}).join(', ')})`);
    } else if (response.content && exchange.responseBody !== '') {
      const type = String(exchange.responseHeaders['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const media = response.content[type];
      if (!media) {
        problems.push(`media type ${type || '(none)'} is not documented for ${exchange.status} (documented: ${Object.keys(response.content).join(', ')})`);
      } else if (media.schema && /json/.test(type)) {
        problems.push(...this.validate(media.schema, parse(exchange.responseBody), 'response body'));
      }
    }

    if (exchange.status >= 200 && exchange.status < 300) {
      const requestType = String(exchange.requestHeaders['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const requestSchema = operation.requestBody?.content?.[requestType || 'application/json']?.schema;
      if (exchange.requestBody !== undefined && exchange.requestBody !== '' && requestSchema) {
        problems.push(...this.validate(requestSchema, parse(exchange.requestBody), 'request body (accepted by the server)'));
      }
      const parameters: AnyObject[] = operation.parameters ?? [];
      // Commands take no query parameters (any given are ignored); a query's parameters must be documented.
      for (const [name, value] of route.method === 'GET' ? new URLSearchParams(query) : []) {
        const parameter = parameters.find((p) => p.in === 'query' && p.name === name);
        if (!parameter) {
          problems.push(`query parameter ${name} was accepted but is not documented`);
          continue;
        }
        problems.push(...this.validate(parameter.schema ?? {}, coerce(value, parameter.schema ?? {}), `query parameter ${name}`));
      }
    }
    return { operationId, problems };
  }

  private validate(schema: AnyObject, value: unknown, what: string): string[] {
    let validate = this.compiled.get(schema);
    if (!validate) {
      const rewritten = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, `"${DOCUMENT_ID}#/components/`));
      validate = this.ajv.compile(rewritten);
      this.compiled.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${what}${e.instancePath || ''}: ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A query string value as the type its schema declares (query strings are text). */
function coerce(value: string, schema: AnyObject): unknown {
  const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  if (types.includes('array')) return value.split(',');
  return value;
}

const validators = new Map<string, OpenApiValidator>();

/** One validator per distinct served document (every test app of a run serves the same one). */
export function validatorFor(documentText: string): OpenApiValidator {
  let validator = validators.get(documentText);
  if (!validator) {
    validator = new OpenApiValidator(JSON.parse(documentText));
    validators.set(documentText, validator);
  }
  return validator;
}

// JSON bodies nested deeper than JSON_MAX_DEPTH are refused (400 json_too_deep) before they are parsed:
// a few kilobytes of `[[[[…` parse fine (V8's JSON.parse is iterative) but then overflow the stack of
// everything recursive that walks the value (class-transformer, class-validator, JSON.stringify of the
// idempotency fingerprint), which answered 500. The depth is counted on the raw text, without recursion.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { Problem } from './problem';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Whether `text` nests objects and arrays deeper than `max` (`{}` is depth 1, `{"a":[1]}` depth 2).
 * Brackets inside strings do not count. Linear, no recursion: any input is safe, valid JSON or not
 * (malformed text is left to the parser, which refuses it as malformed_json).
 */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > max) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

export function jsonTooDeep(max: number): Problem {
  return new Problem(400, 'json_too_deep', 'Bad Request', `The JSON body nests objects and arrays deeper than ${max} levels.`);
}

/**
 * The application/json parser of every route: the depth check on the raw text, then Fastify's own parser
 * (secure-json-parse: prototype poisoning refused, empty body `empty_json_body`, syntax `malformed_json`).
 * Registered through Nest (`useBodyParser`), which then does not add its default JSON parser.
 */
export function useDepthLimitedJsonParser(app: NestFastifyApplication, options: { maxDepth: number; bodyLimit: number }): void {
  const fastify = app.getHttpAdapter().getInstance();
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig as { onProtoPoisoning?: 'error' | 'remove' | 'ignore'; onConstructorPoisoning?: 'error' | 'remove' | 'ignore' };
  const parse = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  app.useBodyParser('application/json', { bodyLimit: options.bodyLimit }, (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) => {
    const text = body.toString('utf8');
    if (jsonDeeperThan(text, options.maxDepth)) {
      done(jsonTooDeep(options.maxDepth));
      return;
    }
    parse(request, text, (error: Error | null, value?: unknown) => {
      if (error) return done(error);
      const refusal = bodyShapeProblem(value);
      if (refusal) return done(refusal);
      done(null, value);
    });
  });
}

/** Names that are never data: they reach into prototypes (class-transformer assigns them, validators skip them). */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Every command body is a JSON object (a command without fields takes `{}`), and no object in it has a
 * key that names a prototype member: both are refused as `validation_failed`, like any unknown field,
 * before anything assigns them. The depth is already bounded, so the walk is too.
 */
export function bodyShapeProblem(value: unknown): Problem | undefined {
  const invalid = (field: string, problem: string) =>
    new Problem(400, 'validation_failed', 'Bad Request', 'The request body is not valid.', { errors: [{ field, problems: [problem] }] });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return invalid('(body)', 'the body must be a JSON object');
  const pending: Array<[string, unknown]> = [['', value]];
  while (pending.length > 0) {
    const [path, node] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    for (const key of Object.keys(node)) {
      const field = Array.isArray(node) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(node) && PROTOTYPE_KEYS.has(key)) return invalid(field, `property ${key} should not exist`);
      pending.push([field, (node as Record<string, unknown>)[key]]);
    }
  }
  return undefined;
}

// A wrong method on a known path answers 405 with `Allow`, not 404: Fastify only knows "no route", so
// the routes are recorded as they are registered, and the not-found answer asks which methods the path has.
import type { FastifyInstance, FastifyRequest } from 'fastify';

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
}

const ROUTES = Symbol('mentoring.knownRoutes');

type WithRoutes = { [ROUTES]?: Map<string, KnownPath> };

/** `/students/:studentId/sessions` → a regular expression over request paths (a trailing slash tolerated). */
function patternOf(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`);
}

/** Call before the routes are registered (before `app.init()`). */
export function recordRoutes(fastify: FastifyInstance): void {
  const known = new Map<string, KnownPath>();
  (fastify as unknown as WithRoutes)[ROUTES] = known;
  fastify.addHook('onRoute', (route) => {
    // The catch-all OPTIONS route of the CORS plugin is not a path of the API.
    if (route.url === '*' || route.url === '/*') return;
    const entry = known.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) {
      entry.methods.add(method.toUpperCase());
      if (method.toUpperCase() === 'GET') entry.methods.add('HEAD');
    }
    known.set(route.url, entry);
  });
}

/** The methods the request's path answers to (empty when no route has that path). */
export function allowedMethods(request: FastifyRequest): string[] {
  const known = (request.server as unknown as WithRoutes)[ROUTES];
  if (!known) return [];
  const path = (request.url ?? '').split('?')[0];
  const methods = new Set<string>();
  for (const { pattern, methods: those } of known.values()) if (pattern.test(path)) those.forEach((m) => methods.add(m));
  return [...methods].sort();
}

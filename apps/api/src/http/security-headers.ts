// Security headers on every response (@fastify/helmet), and `Cache-Control: no-store`: answers carry
// personal data (profiles, CSV exports), which no shared or browser cache may keep. Only the docs' static
// assets (served by @fastify/static, which sets its own Cache-Control) are cacheable.
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One policy for the API and Swagger UI (/docs): the UI's scripts and stylesheets are same-origin files;
 * its page has inline <style> blocks and React sets inline styles (style-src 'unsafe-inline'), its icons
 * are data: URIs, "Try it out" calls the API on the same origin. Nothing may frame any page.
 * No `upgrade-insecure-requests`: a development start over plain http would lose the docs' assets.
 */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // Ignored by browsers over plain http; over https, one year. Not includeSubDomains: other hosts of the
  // domain are not this API's to decide.
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
};

/**
 * The same headers as a plain list (helmet run once on a stand-in response), for the answers written
 * before any hook runs: the router's (a malformed URL, an over-long parameter) and Node's (431, 408).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = (() => {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | string[]) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  const { global: _global, enableCSPNonces: _nonces, ...options } = HELMET_OPTIONS;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return { ...headers, 'cache-control': 'no-store' };
})();

/**
 * The headers are the same on every answer, so they are computed once (above) and copied onto each reply in
 * one hook. (@fastify/helmet builds helmet's middleware again for every request, CSP directives parsed
 * included: about a tenth of a command's CPU time.) No route sets helmet options of its own, and no nonces
 * are used.
 */
export async function useSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  app.getHttpAdapter().getInstance().addHook('onRequest', (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });
}

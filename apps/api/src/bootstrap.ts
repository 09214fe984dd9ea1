// Builds the HTTP application (Fastify) for a configuration: used by main.ts, the tests and the bench.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { AppConfig, createLogger, Metrics } from '@mentoring/config';
import { InfrastructureOverrides } from './infrastructure.module';
import { titleFor } from './http/error-mapping';
import { Problem } from './http/problem';
import { sendProblem } from './http/problem.filter';
import { recordRoutes } from './http/method-not-allowed';
import { useCorrelationIds } from './http/correlation-id';
import { clientErrorHandler, frameworkErrors } from './http/edge-errors';
import { useDepthLimitedJsonParser } from './http/json-depth';
import { useRateLimits } from './http/rate-limit';
import { useSecurityHeaders } from './http/security-headers';
import { PinoNestLogger } from './observability/nest-logger';
import { operationIndex, useRequestLog } from './observability/request-log';
import { METRICS } from './observability/metrics.controller';
import { completeTheContract, describeTheApi, PROBLEM_SCHEMA, toOpenApi31 } from './shared/api-docs';

/** Response headers a browser script may read (CORS): the command conventions, Retry-After, the correlation id. */
export const CORS_EXPOSED_HEADERS = ['ETag', 'Location', 'X-Global-Position', 'Idempotent-Replayed', 'Retry-After', 'X-Correlation-Id'];

const logger = new Logger('HTTP');

export async function createApp(config: AppConfig, overrides: InfrastructureOverrides = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: () => crypto.randomUUID(),
    // What the router and Node's HTTP parser refuse before any hook: problem+json too (http/edge-errors.ts).
    frameworkErrors,
    clientErrorHandler,
  });
  // One logger for everything (observability/): Nest's Logger writes pino JSON lines (LOG_FORMAT, LOG_LEVEL).
  const log = createLogger({ logLevel: config.logLevel, logFormat: config.logFormat, destination: overrides.logDestination });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, overrides), adapter, { logger: new PinoNestLogger(log), abortOnError: false });
  // Fastify's own errors (malformed JSON, body too large, wrong media type) reach the exception filter
  // as HttpExceptions carrying the Fastify error as `cause`; unknown routes as NotFoundException.
  const fastify = app.getHttpAdapter().getInstance();
  // Before the routes are registered (app.init): a wrong method on a known path answers 405, not 404.
  recordRoutes(fastify);
  if (config.corsOrigins.length > 0) {
    // Browser frontends (CORS_ORIGINS). An origin not listed gets no CORS header at all, so its
    // preflight is not answered and the browser refuses the call.
    const anyOrigin = config.corsOrigins.includes('*');
    app.enableCors({
      origin: (origin: string | undefined, callback: (error: Error | null, allow: string | false) => void) =>
        callback(null, origin !== undefined && (anyOrigin || config.corsOrigins.includes(origin)) ? origin : false),
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposedHeaders: CORS_EXPOSED_HEADERS,
      maxAge: 600,
    });
  }
  // The request hooks, in order: security headers and Cache-Control: no-store on every answer; the
  // correlation id checked (400) or generated, and echoed; the rate limits (429), before any body is read.
  await useSecurityHeaders(app);
  useCorrelationIds(fastify);
  await useRateLimits(app, config);
  // Commands speak JSON only: any other declared media type is refused before parsing.
  fastify.addHook('onRequest', (request, reply, done) => {
    const type = request.headers['content-type'];
    if (type !== undefined && request.method !== 'GET' && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      sendProblem(new Problem(415, 'unsupported_media_type', titleFor(415), 'Send application/json.'), request, reply, logger);
      return;
    }
    done();
  });
  // JSON nested deeper than JSON_MAX_DEPTH is refused (400 json_too_deep) before it is parsed.
  useDepthLimitedJsonParser(app, { maxDepth: config.jsonMaxDepth, bodyLimit: config.bodyLimitBytes });

  // The document is built in every case: the request lines and metrics name each route's operationId.
  // DOCS_ENABLED (off in production by default): without it, /docs and /docs-json are unknown routes (404).
  const document = buildTheDocument(app);
  if (config.docsEnabled) SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  // One line per request and its duration in the metrics, when the answer is sent.
  useRequestLog(fastify, log, app.get<Metrics>(METRICS), operationIndex(document));
  app.enableShutdownHooks();
  await app.init();
  await fastify.ready();
  return app;
}

/** Builds the OpenAPI document, served with Swagger UI at /docs and /docs-json when DOCS_ENABLED. */
function buildTheDocument(app: NestFastifyApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Mentoring platform API')
      .setDescription(
        'Commands append events (answer: ETag = stream revision, X-Global-Position); queries read projections. ' +
          'Errors are application/problem+json (RFC 9457) with a stable `code`.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .addSecurityRequirements('bearer')
      .build(),
  );
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA } };
  // 503 and 504 where they apply, no required `accept` header, closed request bodies (api-docs.ts).
  completeTheContract(document);
  // Servers, license, tag descriptions, the bearer scheme explained, an example per body and answer; then 3.1.
  describeTheApi(document, { serverUrl: '/' });
  toOpenApi31(document);
  return document;
}

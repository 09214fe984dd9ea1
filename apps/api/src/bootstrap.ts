// Builds the HTTP application (Fastify) for a configuration: used by main.ts, the tests and the bench.
import 'reflect-metadata';
import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { AppConfig } from '@mentoring/config';
import { InfrastructureOverrides } from './infrastructure.module';
import { titleFor } from './http/error-mapping';
import { Problem } from './http/problem';
import { sendProblem } from './http/problem.filter';

const logger = new Logger('HTTP');

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export async function createApp(config: AppConfig, overrides: InfrastructureOverrides = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, genReqId: () => crypto.randomUUID() });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, overrides), adapter, {
    logger: config.logLevel === 'silent' ? false : LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1),
  });
  // Fastify's own errors (malformed JSON, body too large, wrong media type) reach the exception filter
  // as HttpExceptions carrying the Fastify error as `cause`; unknown routes as NotFoundException.
  const fastify = app.getHttpAdapter().getInstance();
  // Commands speak JSON only: any other declared media type is refused before parsing.
  fastify.addHook('onRequest', (request, reply, done) => {
    const type = request.headers['content-type'];
    if (type !== undefined && request.method !== 'GET' && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      sendProblem(new Problem(415, 'unsupported_media_type', titleFor(415), 'Send application/json.'), request, reply, logger);
      return;
    }
    done();
  });

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
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  app.enableShutdownHooks();
  await app.init();
  await fastify.ready();
  return app;
}

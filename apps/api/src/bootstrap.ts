// Builds the HTTP application (Fastify) for a configuration: used by main.ts, the tests and the bench.
import 'reflect-metadata';
import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { AppConfig } from '@mentoring/config';
import { sendProblem } from './http/problem.filter';
import { Problem } from './http/problem';
import { titleFor } from './http/error-mapping';
import { InfrastructureOverrides } from './infrastructure.module';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export async function createApp(config: AppConfig, overrides: InfrastructureOverrides = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, genReqId: () => crypto.randomUUID() });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, overrides), adapter, {
    logger: config.logLevel === 'silent' ? false : LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1),
  });
  const fastify = app.getHttpAdapter().getInstance();
  const logger = new Logger('HTTP');
  // Errors raised by Fastify itself (malformed JSON, body too large, wrong media type) never reach
  // Nest's filters: answer them with the same problem shape.
  fastify.setErrorHandler((error, request, reply) => sendProblem(error, request, reply, logger));
  fastify.setNotFoundHandler((request, reply) =>
    sendProblem(new Problem(404, 'route_not_found', titleFor(404), `No route ${request.method} ${request.url.split('?')[0]}.`), request, reply, logger),
  );

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

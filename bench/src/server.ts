// The server side of the HTTP benchmarks, in its own process so that the load generator does not
// share its event loop: `node bench/dist/server.js bare|full <dataDir>` prints `ready <port>`.
import { benchEnv } from './bench-env';
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@mentoring/config';
import { createApp } from '@mentoring/api/dist/bootstrap';
import { TOKEN_VERIFIER, TokenVerifier, JwtAuthGuard } from '@mentoring/api/dist/http/auth';
import { ProblemDetailsFilter } from '@mentoring/api/dist/http/problem.filter';
import { createValidationPipe } from '@mentoring/api/dist/http/validation';
import { AssignMentorDto } from '@mentoring/api/dist/use-cases/assign-mentor/assign-mentor.dto';

/** The same stack as the API (Fastify, JWT guard, problem filter, class-validator pipe), one route, no store. */
@Controller('bench')
class BareController {
  @Post('echo')
  @HttpCode(201)
  echo(@Body() body: AssignMentorDto): { mentorId: string } {
    return { mentorId: body.mentorId };
  }
}

async function main(): Promise<void> {
  const [mode, dataDir] = process.argv.slice(2);
  const config = loadConfig({ ...benchEnv(), NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir ?? '/tmp/mentoring-bench', SQLITE_SYNCHRONOUS: 'FULL' });
  let app: NestFastifyApplication;
  if (mode === 'bare') {
    @Module({
      controllers: [BareController],
      providers: [
        { provide: TOKEN_VERIFIER, useValue: new TokenVerifier(config) },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    })
    class BareModule {}
    app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
  } else {
    app = await createApp(config);
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.getHttpServer().address() as { port: number }).port;
  console.log(`ready ${port}`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();

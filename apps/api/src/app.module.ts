// The API application: CQRS buses, the use cases (one folder each), and the HTTP conventions.
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AppConfig } from '@mentoring/config';
import { HealthController } from './health/health.controller';
import { JwtAuthGuard } from './http/auth';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { ProblemDetailsFilter } from './http/problem.filter';
import { createValidationPipe } from './http/validation';
import { InfrastructureModule, InfrastructureOverrides } from './infrastructure.module';
import { createDeciders, DECIDERS } from './shared/deciders';
import { EventSourcedStreams } from './shared/event-sourced-streams';
import { ReadYourWrites } from './shared/read-your-writes';
import { USE_CASES } from './use-cases';
import { AUDIT_AND_OPERATIONS } from './use-cases/audit';
import { READ_SIDE } from './use-cases/read-side';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: InfrastructureOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config, overrides), CqrsModule.forRoot()],
      controllers: [HealthController, ...USE_CASES.controllers, ...AUDIT_AND_OPERATIONS.controllers, ...READ_SIDE.controllers],
      providers: [
        { provide: DECIDERS, useFactory: () => createDeciders() },
        EventSourcedStreams,
        ReadYourWrites,
        ...USE_CASES.handlers,
        ...AUDIT_AND_OPERATIONS.handlers,
        ...READ_SIDE.handlers,
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}

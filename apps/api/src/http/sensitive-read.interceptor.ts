// Who read what (issue 11, part 3): every read of a student's sensitive data (the full record, the record
// with the disability (R7), the audit history, a CSV export) appends one `SensitiveDataRead` to the event
// store, with who read (id, role), which student (or funder, for an export), what, the operation, the
// stated purpose (`X-Purpose`) and whether it was granted or refused (403/404). In the event store, the
// log is append-only and covered by the per-stream hash chain like every other event.
//
// The entry is appended after the answer is decided and before it is sent: when the append fails, the read
// fails too (503 store_unavailable), so an auditor can trust that every answered read is in the log.
import { applyDecorators, CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { catchError, from, Observable, switchMap } from 'rxjs';
import { EVENT_SCHEMA_VERSIONS, SensitiveDataRead, SensitiveReadKind } from '@mentoring/domain';
import type { Actor, EventStore, NewEvent } from '@mentoring/event-store';
import { correlationIdOf, WithCorrelationId } from '../shared/command-context';
import { wantsCsv } from '../shared/csv';
import { CLOCK, Clock, EVENT_STORE, ID_GENERATOR, IdGenerator } from '../shared/tokens';
import { titleFor, toProblem } from './error-mapping';
import { Problem } from './problem';

/** The access log's streams: per student (the history stays with the student, appends spread over many streams). */
export const accessLogStudentStream = (studentId: string) => `access-log-student-${studentId}`;
export const accessLogFunderStream = (funderId: string) => `access-log-funder-${funderId}`;

export interface SensitiveReadOptions {
  /** The path parameter naming whose data is read. Default `studentId`. */
  subject?: 'studentId' | 'funderId';
  /** Only the CSV answer is sensitive (a bulk export); the JSON one is not logged. */
  csvOnly?: boolean;
  /** A field whose presence in the JSON answer makes the read a read of the disability (R7). */
  disabilityField?: string;
}

interface SensitiveReadSpec extends SensitiveReadOptions {
  what: SensitiveReadKind;
}

const SENSITIVE_READ = 'mentoring:sensitive-read';
/** Where @nestjs/swagger keeps ApiOperation's options (its operationId names the operation in the log). */
const API_OPERATION = 'swagger/apiOperation';

export const PURPOSE_HEADER = 'x-purpose';
const PURPOSE = /^[\x20-\x7E]{1,200}$/;

/** `X-Purpose`: at most 200 printable ASCII characters; absent or empty is null; anything else is 400 invalid_purpose. */
export function parsePurpose(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const value = Array.isArray(header) ? (header.length === 1 ? header[0] : undefined) : header;
  if (value === '') return null;
  if (value === undefined || !PURPOSE.test(value) || value.trim() === '') {
    throw new Problem(400, 'invalid_purpose', 'Bad Request', 'X-Purpose must be one header of 1–200 printable ASCII characters.', { field: 'X-Purpose' });
  }
  return value.trim();
}

/**
 * Marks a query whose answer is sensitive: each granted or refused (403/404) read leaves one entry in the
 * access log. Documents the optional `X-Purpose` header.
 */
export function SensitiveRead(what: SensitiveReadKind, options: SensitiveReadOptions = {}) {
  return applyDecorators(
    SetMetadata(SENSITIVE_READ, { what, ...options } satisfies SensitiveReadSpec),
    UseInterceptors(SensitiveReadInterceptor),
    ApiHeader({
      name: 'X-Purpose',
      required: false,
      description: 'Why you read this (≤ 200 printable characters, e.g. a ticket reference): written into the access log with the read; 400 invalid_purpose otherwise',
      schema: { type: 'string', maxLength: 200, pattern: '^[\\x20-\\x7E]*$' },
    }),
  );
}

type Request = FastifyRequest & { actor?: Actor } & WithCorrelationId;

@Injectable()
export class SensitiveReadInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<SensitiveReadSpec | undefined>(SENSITIVE_READ, context.getHandler());
    const request = context.switchToHttp().getRequest<Request>();
    if (!spec || !request.actor) return next.handle();
    const query = (request.query ?? {}) as Record<string, string | undefined>;
    let csv: boolean;
    try {
      csv = wantsCsv(query.format, request.headers.accept);
    } catch {
      return next.handle(); // 400 invalid_query from the controller: nothing read
    }
    if (spec.csvOnly && !csv) return next.handle();
    const purpose = parsePurpose(request.headers[PURPOSE_HEADER]);
    const subjectParam = spec.subject ?? 'studentId';
    const subject = String((request.params as Record<string, string>)[subjectParam] ?? '');
    const operationId = (this.reflector.get<{ operationId?: string } | undefined>(API_OPERATION, context.getHandler())?.operationId) ?? `${request.method} ${request.routeOptions.url}`;
    const entry = (outcome: 'granted' | 'refused', status: number, what: SensitiveReadKind) =>
      this.append(request, subjectParam, subject, { what, format: csv ? 'csv' : 'json', operationId, purpose, outcome, status });

    return next.handle().pipe(
      catchError((error: unknown) => {
        const problem = toProblem(error);
        // A refusal (403 role or relation, 404 hidden or absent) is logged; a malformed request or a fault is not a read.
        if (problem.status !== 403 && problem.status !== 404) throw error;
        return from(entry('refused', problem.status, spec.what).then(() => Promise.reject(error)));
      }),
      switchMap(async (body: unknown) => {
        const disability = !!spec.disabilityField && !csv && typeof body === 'object' && body !== null && Object.prototype.hasOwnProperty.call(body, spec.disabilityField);
        await entry('granted', 200, disability ? 'disability' : spec.what);
        return body;
      }),
    );
  }

  private async append(
    request: Request,
    subjectParam: 'studentId' | 'funderId',
    subject: string,
    fields: Pick<SensitiveDataRead['data'], 'what' | 'format' | 'operationId' | 'purpose' | 'outcome' | 'status'>,
  ): Promise<void> {
    const actor = request.actor!;
    const at = this.clock.now().toISOString();
    const correlationId = correlationIdOf(request);
    const data: SensitiveDataRead['data'] = {
      reader: { id: actor.id, role: actor.role },
      studentId: subjectParam === 'studentId' ? subject : null,
      funderId: subjectParam === 'funderId' ? subject : null,
      ...fields,
      at,
    };
    const event: NewEvent = {
      eventId: this.ids.uuid(),
      type: 'SensitiveDataRead',
      schemaVersion: EVENT_SCHEMA_VERSIONS.SensitiveDataRead,
      data,
      metadata: { correlationId, causationId: `http:${request.id}`, actor, occurredAt: at },
    };
    const stream = subjectParam === 'studentId' ? accessLogStudentStream(subject) : accessLogFunderStream(subject);
    try {
      await this.eventStore.append(stream, [event], 'any');
    } catch (cause) {
      // Unlogged means unanswered: whatever went wrong, the reader gets no data (and may retry).
      throw Object.assign(new Problem(503, 'store_unavailable', titleFor(503), 'The read could not be recorded in the access log; retry later.'), { cause });
    }
  }
}

// Idempotency-Key: the first successful answer to a command is stored (with the request's
// fingerprint) and replayed for every retry with the same key, so a client may retry blindly.
// Concurrent duplicates are safe too: event ids are derived from the key, so the event store's
// idempotent append turns the second into a no-op with the same result.
import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, Observable, of, switchMap } from 'rxjs';
import type { Actor } from '@mentoring/event-store';
import type { Doc, ReadStore } from '@mentoring/read-store';
import { parseIdempotencyKey } from '../shared/command-context';
import { CLOCK, Clock, READ_STORE } from '../shared/tokens';
import { Problem } from './problem';

export const IDEMPOTENCY_COLLECTION = '_idempotency';

interface StoredAnswer extends Doc {
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  storedAt: string;
}

const REPLAYED_HEADERS = ['etag', 'location', 'x-global-position'];

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { actor?: Actor }>();
    const reply = http.getResponse<FastifyReply>();
    const rawKey = request.headers['idempotency-key'];
    const key = parseIdempotencyKey(Array.isArray(rawKey) ? rawKey[0] : rawKey);
    if (!key || request.method === 'GET' || !request.actor) return next.handle();

    const id = `${request.actor.id}:${key}`;
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const answers = this.readStore.collection<StoredAnswer>(IDEMPOTENCY_COLLECTION);

    return from(answers.findOne({ _id: id })).pipe(
      switchMap((stored) => {
        if (stored) {
          if (stored.fingerprint !== fingerprint) {
            throw new Problem(422, 'idempotency_key_reused', 'Unprocessable Content', 'This Idempotency-Key was already used for a different request.');
          }
          reply.status(stored.status);
          for (const [name, value] of Object.entries(stored.headers)) reply.header(name, value);
          reply.header('idempotent-replayed', 'true');
          return of(stored.body);
        }
        return next.handle().pipe(
          switchMap(async (body) => {
            const headers: Record<string, string> = {};
            for (const name of REPLAYED_HEADERS) {
              const value = reply.getHeader(name);
              if (value !== undefined) headers[name] = String(value);
            }
            await answers.replaceOne(
              { _id: id },
              { _id: id, fingerprint, status: reply.statusCode, headers, body, storedAt: this.clock.now().toISOString() },
              { upsert: true },
            );
            return body;
          }),
        );
      }),
    );
  }
}

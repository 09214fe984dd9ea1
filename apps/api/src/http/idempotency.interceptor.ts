// Idempotency-Key: the first successful answer to a command is stored (with the request's fingerprint)
// and replayed for every retry with the same key, so a client may retry blindly. Concurrent duplicates
// are safe too: event ids are derived from the key, so the event store's idempotent append turns the
// second into a no-op with the same result.
//
// An answer is bound to who asked and what was asked: it is stored under a hash of the caller's role and
// subject, the operation (method and route) and the key, so a token with the same subject but another
// role (or another operation) never gets it, and is decided on its own (the role check included). It
// expires after IDEMPOTENCY_TTL_HOURS and the expired ones are pruned (the store: DATA_DIR/idempotency.sqlite
// or a MongoDB collection with a TTL index), so memory does not grow with the number of keys.
import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor, OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, Observable, of, switchMap } from 'rxjs';
import type { AppConfig } from '@mentoring/config';
import type { Actor } from '@mentoring/event-store';
import type { IdempotencyStore } from '@mentoring/read-store';
import { parseIdempotencyKey } from '../shared/command-context';
import { APP_CONFIG, CLOCK, Clock, IDEMPOTENCY_STORE } from '../shared/tokens';
import { Problem } from './problem';

const REPLAYED_HEADERS = ['etag', 'location', 'x-global-position'];
/** Expired answers are pruned at most this often, after a request (never on a timer of its own). */
const PRUNE_EVERY_MS = 60_000;

/** Where an answer is stored: a hash of the caller, the operation and the key (the raw key is not kept). */
export function idempotencyId(actor: Actor, operation: string, key: string): string {
  return createHash('sha256').update(`${actor.role}\n${actor.id}\n${operation}\n${key}`).digest('hex');
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor, OnModuleDestroy {
  private readonly logger = new Logger('Idempotency');
  private readonly ttlMs: number;
  private lastPruneMs = 0;
  private pruning: Promise<unknown> | undefined;

  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly answers: IdempotencyStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.idempotencyTtlHours * 3_600_000;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pruning;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { actor?: Actor }>();
    const reply = http.getResponse<FastifyReply>();
    const rawKey = request.headers['idempotency-key'];
    const key = parseIdempotencyKey(Array.isArray(rawKey) ? rawKey[0] : rawKey);
    if (!key || request.method === 'GET' || !request.actor) return next.handle();

    const now = this.clock.now();
    const id = idempotencyId(request.actor, `${request.method} ${request.routeOptions.url ?? request.url}`, key);
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    this.pruneNowAndThen(now);

    return from(this.answers.find(id, now)).pipe(
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
            const storedAt = this.clock.now();
            await this.answers.save({ id, fingerprint, status: reply.statusCode, headers, body, storedAt, expiresAt: new Date(storedAt.getTime() + this.ttlMs) });
            return body;
          }),
        );
      }),
    );
  }

  /** Deletes expired answers in the background, at most once a minute; a failure is logged, never answered. */
  private pruneNowAndThen(now: Date): void {
    if (this.pruning || now.getTime() - this.lastPruneMs < PRUNE_EVERY_MS) return;
    this.lastPruneMs = now.getTime();
    this.pruning = this.answers
      .prune(now)
      .then((deleted) => {
        if (deleted > 0) this.logger.debug(`pruned ${deleted} expired idempotency answers`);
      })
      .catch((error) => this.logger.warn(`pruning expired idempotency answers failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (this.pruning = undefined));
  }
}

// What every command carries besides its data: who acts, why (correlation, causation), and the
// preconditions that make retries safe (expected revision, idempotency key).
import { createHash } from 'node:crypto';
import type { Actor, ExpectedRevision, RecordedEvent } from '@mentoring/event-store';

export interface CommandContext {
  actor: Actor;
  correlationId: string;
  causationId: string;
  /** The revision the caller last saw (HTTP If-Match). A mismatch refuses the command. */
  expectedRevision?: number;
  /** Event ids are derived from it (HTTP Idempotency-Key, or the triggering event of a reactor), so a retry appends nothing. */
  idempotencyKey?: string;
  /**
   * A keyed client request: when its decision is now a no-op or a refusal, look for the events its first run
   * appended (metadata.requestKey) and answer with them. Reactors do not need it (a replay only logs).
   */
  answerRetriesWithOwnEvents?: boolean;
}

/** A UUID-shaped id derived from stable inputs (RFC 9562 version 8 layout, name-based). */
export function deterministicUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The request key written into the metadata of a keyed request's events (never the raw key). */
export function requestKeyOf(ctx: Pick<CommandContext, 'actor' | 'idempotencyKey'>): string | undefined {
  if (!ctx.idempotencyKey) return undefined;
  return createHash('sha256').update(`${ctx.actor.role}\u0000${ctx.actor.id}\u0000${ctx.idempotencyKey}`).digest('base64url').slice(0, 22);
}

export function expectedFrom(revision: number): ExpectedRevision {
  return revision < 0 ? 'no_stream' : revision;
}

/** The actor of a reactor: the platform acting on its own (`system:<reactor-name>`). */
export function systemActor(reactorName: string): Actor {
  return { id: `system:${reactorName}`, role: 'system' };
}

/**
 * The context of a command a reactor issues because of `trigger`: the system actor, the trigger's
 * correlation id, the trigger as causation, and an idempotency key derived from the trigger's event id
 * (plus `purpose` when one event causes several commands). Replaying the trigger derives the same
 * event ids and the same resource ids, so it appends nothing new.
 */
export function reactionContext(reactorName: string, trigger: Pick<RecordedEvent, 'eventId' | 'metadata'>, purpose = ''): CommandContext {
  return {
    actor: systemActor(reactorName),
    correlationId: trigger.metadata.correlationId,
    causationId: trigger.eventId,
    idempotencyKey: `event:${trigger.eventId}${purpose ? `:${purpose}` : ''}`,
  };
}

// Ids of the things a command creates (a session, a follow-up, a comment…). With an Idempotency-Key
// the id is derived from it, so a retried request lands on the same id instead of creating a second one.
import { deterministicUuid, CommandContext } from './command-context';
import { EventSourcedStreams } from './event-sourced-streams';

export function newResourceId(streams: EventSourcedStreams, ctx: CommandContext, kind: string): string {
  return ctx.idempotencyKey ? deterministicUuid(kind, ctx.actor.id, ctx.idempotencyKey) : streams.newId();
}

// How every command answers: 201 when it appended events, 200 when it was a no-op (already done);
// ETag = the stream's revision (send it back as If-Match), X-Global-Position = the log position
// reached (pass it as ?waitFor= to a query to read your own write).
import type { FastifyReply } from 'fastify';
import { formatPosition } from '@mentoring/event-store';
import { CommandOutcome } from './event-sourced-streams';

export interface CommandAnswer {
  revision: number;
  position: string | null;
  events: string[];
  [id: string]: unknown;
}

export function answerCommand(reply: FastifyReply, outcome: CommandOutcome, ids: Record<string, string>, location?: string): CommandAnswer {
  reply.status(outcome.events.length > 0 ? 201 : 200);
  reply.header('etag', `"${outcome.revision}"`);
  if (outcome.position) reply.header('x-global-position', formatPosition(outcome.position));
  if (location) reply.header('location', location);
  return {
    ...ids,
    revision: outcome.revision,
    position: outcome.position ? formatPosition(outcome.position) : null,
    events: outcome.events.map((e) => e.type),
  };
}

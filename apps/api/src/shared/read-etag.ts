// Reads of a stream-backed resource answer `ETag: "<stream revision>"`, the same value as the body's
// `revision` and in the format commands use, so a client can send it back as If-Match.
import type { FastifyReply } from 'fastify';

export function withStreamEtag<View extends { revision: number }>(reply: FastifyReply, view: View): View {
  reply.header('etag', `"${view.revision}"`);
  return view;
}

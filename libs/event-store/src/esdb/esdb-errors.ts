// Which errors of @eventstore/db-client v6 are transient: the server could not be reached, did not
// answer in time, or is not the leader any more (a failover). A retry after a pause is right for them;
// the client itself reconnects (to the new leader for NotLeaderError) before the next call.
// Recognised by shape (`type`, gRPC `code`), not `instanceof`, so that a second copy of the client in
// node_modules cannot defeat the check.

/** `type` of the client's error classes that mean "try again later". */
const TRANSIENT_TYPES = new Set([
  'unavailable', // UnavailableError: no connection, node down, "write after end"
  'deadline-exceeded', // DeadlineExceededError: the call's deadline passed
  'timeout', // TimeoutError: gRPC ABORTED, the server timed the operation out (no quorum during an election)
  'cancelled', // CancelledError: the server cancelled a long-running call (node shutting down)
  'not-leader', // NotLeaderError: the node lost or never had leadership; the client reconnects to the leader
]);

/**
 * gRPC status codes, for the errors the client hands back without converting them (appendToStream
 * rejects with a plain `Error` carrying `code: 14` when no server answers): the statuses the client
 * itself converts into the classes above, DEADLINE_EXCEEDED 4, ABORTED 10 and UNAVAILABLE 14. A raw
 * CANCELLED (1) is left out: unconverted, it is the adapter's own cancellation of a subscription.
 */
const TRANSIENT_GRPC_CODES = new Set([4, 10, 14]);

/** True when `error` from the EventStoreDB client means the store is (for now) unavailable. */
export function isTransientEsdbError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { type, code } = error as { type?: unknown; code?: unknown };
  // A converted client error (it has a `type`) is judged by its type alone; a raw gRPC error by its code.
  if (typeof type === 'string') return TRANSIENT_TYPES.has(type);
  return typeof code === 'number' && TRANSIENT_GRPC_CODES.has(code);
}

// Stored answers to commands sent with an Idempotency-Key: a retry is answered from here. Bounded in
// time (each answer expires; expired ones are pruned) and kept on disk, never in the process's memory,
// so a school's clients may use a new key per request for ever without the API growing.

export interface StoredAnswer {
  /** A hash of who asked (role and subject), which operation, and the key: never the raw key. */
  id: string;
  /** A hash of the request (method, URL, body): the same key on another request is refused. */
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  storedAt: Date;
  expiresAt: Date;
}

export interface IdempotencyStore {
  /** The answer stored under `id`, unless it has expired at `now`. */
  find(id: string, now: Date): Promise<StoredAnswer | null>;
  /** Stores (or replaces) an answer. */
  save(answer: StoredAnswer): Promise<void>;
  /** Deletes the answers expired at `now`; returns how many. */
  prune(now: Date): Promise<number>;
  /** How many answers are stored (expired ones not yet pruned included). */
  count(): Promise<number>;
  close(): Promise<void>;
}

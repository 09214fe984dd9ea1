// A unit of work as a MongoDB multi-document transaction, retried a bounded number of times when the
// server labels the failure TransientTransactionError (a write conflict, a primary stepping down).
// The driver's `withTransaction` retries the same way but for up to 120 s, holding the caller (a
// subscriber) that long; here a few quick attempts are made, and what still fails surfaces (as transient:
// WriteConflictError for a write conflict, else ReadStoreUnavailableError) to the caller, whose own
// back-off takes over (a subscriber resubscribes from its checkpoint).
import { MongoError, MongoErrorLabel, type ClientSession, type TransactionOptions } from 'mongodb';

export type TransactionSession = Pick<ClientSession, 'startTransaction' | 'commitTransaction' | 'abortTransaction' | 'inTransaction'>;

export interface TransactionRetryOptions {
  /** Attempts at the whole unit while it fails with TransientTransactionError. Default 3. */
  maxAttempts?: number;
  /** Commits tried while the outcome of the previous one is unknown (UnknownTransactionCommitResult). Default 3. */
  maxCommits?: number;
  /** Pause before the second attempt; doubles with each further attempt (jittered, at most 1 s). Default 50 ms. */
  backoffMs?: number;
}

function hasLabel(error: unknown, label: string): boolean {
  return error instanceof MongoError && error.hasErrorLabel(label);
}

/** Runs `work` in a transaction of `session` and commits it; see the module comment for the retries. */
export async function runInTransaction<R>(
  session: TransactionSession,
  work: () => Promise<R>,
  transactionOptions: TransactionOptions,
  { maxAttempts = 3, maxCommits = 3, backoffMs = 50 }: TransactionRetryOptions = {},
): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    session.startTransaction(transactionOptions);
    try {
      const result = await work();
      await commit(session, maxCommits);
      return result;
    } catch (error) {
      if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
      if (attempt >= maxAttempts || !hasLabel(error, MongoErrorLabel.TransientTransactionError)) throw error;
      const pause = Math.min(backoffMs * 2 ** (attempt - 1), 1000) * (0.5 + Math.random() / 2);
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** Commits; a commit whose outcome is unknown is sent again (the server applies it at most once). */
async function commit(session: TransactionSession, maxCommits: number): Promise<void> {
  for (let commits = 1; ; commits++) {
    try {
      await session.commitTransaction();
      return;
    } catch (error) {
      if (commits >= maxCommits || !hasLabel(error, MongoErrorLabel.UnknownTransactionCommitResult)) throw error;
    }
  }
}

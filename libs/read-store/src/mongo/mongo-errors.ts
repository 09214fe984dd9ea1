// Which errors of the MongoDB driver are transient (the server unreachable, a primary stepping down or
// being elected, a write concern not satisfied in time), and the mapping of driver errors to the port's.
// A retry after a pause is right for the transient ones: the driver finds the new primary by itself.
import {
  MongoClientClosedError,
  MongoError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} from 'mongodb';
import { DuplicateKeyError, ReadStoreUnavailableError, WriteConflictError } from '../read-store.port';

const DUPLICATE_KEY = 11000;
const WRITE_CONFLICT = 112;

/** Labels the server or the driver puts on errors that a retry may fix. */
const TRANSIENT_LABELS: readonly string[] = [
  MongoErrorLabel.TransientTransactionError,
  MongoErrorLabel.RetryableWriteError,
  // The commit may or may not have happened: the unit's writes are idempotent with its checkpoint.
  MongoErrorLabel.UnknownTransactionCommitResult,
  MongoErrorLabel.PoolRequestedRetry,
  MongoErrorLabel.RetryableError,
  MongoErrorLabel.SystemOverloadedError,
];

/**
 * Server error codes of a replica set in failover or a node going away (the driver's retryable-read and
 * -write codes, plus the legacy "not master"), for errors that come without a label.
 */
const TRANSIENT_SERVER_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  133, // FailedToSatisfyReadPreference
  134, // ReadConcernMajorityNotAvailableYet
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10058, // LegacyNotPrimary
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Write concern errors that are a configuration mistake, not an outage: retrying does not help. */
const PERMANENT_WRITE_CONCERN_CODES = new Set([
  79, // UnknownReplWriteConcern: a tag set that does not exist
  100, // UnsatisfiableWriteConcern: more members asked for than the set has
]);

/** True when `error` from the MongoDB driver means the read store is (for now) unavailable. */
export function isTransientMongoError(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (TRANSIENT_LABELS.some((label) => error.hasErrorLabel(label))) return true;
  if (
    error instanceof MongoNetworkError || // MongoNetworkTimeoutError and the pool-cleared error too
    error instanceof MongoServerSelectionError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoClientClosedError ||
    error instanceof MongoNotConnectedError
  ) {
    return true;
  }
  if (error instanceof MongoWriteConcernError) {
    // Write concern timeout (64) and the rest: the write is on the primary, the majority not reached yet.
    return !PERMANENT_WRITE_CONCERN_CODES.has(writeConcernCode(error));
  }
  return error instanceof MongoServerError && TRANSIENT_SERVER_CODES.has(Number(error.code));
}

function writeConcernCode(error: MongoWriteConcernError): number {
  return Number(error.result?.writeConcernError?.code ?? error.code);
}

export function isDuplicateKey(error: unknown): error is MongoServerError {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/** Two concurrent transactions wrote the same document (the server's WriteConflict, labelled TransientTransactionError). */
export function isWriteConflict(error: unknown): error is MongoServerError {
  return error instanceof MongoServerError && error.code === WRITE_CONFLICT;
}

/**
 * Driver error → port error: duplicate key → {@link DuplicateKeyError}, write conflict →
 * {@link WriteConflictError}, other transient errors → {@link ReadStoreUnavailableError}; else unchanged.
 */
export function mapMongoError(error: unknown): unknown {
  if (isDuplicateKey(error)) return new DuplicateKeyError(error.message);
  if (isWriteConflict(error)) return new WriteConflictError(`MongoDB write conflict: ${error.message}`, error);
  if (isTransientMongoError(error)) {
    return new ReadStoreUnavailableError(`MongoDB is unavailable (${(error as Error).name}): ${(error as Error).message}`, error);
  }
  return error;
}

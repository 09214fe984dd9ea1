// The read store's unit of work on MongoDB: a transaction that fails with TransientTransactionError is
// tried again a bounded number of times, a commit of unknown outcome is sent again, and what still fails
// leaves as the driver's error (which the adapter maps to WriteConflictError or ReadStoreUnavailableError).
import { MongoErrorLabel, MongoServerError } from 'mongodb';
import { ReadStoreUnavailableError, WriteConflictError } from '../read-store.port';
import { mapMongoError } from './mongo-errors';
import { runInTransaction, type TransactionRetryOptions, type TransactionSession } from './mongo-transaction';

const OPTIONS = { writeConcern: { w: 'majority' as const } };

const writeConflict = () =>
  new MongoServerError({ ok: 0, errmsg: 'WriteConflict', code: 112, codeName: 'WriteConflict', errorLabels: [MongoErrorLabel.TransientTransactionError] });
const unknownCommit = () =>
  new MongoServerError({ ok: 0, errmsg: 'primary stepped down', code: 189, codeName: 'PrimarySteppedDown', errorLabels: [MongoErrorLabel.UnknownTransactionCommitResult] });
const duplicateKey = () => new MongoServerError({ ok: 0, errmsg: 'E11000 duplicate key', code: 11000, codeName: 'DuplicateKey' });

/** Records what the unit does with its session; commits fail with the errors queued in `commitFailures`. */
class FakeSession implements TransactionSession {
  calls: string[] = [];
  commitFailures: Error[] = [];
  private active = false;

  startTransaction(): void {
    this.calls.push('start');
    this.active = true;
  }
  inTransaction(): boolean {
    return this.active;
  }
  async commitTransaction(): Promise<void> {
    this.calls.push('commit');
    this.active = false;
    const failure = this.commitFailures.shift();
    if (failure) throw failure;
  }
  async abortTransaction(): Promise<void> {
    this.calls.push('abort');
    this.active = false;
  }
}

/** Runs a unit whose runs throw `failures` in turn (then it returns 'done') and tells how it went. */
async function unit(session: FakeSession, failures: Error[], options: TransactionRetryOptions = {}) {
  let runs = 0;
  const work = async () => {
    const failure = failures[runs++];
    if (failure) throw failure;
    return 'done';
  };
  const outcome = await runInTransaction(session, work, OPTIONS, { backoffMs: 0, ...options }).catch((error: unknown) => ({ error }));
  return { outcome, runs, calls: session.calls };
}

describe('runInTransaction', () => {
  it('tries the unit again while it fails with TransientTransactionError, then commits', async () => {
    expect(await unit(new FakeSession(), [writeConflict(), writeConflict()])).toEqual({
      outcome: 'done',
      runs: 3,
      calls: ['start', 'abort', 'start', 'abort', 'start', 'commit'],
    });
  });

  it('gives up after maxAttempts: the last driver error leaves, and the adapter maps a write conflict to WriteConflictError', async () => {
    const last = writeConflict();
    const { outcome, runs, calls } = await unit(new FakeSession(), [writeConflict(), writeConflict(), last, writeConflict()], { maxAttempts: 3 });
    expect({ outcome, runs, calls }).toEqual({ outcome: { error: last }, runs: 3, calls: ['start', 'abort', 'start', 'abort', 'start', 'abort'] });
    const mapped = mapMongoError(last);
    expect(mapped).toBeInstanceOf(WriteConflictError);
    expect(mapped).toMatchObject({ code: 'write_conflict', cause: last });
  });

  it('a commit failing with TransientTransactionError runs the whole unit again', async () => {
    const session = new FakeSession();
    session.commitFailures = [writeConflict()];
    expect(await unit(session, [])).toEqual({ outcome: 'done', runs: 2, calls: ['start', 'commit', 'start', 'commit'] });
  });

  it('sends a commit of unknown outcome again, a bounded number of times', async () => {
    const session = new FakeSession();
    session.commitFailures = [unknownCommit(), unknownCommit()];
    expect(await unit(session, [])).toEqual({ outcome: 'done', runs: 1, calls: ['start', 'commit', 'commit', 'commit'] });

    const stuck = new FakeSession();
    const last = unknownCommit();
    stuck.commitFailures = [unknownCommit(), unknownCommit(), last, unknownCommit()];
    expect(await unit(stuck, [], { maxCommits: 3 })).toEqual({ outcome: { error: last }, runs: 1, calls: ['start', 'commit', 'commit', 'commit'] });
    expect(mapMongoError(last)).toBeInstanceOf(ReadStoreUnavailableError);
  });

  it('does not retry what is not transient: a duplicate key or the work’s own error aborts and leaves at once', async () => {
    for (const failure of [duplicateKey(), new Error('projection bug')]) {
      expect(await unit(new FakeSession(), [failure, failure])).toEqual({ outcome: { error: failure }, runs: 1, calls: ['start', 'abort'] });
    }
  });
});

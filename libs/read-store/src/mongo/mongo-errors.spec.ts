// Failover errors of the real MongoDB driver classes are transient (ReadStoreUnavailableError once
// mapped); duplicate keys and programming errors are not.
import {
  MongoClientClosedError,
  MongoError,
  MongoErrorLabel,
  MongoInvalidArgumentError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoTransactionError,
  MongoWriteConcernError,
  type TopologyDescription,
} from 'mongodb';
import { DuplicateKeyError, ReadStoreUnavailableError, WriteConflictError } from '../read-store.port';
import { isTransientMongoError, mapMongoError } from './mongo-errors';

/** A server error as the driver builds it from a server reply. */
const serverError = (code: number, codeName: string, errorLabels: string[] = []) =>
  new MongoServerError({ ok: 0, errmsg: `${codeName} (test)`, code, codeName, errorLabels });

/** A write concern error as the driver builds it from an `ok: 1` reply carrying `writeConcernError`. */
const writeConcernError = (code: number, codeName: string, errorLabels: string[] = []) =>
  new MongoWriteConcernError({ ok: 1, n: 1, writeConcernError: { code, codeName, errmsg: `${codeName} (test)`, errInfo: {} }, errorLabels });

/** Server selection failing during an election (the real class; its reason is the topology the driver saw). */
const noPrimary = () =>
  new MongoServerSelectionError('Server selection timed out after 300 ms', {
    type: 'ReplicaSetNoPrimary',
    servers: new Map(),
    error: null,
  } as unknown as TopologyDescription);

describe('isTransientMongoError', () => {
  it.each([
    ['WriteConflict labelled TransientTransactionError', serverError(112, 'WriteConflict', [MongoErrorLabel.TransientTransactionError])],
    ['NoSuchTransaction labelled TransientTransactionError', serverError(251, 'NoSuchTransaction', [MongoErrorLabel.TransientTransactionError])],
    ['an error labelled RetryableWriteError', serverError(11602, 'InterruptedDueToReplStateChange', [MongoErrorLabel.RetryableWriteError])],
    ['a commit labelled UnknownTransactionCommitResult', serverError(50, 'MaxTimeMSExpired', [MongoErrorLabel.UnknownTransactionCommitResult])],
    ['NotWritablePrimary (10107), no label', serverError(10107, 'NotWritablePrimary')],
    ['NotPrimaryNoSecondaryOk (13435)', serverError(13435, 'NotPrimaryNoSecondaryOk')],
    ['NotPrimaryOrSecondary (13436)', serverError(13436, 'NotPrimaryOrSecondary')],
    ['PrimarySteppedDown (189)', serverError(189, 'PrimarySteppedDown')],
    ['ShutdownInProgress (91)', serverError(91, 'ShutdownInProgress')],
    ['InterruptedAtShutdown (11600)', serverError(11600, 'InterruptedAtShutdown')],
    ['HostUnreachable (6)', serverError(6, 'HostUnreachable')],
    ['MongoWriteConcernError: WriteConcernTimeout (64)', writeConcernError(64, 'WriteConcernTimeout')],
    ['MongoWriteConcernError: majority lost (PrimarySteppedDown, RetryableWriteError)', writeConcernError(189, 'PrimarySteppedDown', [MongoErrorLabel.RetryableWriteError])],
    ['MongoNetworkError', new MongoNetworkError('connection 3 to 10.0.0.2:27017 closed')],
    ['MongoNetworkTimeoutError', new MongoNetworkTimeoutError('connection 3 to 10.0.0.2:27017 timed out')],
    ['MongoServerSelectionError', noPrimary()],
    ['MongoOperationTimeoutError', new MongoOperationTimeoutError('Timed out during server selection')],
    ['MongoTopologyClosedError', new MongoTopologyClosedError()],
    ['MongoClientClosedError', new MongoClientClosedError()],
    ['MongoNotConnectedError', new MongoNotConnectedError('Client must be connected before running operations')],
  ])('%s is transient', (_name, error) => {
    expect(isTransientMongoError(error)).toBe(true);
  });

  it.each([
    ['a duplicate key (11000)', serverError(11000, 'DuplicateKey')],
    ['BadValue (2)', serverError(2, 'BadValue')],
    ['Unauthorized (13)', serverError(13, 'Unauthorized')],
    ['MongoWriteConcernError: UnsatisfiableWriteConcern (100)', writeConcernError(100, 'UnsatisfiableWriteConcern')],
    ['MongoWriteConcernError: UnknownReplWriteConcern (79)', writeConcernError(79, 'UnknownReplWriteConcern')],
    ['MongoInvalidArgumentError', new MongoInvalidArgumentError('Update document requires atomic operators')],
    ['MongoTransactionError', new MongoTransactionError('Transaction already in progress')],
    ['a bare MongoError', new MongoError('something else')],
    ['a plain Error', new Error('connection closed')],
    ['a plain Error labelled like a driver error', Object.assign(new Error('x'), { errorLabels: ['TransientTransactionError'] })],
    ['null', null],
  ])('%s is not transient', (_name, error) => {
    expect(isTransientMongoError(error)).toBe(false);
  });

  it('a label added by the driver after the fact counts (e.g. on a network error inside a transaction)', () => {
    const error = new MongoError('interrupted');
    expect(isTransientMongoError(error)).toBe(false);
    error.addErrorLabel(MongoErrorLabel.TransientTransactionError);
    expect(isTransientMongoError(error)).toBe(true);
  });
});

describe('mapMongoError', () => {
  it('maps a failover error to ReadStoreUnavailableError, keeping the driver error as its cause', () => {
    const cause = serverError(10107, 'NotWritablePrimary');
    const mapped = mapMongoError(cause);
    expect(mapped).toBeInstanceOf(ReadStoreUnavailableError);
    const { code, message } = mapped as ReadStoreUnavailableError;
    expect({ code, message, cause: (mapped as ReadStoreUnavailableError).cause }).toEqual({
      code: 'read_store_unavailable',
      message: 'MongoDB is unavailable (MongoServerError): NotWritablePrimary (test)',
      cause,
    });
  });

  it('maps a write conflict between concurrent units of work to WriteConflictError (transient: write_conflict)', () => {
    const cause = serverError(112, 'WriteConflict', [MongoErrorLabel.TransientTransactionError]);
    const mapped = mapMongoError(cause);
    expect(mapped).toBeInstanceOf(WriteConflictError);
    expect(mapped).toMatchObject({ code: 'write_conflict', cause });
    // Other transient transaction errors (e.g. after a failover) stay "unavailable".
    expect(mapMongoError(serverError(251, 'NoSuchTransaction', [MongoErrorLabel.TransientTransactionError]))).toBeInstanceOf(ReadStoreUnavailableError);
  });

  it('maps a duplicate key to DuplicateKeyError and returns other errors unchanged', () => {
    expect(mapMongoError(serverError(11000, 'DuplicateKey'))).toEqual(new DuplicateKeyError('DuplicateKey (test)'));
    const invalid = new MongoInvalidArgumentError('bad');
    expect(mapMongoError(invalid)).toBe(invalid);
  });
});

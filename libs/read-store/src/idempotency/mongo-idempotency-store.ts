// The distributed deployment's idempotency store: a MongoDB collection whose TTL index lets the server
// delete expired answers by itself (within about a minute); `find` ignores an expired answer meanwhile.
import { Collection, MongoClient } from 'mongodb';
import { mapMongoError } from '../mongo/mongo-errors';
import { dbNameFromUri } from '../mongo/mongo-read-store';
import type { IdempotencyStore, StoredAnswer } from './idempotency-store.port';

interface AnswerDoc {
  _id: string;
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  /** The answer body as JSON text: a body's keys may start with `$` or hold dots, which BSON documents may not. */
  body: string;
  storedAt: Date;
  expiresAt: Date;
}

export const IDEMPOTENCY_COLLECTION = 'idempotency_answers';

export class MongoIdempotencyStore implements IdempotencyStore {
  private readonly client: MongoClient;
  private readonly answers: Collection<AnswerDoc>;
  private indexed: Promise<unknown> | undefined;

  constructor(uri: string, options: { serverSelectionTimeoutMS?: number } = {}) {
    this.client = new MongoClient(uri, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000 });
    this.answers = this.client.db(dbNameFromUri(uri)).collection<AnswerDoc>(IDEMPOTENCY_COLLECTION);
  }

  private async ready(): Promise<void> {
    this.indexed ??= this.answers.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' }).catch((error) => {
      this.indexed = undefined;
      throw error;
    });
    await this.indexed;
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      await this.ready();
      return await work();
    } catch (error) {
      throw mapMongoError(error);
    }
  }

  find(id: string, now: Date): Promise<StoredAnswer | null> {
    return this.guard(async () => {
      const doc = await this.answers.findOne({ _id: id, expiresAt: { $gt: now } });
      if (!doc) return null;
      return {
        id: doc._id,
        fingerprint: doc.fingerprint,
        status: doc.status,
        headers: doc.headers,
        body: doc.body === '' ? undefined : JSON.parse(doc.body),
        storedAt: doc.storedAt,
        expiresAt: doc.expiresAt,
      };
    });
  }

  save(answer: StoredAnswer): Promise<void> {
    return this.guard(async () => {
      const doc: AnswerDoc = {
        _id: answer.id,
        fingerprint: answer.fingerprint,
        status: answer.status,
        headers: answer.headers,
        body: answer.body === undefined ? '' : JSON.stringify(answer.body),
        storedAt: answer.storedAt,
        expiresAt: answer.expiresAt,
      };
      await this.answers.replaceOne({ _id: answer.id }, doc, { upsert: true });
    });
  }

  prune(now: Date): Promise<number> {
    return this.guard(async () => (await this.answers.deleteMany({ expiresAt: { $lte: now } })).deletedCount);
  }

  count(): Promise<number> {
    return this.guard(() => this.answers.countDocuments());
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

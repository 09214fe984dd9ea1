// The distributed deployment's key table: a MongoDB collection (`data_keys`) with its own client. An erasure unsets
// the wrapped key; MongoDB's storage engine and backups keep their own retention (docs/privacy.md).
import { Binary, Collection, MongoClient } from 'mongodb';
import type { KeyTable, StoredKey } from './key-store';

interface KeyDoc {
  _id: string;
  keyId: string;
  wrapped: Binary | null;
  erasedAt: string | null;
}

export const KEY_COLLECTION = 'data_keys';

/** The database named in the URI's path, `mentoring` when none. */
function dbName(uri: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return match ? decodeURIComponent(match[1]) : 'mentoring';
}

export class MongoKeyTable implements KeyTable {
  private readonly client: MongoClient;
  private readonly keys: Collection<KeyDoc>;

  constructor(uri: string, options: { serverSelectionTimeoutMS?: number; collection?: string } = {}) {
    this.client = new MongoClient(uri, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000 });
    this.keys = this.client.db(dbName(uri)).collection<KeyDoc>(options.collection ?? KEY_COLLECTION);
  }

  private static toStored(doc: KeyDoc): StoredKey {
    return { subject: doc._id, keyId: doc.keyId, wrapped: doc.wrapped ? Buffer.from(doc.wrapped.buffer) : null, erasedAt: doc.erasedAt };
  }

  async find(subject: string): Promise<StoredKey | null> {
    const doc = await this.keys.findOne({ _id: subject });
    return doc ? MongoKeyTable.toStored(doc) : null;
  }

  async insertIfAbsent(row: StoredKey): Promise<StoredKey> {
    await this.keys.updateOne(
      { _id: row.subject },
      { $setOnInsert: { keyId: row.keyId, wrapped: row.wrapped ? new Binary(row.wrapped) : null, erasedAt: row.erasedAt } },
      { upsert: true, writeConcern: { w: 'majority' } },
    );
    return MongoKeyTable.toStored((await this.keys.findOne({ _id: row.subject }))!);
  }

  async erase(subject: string, erasedAt: string): Promise<void> {
    await this.keys.updateOne(
      { _id: subject },
      [{ $set: { wrapped: null, erasedAt: { $ifNull: ['$erasedAt', erasedAt] }, keyId: { $ifNull: ['$keyId', '-'] } } }],
      { upsert: true, writeConcern: { w: 'majority' } },
    );
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

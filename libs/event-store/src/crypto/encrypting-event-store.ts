// Crypto-shredding as a decorator of the EventStore port: on append, the personal fields of each event (see
// PERSONAL_DATA_MAP) are sealed with the data key of the person they belong to; on every read path they are opened
// again, so deciders, projections, reactors, upcasters and the audit see plain events. Once a person's key is
// destroyed, their fields read as placeholders ("[erased]"), and the rest of the history reads as before.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  FilteredRead,
  ReadAllFilteredOptions,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { DataKey, keySubject, KeyStore } from './key-store';
import { ERASURE_EVENTS, KeyOwner, PERSONAL_DATA_MAP, PersonalField } from './personal-data-map';

/** A sealed field as stored: AES-256-GCM of the field's JSON, bound (AAD) to its subject and path. */
export interface Envelope {
  $enc: 'v1';
  /** Id of the data key. */
  k: string;
  iv: string;
  ct: string;
  tag: string;
}

export function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && (value as Envelope).$enc === 'v1' && typeof (value as Envelope).ct === 'string';
}

/** A sealed field that cannot be opened although its key exists: altered ciphertext, or a key that is not its own. */
export class DecryptionError extends Error {
  readonly code = 'decryption_failed';
  constructor(
    readonly eventId: string,
    readonly path: string,
    reason: string,
  ) {
    super(`event ${eventId}: field ${path} cannot be decrypted (${reason})`);
    this.name = 'DecryptionError';
  }
}

/** The event types that destroy a key, which every filtered read includes (see readAllFiltered). */
const ERASURE_TYPES = Object.keys(ERASURE_EVENTS);

const IV_BYTES = 12;
/** IVs taken from one call to the CSPRNG: as random as a `randomBytes(12)` each, without a call per field. */
const IVS_PER_DRAW = 256;
let ivPool = Buffer.alloc(0);
let ivTaken = 0;

/** A fresh random IV. A drawn pool is never reused: it is replaced, not refilled, once its IVs are taken. */
function freshIv(): Buffer {
  if (ivTaken + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_BYTES * IVS_PER_DRAW);
    ivTaken = 0;
  }
  const iv = ivPool.subarray(ivTaken, ivTaken + IV_BYTES);
  ivTaken += IV_BYTES;
  return iv;
}

export function seal(key: DataKey, aad: string, value: unknown): Envelope {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { $enc: 'v1', k: key.keyId, iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** Opens an envelope; throws when the tag does not verify (never returns unauthenticated bytes). */
export function open(key: DataKey, aad: string, envelope: Envelope): unknown {
  const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(envelope.iv, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  const text = Buffer.concat([decipher.update(Buffer.from(envelope.ct, 'base64')), decipher.final()]).toString('utf8');
  return JSON.parse(text);
}

function getPath(data: unknown, path: string[]): { parent: Record<string, unknown>; key: string } | null {
  let node = data;
  for (const part of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return null;
    node = (node as Record<string, unknown>)[part];
  }
  if (typeof node !== 'object' || node === null) return null;
  const key = path[path.length - 1];
  if (!Object.prototype.hasOwnProperty.call(node, key)) return null;
  return { parent: node as Record<string, unknown>, key };
}

/**
 * Replaces the objects on `path` (all but its last part) below `root` by shallow copies, in place, and returns
 * `root`. `copied` holds the copies already made for this event, so that two paths through one object copy it once.
 */
function copyOnPath(root: Record<string, unknown>, path: string[], copied: Set<unknown>): Record<string, unknown> {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const child = node[path[i]];
    if (typeof child !== 'object' || child === null || !Object.prototype.hasOwnProperty.call(node, path[i])) break;
    if (!copied.has(child)) {
      const copy = Array.isArray(child) ? [...(child as unknown[])] : { ...(child as Record<string, unknown>) };
      copied.add(copy);
      node[path[i]] = copy;
    }
    node = node[path[i]] as Record<string, unknown>;
  }
  return root;
}

/**
 * A deep copy of event data as read (JSON: plain objects, arrays, primitives), several times faster than
 * structuredClone; anything else in it (never from a store) is copied by structuredClone.
 */
export function cloneData(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneData(value[i]);
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const copy = cloneData((value as Record<string, unknown>)[key]);
    if (key === '__proto__') Object.defineProperty(out, key, { value: copy, enumerable: true, writable: true, configurable: true });
    else out[key] = copy;
  }
  return out;
}

export interface EncryptingEventStoreOptions {
  /** Which fields to seal; default {@link PERSONAL_DATA_MAP}. */
  map?: Readonly<Record<string, readonly PersonalField[]>>;
  /** Close the key store with the event store (default true). */
  ownsKeyStore?: boolean;
}

/** Events opened recently, by event id: every subscriber of a process reads the same new events (one $all each). */
const OPENED_CACHE_SIZE = 4_096;
/** An opened event is reused for this long at most (another process may erase its person meanwhile). */
const OPENED_CACHE_MS = 10_000;

export class EncryptingEventStore implements EventStore {
  private readonly map: Readonly<Record<string, readonly PersonalField[]>>;
  private readonly ownsKeyStore: boolean;
  /**
   * The projections, reactors and processes of one process each read every new event from their own subscription:
   * without this, each would open the same envelopes again (a decipher per field, ten times per event). Copies are
   * handed out, so a consumer that changes its event changes nobody else's. Cleared whenever a key is destroyed or an
   * erasure is read, and entries live {@link OPENED_CACHE_MS} at most.
   */
  private readonly opened = new LRUCache<string, { data: unknown; at: number }>({ max: OPENED_CACHE_SIZE });
  private destroyedSeen: number | undefined;

  constructor(
    readonly inner: EventStore,
    readonly keyStore: KeyStore & { evict?(subject: string): void },
    options: EncryptingEventStoreOptions = {},
  ) {
    this.map = options.map ?? PERSONAL_DATA_MAP;
    this.ownsKeyStore = options.ownsKeyStore ?? true;
  }

  private subjectOf(owner: KeyOwner, data: Record<string, unknown>, type: string): string {
    const id = owner === 'student' ? data.studentId : data.mentorId;
    if (typeof id !== 'string' || id === '') throw new Error(`${type}: personal data of a ${owner} without ${owner}Id cannot be sealed`);
    return keySubject(owner, id);
  }

  /**
   * Seals the personal fields of an event (a copy: the objects on the way to a sealed field are copied, the rest is
   * shared with the given event, and neither is changed afterwards); an erased person's fields are stored as
   * placeholders. The key of a subject is looked up once per event.
   */
  async encryptEvent<E extends NewEvent>(event: E): Promise<E> {
    const fields = this.map[event.type];
    if (!fields || fields.length === 0) return event;
    if (typeof event.data !== 'object' || event.data === null) return event;
    const data = (Array.isArray(event.data) ? [...(event.data as unknown[])] : { ...(event.data as Record<string, unknown>) }) as Record<string, unknown>;
    const copied = new Set<unknown>();
    const keys = new Map<string, DataKey | null>();
    for (const field of fields) {
      const path = field.path.split('.');
      const original = getPath(event.data, path);
      if (!original || original.parent[original.key] === null || original.parent[original.key] === undefined || isEnvelope(original.parent[original.key])) continue;
      const at = getPath(copyOnPath(data, path, copied), path)!;
      const subject = this.subjectOf(field.owner, data, event.type);
      let key = keys.get(subject);
      if (key === undefined) keys.set(subject, (key = await this.keyStore.getOrCreate(subject)));
      at.parent[at.key] = key ? seal(key, `${subject}|${field.path}`, at.parent[at.key]) : field.placeholder;
    }
    return { ...event, data };
  }

  /**
   * Opens the sealed fields of a recorded event (a copy); fields of an erased person read as placeholders. `remember`
   * false: a reader nobody else follows (a rebuild), whose events are not worth a copy kept for the others.
   */
  async decryptEvent(event: RecordedEvent, remember = true): Promise<RecordedEvent> {
    const fields = this.map[event.type];
    if (!fields || fields.length === 0) return event;
    const now = Date.now();
    // A key destroyed by this process (an erasure, whatever path called destroy): nothing opened before is reused.
    const destroyed = (this.keyStore as { destroyedCount?: number }).destroyedCount;
    if (destroyed !== undefined && destroyed !== this.destroyedSeen) {
      this.opened.clear();
      this.destroyedSeen = destroyed;
    }
    const cached = this.opened.get(event.eventId);
    if (cached && now - cached.at < OPENED_CACHE_MS) return { ...event, data: cloneData(cached.data) };
    const opened = await this.openFields(event, fields);
    if (opened !== event && remember) this.opened.set(event.eventId, { data: cloneData(opened.data), at: now });
    return opened;
  }

  private async openFields(event: RecordedEvent, fields: readonly PersonalField[]): Promise<RecordedEvent> {
    let data: Record<string, unknown> | null = null;
    for (const field of fields) {
      const path = field.path.split('.');
      const found = getPath(event.data, path);
      if (!found || !isEnvelope(found.parent[found.key])) continue;
      data ??= cloneData(event.data) as Record<string, unknown>;
      const at = getPath(data, path)!;
      const envelope = at.parent[at.key] as Envelope;
      const subject = this.subjectOf(field.owner, data, event.type);
      const key = await this.keyStore.get(subject);
      if (!key) {
        if (!(await this.keyStore.isErased(subject))) throw new DecryptionError(event.eventId, field.path, `no data key for ${subject}`);
        at.parent[at.key] = field.placeholder;
        continue;
      }
      if (key.keyId !== envelope.k) throw new DecryptionError(event.eventId, field.path, `sealed with key ${envelope.k}, ${subject} has ${key.keyId}`);
      try {
        at.parent[at.key] = open(key, `${subject}|${field.path}`, envelope);
      } catch {
        throw new DecryptionError(event.eventId, field.path, 'authentication failed');
      }
    }
    return data ? { ...event, data } : event;
  }

  private async decryptAll(events: RecordedEvent[], remember = true): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    for (const event of events) {
      const owner = ERASURE_EVENTS[event.type];
      // Another process destroyed the key: do not trust this process's cached copy past the erasure.
      if (owner) {
        this.opened.clear();
        if (this.keyStore.evict) this.keyStore.evict(this.subjectOf(owner, event.data as Record<string, unknown>, event.type));
      }
      out.push(await this.decryptEvent(event, remember));
    }
    return out;
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const sealed: NewEvent[] = [];
    for (const event of events) sealed.push(await this.encryptEvent(event));
    return this.inner.append(streamId, sealed, expected);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.decryptAll(await this.inner.readStream(streamId, options));
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.decryptAll(await this.inner.readAll(options));
  }

  /**
   * Only the events asked for are opened. The erasure events are always read too (and dropped from the answer when
   * not asked for): seeing one is how this process learns that another one destroyed a key it may have cached.
   */
  async readAllFiltered(options: ReadAllFilteredOptions): Promise<FilteredRead> {
    const missing = ERASURE_TYPES.filter((type) => !options.eventTypes.has(type));
    const eventTypes = missing.length === 0 ? options.eventTypes : new Set([...options.eventTypes, ...missing]);
    const read = await this.inner.readAllFiltered({ ...options, eventTypes });
    // A rebuild's read: the live subscribers will not ask for these events again.
    const opened = await this.decryptAll(read.events, false);
    return { ...read, events: missing.length === 0 ? opened : opened.filter((event) => options.eventTypes.has(event.type)) };
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return this.inner.subscribeToAll({ ...options, onEvents: async (events) => options.onEvents(await this.decryptAll(events)) });
  }

  headPosition(): Promise<Position | null> {
    return this.inner.headPosition();
  }

  countAfter(after?: Position): Promise<number> {
    return this.inner.countAfter(after);
  }

  /** Destroys a person's data key: from now on their sealed fields read as placeholders, everywhere. */
  async erase(owner: KeyOwner, id: string, at?: Date): Promise<void> {
    await this.keyStore.destroy(keySubject(owner, id), at);
    this.opened.clear();
  }

  async close(): Promise<void> {
    await this.inner.close();
    if (this.ownsKeyStore) await this.keyStore.close();
  }
}

// The one canonical form the integrity hashes are computed over (issue 11, part 2): JSON with the keys of every
// object sorted, no whitespace, and JSON.stringify's own rules for everything else (undefined object members
// and functions left out, undefined in arrays as null, toJSON honoured). A value and its JSON round trip
// (what a store gives back) have the same canonical form, so a hash computed at append time is recomputed
// from the stored event on either store.
import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../event-store.port';

export const HASH_ALG = 'sha256-v1';
/** The `prev` of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an event's metadata carries once chained: `hash = sha256(prev ‖ canonical(event))`. */
export interface IntegrityMetadata {
  alg: typeof HASH_ALG;
  prev: string;
  hash: string;
}

export function canonicalJson(value: unknown): string {
  const out = canonical(value, false);
  return out === undefined ? 'null' : out;
}

/** JSON of object keys, which repeat from event to event (`"studentId"`, `"occurredAt"`…): computed once each. */
const KEY_JSON = new Map<string, string>();
const KEY_JSON_KEPT = 4_096;

function keyJson(key: string): string {
  let json = KEY_JSON.get(key);
  if (json === undefined) {
    json = JSON.stringify(key);
    if (KEY_JSON.size < KEY_JSON_KEPT) KEY_JSON.set(key, json);
  }
  return json;
}

function sorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

// One pass with string concatenation; the keys are sorted only when they are not in order already (the same
// code-unit order as Array.prototype.sort). The output is exactly that of the spec above: hashes stored with
// earlier versions of this function verify.
function canonical(value: unknown, inArray: boolean): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return inArray ? 'null' : undefined;
    case 'bigint':
      return JSON.stringify(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, true)).join(',')}]`;
  const keys = Object.keys(value as object);
  if (!sorted(keys)) keys.sort();
  let out = '{';
  for (const key of keys) {
    const v = canonical((value as Record<string, unknown>)[key], false);
    if (v === undefined) continue;
    out += out.length === 1 ? `${keyJson(key)}:${v}` : `,${keyJson(key)}:${v}`;
  }
  return `${out}}`;
}

/** The fields of a stored event the chain covers. */
export interface ChainedFields {
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
}

/** The canonical stored form of an event: every field but the store's position and clock, metadata without `integrity`. */
export function canonicalEvent(event: ChainedFields): string {
  // Built in key order, so it needs no sort.
  return canonicalJson({
    data: event.data ?? null,
    eventId: event.eventId,
    metadata: withoutIntegrity(event.metadata),
    revision: event.revision,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    type: event.type,
  });
}

export function withoutIntegrity(metadata: unknown): unknown {
  if (metadata === null || typeof metadata !== 'object' || !('integrity' in metadata)) return metadata ?? null;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { integrity, ...rest } = metadata as Record<string, unknown>;
  return rest;
}

/** `sha256(prev ‖ "\n" ‖ canonical(event))`, hex. */
export function chainHash(prev: string, event: ChainedFields): string {
  return createHash('sha256').update(`${prev}\n${canonicalEvent(event)}`).digest('hex');
}

/** The integrity metadata of a stored event, or null for an event stored before chaining (legacy). */
export function integrityOf(event: { metadata: unknown }): IntegrityMetadata | null {
  const m = event.metadata as { integrity?: Partial<IntegrityMetadata> } | null;
  const i = m && typeof m === 'object' ? m.integrity : undefined;
  if (!i || typeof i !== 'object' || typeof i.hash !== 'string' || typeof i.prev !== 'string') return null;
  return i as IntegrityMetadata;
}

/** A legacy (unchained) event's hash: over its content alone, so it can be a chain's `prev` and a checkpoint's leaf. */
export function legacyHash(event: ChainedFields): string {
  return createHash('sha256').update('legacy-v1\n').update(canonicalEvent(event)).digest('hex');
}

/** The hash that stands for a stored event: its chained hash, or its legacy hash. */
export function storedHash(event: RecordedEvent | ChainedFields): string {
  return integrityOf(event)?.hash ?? legacyHash(event);
}

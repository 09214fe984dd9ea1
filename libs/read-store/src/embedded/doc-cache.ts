// A bounded LRU cache of parsed read-model documents, keyed by collection and `_id`, sized by the length of
// the documents' JSON text. It only ever holds committed documents; entries are never mutated (the store
// copies what it hands out and writes new objects), so a cached object can be returned to the store's code.
import type { Doc } from '../read-store.port';

interface Entry {
  doc: Doc;
  size: number;
}

export class DocCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  /**
   * Walks the entries oldest first, across calls. A Map keeps a deleted entry's slot until it grows again, and a
   * new `keys()` iterator skips every such slot from the start: taking the oldest entry that way cost about 30 µs
   * per eviction once the cache was full (a rebuild larger than the cache paid it for every document it wrote).
   * Everything before this iterator's position has been evicted (a refreshed entry moves to the end), so what it
   * yields next is the oldest entry.
   */
  private oldest: IterableIterator<[string, Entry]> | undefined;

  constructor(private readonly maxBytes: number) {}

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  /** The cached document, marked as recently used. */
  get(collection: string, id: string): Doc | undefined {
    const key = `${collection}\u0000${id}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.doc;
  }

  /** The cached document without changing its rank (for scans, which must not flush the hot set). */
  peek(collection: string, id: string): Doc | undefined {
    return this.entries.get(`${collection}\u0000${id}`)?.doc;
  }

  set(collection: string, id: string, doc: Doc, size: number): void {
    if (this.maxBytes <= 0 || size > this.maxBytes / 4) {
      this.delete(collection, id);
      return;
    }
    const key = `${collection}\u0000${id}`;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.size;
      this.entries.delete(key);
    }
    this.entries.set(key, { doc, size });
    this.bytes += size;
    while (this.bytes > this.maxBytes) {
      let next = this.oldest?.next();
      if (!next || next.done) next = (this.oldest = this.entries.entries()).next();
      if (next.done) break;
      const [oldest, entry] = next.value;
      this.bytes -= entry.size;
      this.entries.delete(oldest);
    }
  }

  delete(collection: string, id: string): void {
    const key = `${collection}\u0000${id}`;
    const old = this.entries.get(key);
    if (!old) return;
    this.bytes -= old.size;
    this.entries.delete(key);
  }

  /** Forgets every document of a collection (dropped or renamed). */
  forgetCollection(collection: string): void {
    const prefix = `${collection}\u0000`;
    for (const [key, entry] of this.entries) {
      if (key.startsWith(prefix)) {
        this.bytes -= entry.size;
        this.entries.delete(key);
      }
    }
  }
}

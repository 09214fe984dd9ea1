// The canonical form is what every stored hash was computed over: a faster implementation must give exactly the
// same text for every value. The reference below is the plain definition (sort the keys, recurse, join).
import { canonicalEvent, canonicalJson } from './canonical';

function reference(value: unknown, inArray = false): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return inArray ? 'null' : undefined;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => reference(v, true)).join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const v = reference((value as Record<string, unknown>)[key]);
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${v}`);
  }
  return `{${parts.join(',')}}`;
}

/** A small deterministic generator (xorshift), so that a failure can be replayed. */
function generator(seed: number) {
  let x = seed;
  const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const keys = ['a', 'b', 'Z', 'studentId', 'name', 'é', '\u2028', '"q"', '10', '2', '_', 'data', 'metadata', '$enc', 'k\\'];
  const strings = ['', 'x', 'Sam "Lee"', 'line\nbreak', '\u0000\u001f', '\ud800', 'é😀', '</script>'];
  const numbers = [0, -0, 1, -1.5, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity];
  const value = (depth: number): unknown => {
    const kind = depth > 3 ? Math.floor(next() * 6) : Math.floor(next() * 10);
    switch (kind) {
      case 0: return pick(strings);
      case 1: return pick(numbers);
      case 2: return next() < 0.5;
      case 3: return null;
      case 4: return undefined;
      case 5: return pick([() => 1, Symbol('s'), new Date(Date.UTC(2027, 0, 4))]);
      case 6:
      case 7: return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      case 8: {
        const inner = value(depth + 1);
        return { toJSON: () => inner };
      }
      default: return Object.fromEntries(Array.from({ length: Math.floor(next() * 6) }, () => [pick(keys), value(depth + 1)]));
    }
  };
  return value;
}

describe('canonicalJson', () => {
  it('gives the reference text for 20,000 generated values (keys out of order, undefined, toJSON, odd strings and numbers)', () => {
    const value = generator(0x9e3779b9);
    for (let i = 0; i < 20_000; i++) {
      const v = value(0);
      expect(canonicalJson(v)).toBe(reference(v) ?? 'null');
    }
  });

  it('sorts keys by code unit, also when they come in order already', () => {
    expect(canonicalJson({ b: 1, a: { d: [undefined, 2], c: undefined } })).toBe('{"a":{"d":[null,2]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2, é: 3, Z: 4 })).toBe('{"Z":4,"a":1,"b":2,"é":3}');
  });

  it('an event: the fields the chain covers, metadata without integrity', () => {
    const event = {
      streamId: 's-1',
      revision: 3,
      eventId: 'e-1',
      type: 'T',
      schemaVersion: 1,
      data: { z: 1, a: [1, 'x'] },
      metadata: { correlationId: 'c', integrity: { alg: 'sha256-v1', prev: 'p', hash: 'h' } },
    };
    const { integrity: _integrity, ...metadata } = event.metadata;
    expect(canonicalEvent(event)).toBe(reference({ ...event, metadata }));
  });
});

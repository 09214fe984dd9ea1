import { timeOrderedUuid } from './time-ordered-uuid';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedUuid (UUID version 7, RFC 9562)', () => {
  it('is a version 7, variant 10 UUID whose first 48 bits are the Unix milliseconds', () => {
    const at = Date.UTC(2026, 10, 30, 1, 2, 3, 456);
    const id = timeOrderedUuid(at);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts by the millisecond it was made in, as text (what a store index compares)', () => {
    const instants = [0, 1, 255, 256, 65_535, 2 ** 32 - 1, 2 ** 32, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 1, 2 ** 47, 2 ** 48 - 1];
    const ids = instants.map((t) => timeOrderedUuid(t));
    expect([...ids].sort()).toEqual(ids);
    ids.forEach((id, i) => expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(instants[i]));
  });

  it('differs in its random bits within one millisecond, across refills of the random pool', () => {
    const ids = Array.from({ length: 5_000 }, () => timeOrderedUuid(1_000));
    expect(new Set(ids).size).toBe(ids.length);
    ids.forEach((id) => expect(id).toMatch(UUID_V7));
  });
});

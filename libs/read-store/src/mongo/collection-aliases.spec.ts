// The alias bookkeeping of the MongoDB adapter's rebuild switch (ADR 0006), run against a model of a
// database (physical collection name → documents): what no MongoDB server on the test machine can show.
import { GENERATION_PREFIX, logicalNames, physicalOf, switchAliases, type Aliases, type Retired } from './collection-aliases';

/** A database of physical collections, seen through the aliases as the adapter sees it. */
class Model {
  aliases: Aliases = new Map();
  retired: Retired[] = [];
  readonly physical = new Map<string, string[]>();

  write(name: string, doc: string): void {
    const target = physicalOf(this.aliases, name);
    this.physical.set(target, [...(this.physical.get(target) ?? []), doc]);
  }
  read(name: string): string[] | undefined {
    return this.physical.get(physicalOf(this.aliases, name));
  }
  drop(name: string): void {
    this.physical.delete(physicalOf(this.aliases, name));
  }
  switch(pairs: Array<{ from: string; to: string }>): void {
    const next = switchAliases(this.aliases, pairs, '2026-11-29T00:00:00.000Z');
    this.aliases = next.aliases;
    this.retired.push(...next.retired);
  }
  dropRetired(): void {
    for (const { physical } of this.retired) this.physical.delete(physical);
    this.retired = [];
  }
  list(): string[] {
    return logicalNames(this.aliases, new Set(this.physical.keys()), (name) => name.startsWith('_'));
  }
  /** No two names share a physical collection, and no name resolves to a retired one. */
  assertInvariants(): void {
    const named = [...this.aliases.values()];
    expect(new Set(named).size).toBe(named.length);
    for (const { physical } of this.retired) {
      expect(named).not.toContain(physical);
      // A retired plain name is aliased itself, so that name no longer resolves to the retired collection.
      expect(this.aliases.has(physical) || physical.startsWith(GENERATION_PREFIX)).toBe(true);
    }
  }
}

describe('collection aliases (MongoDB rebuild switch)', () => {
  it('rebuild after rebuild: the live names hold the last build, the shadow names start empty, nothing else is touched', () => {
    const db = new Model();
    db.write('a', 'a-v1');
    db.write('b', 'b-v1');
    db.write('other', 'o');
    for (let version = 2; version <= 6; version++) {
      // What a rebuild does: drop the shadows, build them (b's shadow stays empty in odd versions), switch.
      db.drop('a__next');
      db.drop('b__next');
      expect(db.read('a__next')).toBeUndefined();
      expect(db.read('a')).toEqual([`a-v${version - 1}`]);
      db.write('a__next', `a-v${version}`);
      if (version % 2 === 0) db.write('b__next', `b-v${version}`);
      db.switch([
        { from: 'a__next', to: 'a' },
        { from: 'b__next', to: 'b' },
      ]);
      db.assertInvariants();
      expect(db.read('a')).toEqual([`a-v${version}`]);
      expect(db.read('b')).toEqual(version % 2 === 0 ? [`b-v${version}`] : undefined);
      expect(db.read('a__next')).toBeUndefined();
      expect(db.list()).toEqual(version % 2 === 0 ? ['a', 'b', 'other'] : ['a', 'other']);
      if (version % 3 === 0) db.dropRetired();
      expect(db.read('a')).toEqual([`a-v${version}`]);
      expect(db.read('other')).toEqual(['o']);
    }
    db.dropRetired();
    // Only the live generations and the untouched collection are left.
    expect([...db.physical.values()].sort()).toEqual([['a-v6'], ['b-v6'], ['o']]);
  });

  it('a rename chain (renameCollection is a one-pair switch) and a write to the old name afterwards', () => {
    const db = new Model();
    db.write('blue', 'n1');
    db.write('green', 'old');
    db.switch([{ from: 'blue', to: 'green' }]);
    db.switch([{ from: 'green', to: 'third' }]);
    db.assertInvariants();
    expect(db.read('third')).toEqual(['n1']);
    expect(db.read('green')).toBeUndefined();
    expect(db.read('blue')).toBeUndefined();
    db.write('blue', 'fresh');
    db.write('green', 'fresh-green');
    expect(db.read('third')).toEqual(['n1']);
    expect(db.list()).toEqual(['blue', 'green', 'third']);
    db.dropRetired();
    expect(db.read('third')).toEqual(['n1']);
    expect(db.read('green')).toEqual(['fresh-green']);
  });

  it('the previous physical collections of the targets are retired, with the switch time', () => {
    const { aliases, retired } = switchAliases(new Map([['a', '_gen.a.1']]), [{ from: 'a__next', to: 'a' }], 'T', (n) => `_gen.${n}.2`);
    expect([...aliases]).toEqual([
      ['a', 'a__next'],
      ['a__next', '_gen.a__next.2'],
    ]);
    expect(retired).toEqual([{ physical: '_gen.a.1', at: 'T' }]);
  });
});

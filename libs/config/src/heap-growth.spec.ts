import { applyHeapGrowth } from './heap-growth';

describe('applyHeapGrowth (HEAP_GROWTH_PERCENT, ADR 0010)', () => {
  it('sets V8’s heap growing factor to 1 + percent/100', () => {
    const flags: string[] = [];
    applyHeapGrowth(100, (f) => flags.push(f));
    applyHeapGrowth(35, (f) => flags.push(f));
    expect(flags).toEqual(['--heap-growing-percent=100', '--heap-growing-percent=35']);
  });

  it('leaves V8’s own factor alone with 0', () => {
    const flags: string[] = [];
    applyHeapGrowth(0, (f) => flags.push(f));
    expect(flags).toEqual([]);
  });

  it('refuses a value that is not a whole number of percent', () => {
    expect(() => applyHeapGrowth(-5, () => undefined)).toThrow(RangeError);
    expect(() => applyHeapGrowth(1.5, () => undefined)).toThrow(RangeError);
  });
});

import { execFileSync } from 'node:child_process';
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

  // The flag set at run time, not only on node's command line, bounds the heap: the same churn over ~100 MB live
  // in two fresh processes, V8's own factor against a factor of 1.5. Compared with each other, not with a figure.
  it('bounds the heap of a process that sets it at start', () => {
    const churn = (percent: number) => {
      const script = `
        const v8 = require('node:v8');
        if (${percent} > 0) v8.setFlagsFromString('--heap-growing-percent=${percent}');
        const live = []; for (let i = 0; i < 400000; i++) live.push({ a: 'x'.repeat(100) + i, b: [i] });
        let junk = [], peak = 0;
        for (let r = 0; r < 2000; r++) {
          for (let i = 0; i < 2000; i++) junk.push({ s: 'y'.repeat(200) + i });
          if (junk.length > 20000) junk = [];
          live[(r * 7919) % live.length] = { a: 'z'.repeat(100) + r, b: [r] };
          peak = Math.max(peak, process.memoryUsage().heapTotal);
        }
        process.stdout.write(String(peak));`;
      return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    };
    const ownFactor = churn(0);
    const bounded = churn(50);
    expect(bounded).toBeLessThan(ownFactor * 0.75);
  }, 60_000);
});

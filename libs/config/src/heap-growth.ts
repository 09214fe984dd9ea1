// The JavaScript heap's growth between full collections (HEAP_GROWTH_PERCENT, ADR 0010).
//
// After each full GC, V8 sets the size at which the next one starts to the live size times a factor that it picks
// from the GC's speed against the program's allocation rate: up to 4 under a steady load. Measured on a 100,000-student
// school under mixed load, 120-135 MB were live while the heap (and RSS) rose to 470-520 MB within 30 minutes: the
// memory was the factor, not the data. A fixed factor of 1 + HEAP_GROWTH_PERCENT/100 bounds the heap to about twice
// the live size by default, for a few more (mostly concurrent) collections.
import { setFlagsFromString } from 'node:v8';

/**
 * Sets V8's `--heap-growing-percent` for this process: read by V8 each time it sizes the heap after a full GC, so
 * setting it at start, before the stores load anything, takes effect at the first one. 0 leaves V8's own dynamic
 * factor (and any `--heap-growing-percent` given to node on its command line) alone.
 */
export function applyHeapGrowth(percent: number, setFlags: (flags: string) => void = setFlagsFromString): void {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`heap growth must be a whole number of percent, got ${percent}`);
  if (percent > 0) setFlags(`--heap-growing-percent=${percent}`);
}

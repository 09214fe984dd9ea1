// The MongoDB adapter's collection aliases (ADR 0006): port (logical) collection names resolve to physical
// MongoDB collections through one alias document, so that a rebuild switch of several collections is one
// atomic write of that document. Pure functions here; the adapter reads and writes the document.
import { randomUUID } from 'node:crypto';
import type { CollectionSwitch } from '../read-store.port';

/** Physical collections that a switch created names for start with this; never a port (logical) name. */
export const GENERATION_PREFIX = '_gen.';

/** Logical name → physical collection; a name without an entry is its own physical collection. */
export type Aliases = ReadonlyMap<string, string>;

export interface Retired {
  physical: string;
  /** ISO instant of the switch that replaced it. */
  at: string;
}

export function physicalOf(aliases: Aliases, name: string): string {
  return aliases.get(name) ?? name;
}

/** A physical name no logical name resolves to, and that does not exist yet. */
export function generationName(name: string): string {
  return `${GENERATION_PREFIX}${name}.${randomUUID().slice(0, 8)}`;
}

export function assertLogicalName(name: string): void {
  if (name.startsWith(GENERATION_PREFIX)) throw new Error(`Collection names starting with '${GENERATION_PREFIX}' are reserved`);
}

/**
 * The aliases after a switch: every `to` names the physical collection of its `from` (a missing `from`
 * leaves `to` missing), every `from` a new one that does not exist yet, and the physical collections the
 * `to`s named are retired. No two names ever share a physical collection, and no retired one is named again.
 */
export function switchAliases(
  aliases: Aliases,
  pairs: ReadonlyArray<CollectionSwitch>,
  at: string,
  newName: (name: string) => string = generationName,
): { aliases: Map<string, string>; retired: Retired[] } {
  const next = new Map(aliases);
  const retired: Retired[] = [];
  for (const { from, to } of pairs) {
    retired.push({ physical: physicalOf(next, to), at });
    next.set(to, physicalOf(next, from));
    next.set(from, newName(from));
  }
  return { aliases: next, retired };
}

/** The port's collection names, given the physical collections that exist (internal ones left out). */
export function logicalNames(aliases: Aliases, physical: ReadonlySet<string>, internal: (name: string) => boolean): string[] {
  const targets = new Set(aliases.values());
  const names = [...aliases].filter(([, target]) => physical.has(target)).map(([name]) => name);
  for (const name of physical) {
    if (aliases.has(name) || targets.has(name) || name.startsWith(GENERATION_PREFIX) || internal(name)) continue;
    names.push(name);
  }
  return names.sort();
}

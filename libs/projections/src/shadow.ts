// A projection writing into other collections: the rebuild builds the next version of a read model
// beside the live one (`<collection>__next`) with the very same code, then switches.
import type { Collection, Doc, ReadStore, ReadStoreTransaction } from '@mentoring/read-store';
import type { Projection } from './projection';

export const SHADOW_SUFFIX = '__next';

function mapper(projection: Projection, suffix: string): (name: string) => string {
  const owned = new Set(projection.collections);
  return (name) => (owned.has(name) ? `${name}${suffix}` : name);
}

/** The same projection, writing its own collections under `<name><suffix>`, with its own checkpoint. */
export function shadowOf(projection: Projection, suffix = SHADOW_SUFFIX): Projection {
  const map = mapper(projection, suffix);
  return {
    name: `${projection.name}${suffix}`,
    collections: projection.collections.map(map),
    eventTypes: projection.eventTypes,
    setup: projection.setup
      ? (store) =>
          projection.setup!(
            new Proxy(store, {
              get: (target, key) =>
                key === 'collection' ? <T extends Doc>(name: string): Collection<T> => target.collection<T>(map(name)) : Reflect.get(target, key, target),
            }) as ReadStore,
          )
      : undefined,
    apply: (event, tx) =>
      projection.apply(event, {
        collection: <T extends Doc>(name: string) => tx.collection<T>(map(name)),
        setCheckpoint: (name, position) => tx.setCheckpoint(name, position),
      } satisfies ReadStoreTransaction),
  };
}

// The pages of the reports of one party (R2: an overseer's apprentices, R4: a funder's students): `?limit` and
// `?cursor` as the other lists take them, and a keyset read through the index on (party, sort key, _id), so that
// a page costs its rows whatever the size of the party (ADR 0008).
import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { Collection, Doc, Filter, FindOptions, ReadStore } from '@mentoring/read-store';
import { DASHBOARDS_PARTY_REPORTS_SINCE, dashboardsProjection } from '@mentoring/projections';
import { requireReadModelVersion } from './read-model-version';
import { afterFilter, decodeCursor, Page, SortSpec, toPage } from './keyset';
import { intParam } from './params';

export const PARTY_PAGE_DEFAULT = 100;
export const PARTY_PAGE_MAX = 500;
/** A cursor holds a sort key of up to 351 code units (dashboard-party-reports.ts): room for it in base64url JSON. */
const PARTY_CURSOR_MAX_LENGTH = 4000;

export interface PartyPageRequest {
  limit: number;
  /** The previous page's nextCursor; none for the first page. */
  cursor?: string;
}

export const FIRST_PARTY_PAGE: PartyPageRequest = { limit: PARTY_PAGE_DEFAULT };

/** `?limit` (1–500, default 100) and `?cursor` as given: 400 `invalid_query` for a limit out of range. */
export function partyPageParams(limit: string | undefined, cursor: string | undefined): PartyPageRequest {
  return { limit: intParam(limit, 'limit', 1, PARTY_PAGE_MAX, PARTY_PAGE_DEFAULT), ...(cursor === undefined || cursor === '' ? {} : { cursor }) };
}

/** The OpenAPI parameters of {@link partyPageParams}. */
export function PartyPageQueries(items: string, note = '') {
  return applyDecorators(
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: PARTY_PAGE_MAX, default: PARTY_PAGE_DEFAULT }, description: `${items} in the page, 1–${PARTY_PAGE_MAX}${note}` }),
    ApiQuery({ name: 'cursor', required: false, description: `The nextCursor of the previous page (opaque; made for this party and these parameters, else 400 invalid_cursor)${note}` }),
  );
}

/**
 * `request.limit` documents matching `filter` after the request's cursor, in ascending (`sort.field`, `_id`) order,
 * and the cursor of the next page: the store walks the index on (filter's equality fields, `sort.field`, `_id`) and
 * stops after `limit + 1` documents. `keyOf` reads `sort.field` of a document.
 */
export async function readKeysetPage<T extends Doc>(
  collection: Collection<T>,
  filter: Filter,
  sort: SortSpec,
  request: PartyPageRequest,
  keyOf: (doc: T) => string,
  options: Pick<FindOptions, 'projection'> = {},
): Promise<Page<T>> {
  const after = decodeCursor(request.cursor, sort, PARTY_CURSOR_MAX_LENGTH);
  const rows = await collection.find(after ? { $and: [filter, afterFilter(sort, after)] } : filter, {
    ...options,
    sort: { [sort.field]: 1, _id: 1 },
    limit: request.limit + 1,
  });
  return toPage(rows, request.limit, sort, (d) => ({ key: keyOf(d), id: d._id }), (d) => d);
}

/** 503 `read_model_upgrading` while the live dashboards are older than version 4 (no sort keys, links or buckets yet). */
export function requirePartyReportsReadModel(store: ReadStore): Promise<void> {
  return requireReadModelVersion(store, { projection: dashboardsProjection.name, since: DASHBOARDS_PARTY_REPORTS_SINCE, current: dashboardsProjection.version ?? 1, what: 'The reports of one party' });
}

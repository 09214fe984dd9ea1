// GetAccessLog: who read which student's sensitive data, when, why, granted or refused; newest first.
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ACCESS_LOG, AccessLogDoc, accessLogProjection } from '@mentoring/projections';
import { Filter, ReadStore } from '@mentoring/read-store';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { READ_STORE } from '../../shared/tokens';
import { afterFilter, decodeCursor, Page, parseSort, toPage } from '../read-side-support/keyset';
import { invalid, requireRole } from '../read-side-support/params';
import { DEFAULT_PAGE_SIZE } from '../read-side-support/page-query.dto';
import { GetAccessLogQuery } from './get-access-log.query';

/** Who reads the access log: auditors, and admins (staff read students; the log is about them too). */
export const MAY_READ_ACCESS_LOG = ['auditor', 'admin'] as const;

export interface AccessLogEntry {
  eventId: string;
  at: string;
  reader: { id: string; role: string };
  studentId: string | null;
  funderId: string | null;
  what: string;
  format: string;
  operationId: string;
  purpose: string | null;
  outcome: string;
  status: number;
  correlationId: string;
  streamId: string;
  position: string;
}

/** An instant of the query string as the stored ISO form (`at` compares as text). */
function instant(value: string | undefined, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(/T/.test(value) ? value : `${value}T00:00:00Z`);
  if (Number.isNaN(ms)) throw invalid(field, `${field} must be an ISO-8601 instant or a date.`);
  return new Date(ms).toISOString();
}

@QueryHandler(GetAccessLogQuery)
export class GetAccessLogHandler implements IQueryHandler<GetAccessLogQuery> {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ actor, params, waitFor }: GetAccessLogQuery): Promise<Page<AccessLogEntry>> {
    requireRole(actor, MAY_READ_ACCESS_LOG, 'the access log');
    const sort = parseSort(undefined, '-at');
    const after = decodeCursor(params.cursor, sort);
    const limit = params.limit ?? DEFAULT_PAGE_SIZE;
    const from = instant(params.from, 'from');
    const to = instant(params.to, 'to');
    if (from !== undefined && to !== undefined && from > to) throw invalid('from', 'from must not be after to.');

    const and: Filter[] = [];
    if (params.studentId !== undefined) and.push({ studentId: params.studentId });
    if (params.readerId !== undefined) and.push({ readerId: params.readerId });
    if (from !== undefined) and.push({ at: { $gte: from } });
    if (to !== undefined) and.push({ at: { $lt: to } });
    if (after) and.push(afterFilter(sort, after));

    await this.readYourWrites.waitFor(waitFor, [accessLogProjection.name]);
    const rows = await this.readStore.collection<AccessLogDoc>(ACCESS_LOG).find(and.length ? { $and: and } : {}, {
      sort: { at: -1, _id: -1 },
      limit: limit + 1,
    });
    return toPage(
      rows,
      limit,
      sort,
      (d) => ({ key: d.at, id: d._id }),
      (d) => ({
        eventId: d._id,
        at: d.at,
        reader: { id: d.readerId, role: d.readerRole },
        studentId: d.studentId,
        funderId: d.funderId,
        what: d.what,
        format: d.format,
        operationId: d.operationId,
        purpose: d.purpose,
        outcome: d.outcome,
        status: d.status,
        correlationId: d.correlationId,
        streamId: d.streamId,
        position: d.position,
      }),
    );
  }
}

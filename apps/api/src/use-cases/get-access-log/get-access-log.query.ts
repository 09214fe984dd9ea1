import { Query } from '@nestjs/cqrs';
import type { Actor, Position } from '@mentoring/event-store';
import type { Page } from '../read-side-support/keyset';
import type { GetAccessLogQueryDto } from './get-access-log.dto';
import type { AccessLogEntry } from './get-access-log.handler';

export class GetAccessLogQuery extends Query<Page<AccessLogEntry>> {
  constructor(
    readonly actor: Actor,
    readonly params: Omit<GetAccessLogQueryDto, 'waitFor'>,
    readonly waitFor?: Position,
  ) {
    super();
  }
}

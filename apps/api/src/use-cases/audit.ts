// The auditors' and operators' use cases: replays from the event store, projection operations.
import { GetAccessLogController } from './get-access-log/get-access-log.controller';
import { GetAccessLogHandler } from './get-access-log/get-access-log.handler';
import { GetProjectionsController } from './get-projections/get-projections.controller';
import { GetStudentHistoryController } from './get-student-history/get-student-history.controller';
import { GetStudentHistoryHandler } from './get-student-history/get-student-history.handler';
import { RebuildProjectionController } from './rebuild-projection/rebuild-projection.controller';
import { VerifyAuditTrailController } from './verify-audit-trail/verify-audit-trail.controller';
import { VerifyAuditTrailHandler } from './verify-audit-trail/verify-audit-trail.handler';

export const AUDIT_AND_OPERATIONS = {
  controllers: [GetStudentHistoryController, GetAccessLogController, RebuildProjectionController, GetProjectionsController, VerifyAuditTrailController],
  handlers: [GetStudentHistoryHandler, GetAccessLogHandler, VerifyAuditTrailHandler],
};

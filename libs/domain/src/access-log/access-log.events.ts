// The access log (issue 11, "who read what"): one fact per read of a student's sensitive data, appended to
// `access-log-student-<studentId>` (or `access-log-funder-<funderId>` for a funder's export). Not a decision of
// the domain's rules: a record kept by the application, in the event store so that the hash chain covers it.
import { DomainEvent } from '../shared/decider';

/** What was read: the full record, the record with the disability (R7), the audit history, a bulk CSV export. */
export const SENSITIVE_READ_KINDS = ['student_record', 'disability', 'audit_history', 'csv_export'] as const;
export type SensitiveReadKind = (typeof SENSITIVE_READ_KINDS)[number];

export type SensitiveDataRead = DomainEvent<
  'SensitiveDataRead',
  {
    reader: { id: string; role: string };
    /** The student read; null for an export that names a funder. */
    studentId: string | null;
    /** The funder whose export was read; null otherwise. */
    funderId: string | null;
    what: SensitiveReadKind;
    format: 'json' | 'csv';
    /** The API operation (`GetStudent`, `GetStudentHistory`, `GetFunderAttendance`). */
    operationId: string;
    /** The reader's stated purpose (`X-Purpose`), or null. */
    purpose: string | null;
    /** `refused`: the read was answered 403 or 404 (nothing was shown). */
    outcome: 'granted' | 'refused';
    /** The HTTP status answered. */
    status: number;
    at: string;
  }
>;

export type AccessLogEvent = SensitiveDataRead;

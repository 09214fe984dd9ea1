// The audit of one student, replayed from the event store itself (never from a projection, so it
// cannot drift): every assignment and change of mentor with who decided, when it happened, when it
// was recorded and the correlation id; the sessions (with the first session's feedback text); the
// attendance facts; the internal comments (R11: the history is for auditors and staff only); and the
// state "as of" any instant. Pure: events in, report out.
import { StudentState, upcast } from '@mentoring/domain';
import type { RecordedEvent } from '@mentoring/event-store';
import { formatPosition } from '@mentoring/event-store';
import { CsvValue, toCsv } from '../shared/csv';

export interface AuditEntry {
  /** What happened, e.g. `assigned`, `changed`, `change_requested`, `session_held`. */
  kind: string;
  eventType: string;
  mentorId: string | null;
  /** The previous mentor, for a change. */
  fromMentorId: string | null;
  reason: string | null;
  sessionId: string | null;
  /** Session start, or the attendance fact's instant. */
  sessionStart: string | null;
  detail: string | null;
  actorId: string;
  actorRole: string;
  occurredAt: string;
  recordedAt: string;
  correlationId: string;
  causationId: string;
  eventId: string;
  revision: number;
  position: string;
}

export interface StudentAsOf {
  /** What was true at this instant (by `occurredAt`); `knownAt` when only that was given. */
  asOf: string;
  /** What had been recorded by this instant (by the store's `recordedAt`); absent without `?knownAt=`. */
  knownAt?: string;
  /** `not_enrolled` when the student had not been enrolled yet at that instant. */
  status: StudentState['status'];
  mentorId: string | null;
  /** Revision of the last event that had occurred by then (-1: none). */
  revision: number;
}

export interface StudentAudit {
  studentId: string;
  assignments: AuditEntry[];
  sessions: AuditEntry[];
  attendance: AuditEntry[];
  /** Internal comments (R11): `detail` is the text, the actor its author. */
  comments: AuditEntry[];
  asOf: StudentAsOf | null;
}

type Data = Record<string, any>;

const ASSIGNMENT: Record<string, (d: Data) => Partial<AuditEntry>> = {
  StudentAssigned: (d) => ({ kind: 'assigned', mentorId: d.mentorId, reason: 'first assignment' }),
  MentorChangeRequested: (d) => ({ kind: 'change_requested', mentorId: d.currentMentorId, reason: d.reason, detail: `request ${d.requestId}` }),
  MentorChangeRequestDeclined: (d) => ({ kind: 'change_request_declined', reason: d.reason, detail: `request ${d.requestId}` }),
  MentorChanged: (d) => ({ kind: 'changed', mentorId: d.toMentorId, fromMentorId: d.fromMentorId, reason: d.reason, detail: d.requestId ? `answers request ${d.requestId}` : null }),
  TrainingPaused: (d) => ({ kind: 'training_paused', reason: d.reason }),
  TrainingResumed: () => ({ kind: 'training_resumed' }),
  TrainingCompleted: (d) => ({ kind: 'training_completed', mentorId: d.mentorId }),
  TrainingWithdrawn: (d) => ({ kind: 'training_withdrawn', mentorId: d.mentorId, reason: d.reason }),
  // GDPR Art. 17: from here on the personal data of every entry reads "[erased]"; the facts, dates and actors stay.
  StudentPersonalDataErased: (d) => ({ kind: 'personal_data_erased', reason: d.reason }),
};

const SESSION: Record<string, (d: Data) => Partial<AuditEntry>> = {
  DiscoverySessionBooked: (d) => ({ kind: 'discovery_session_booked', mentorId: d.mentorId, sessionStart: d.start, detail: `${d.durationMinutes} min` }),
  SessionBooked: (d) => ({ kind: 'session_booked', mentorId: d.mentorId, sessionStart: d.start, detail: `${d.durationMinutes} min` }),
  SessionRescheduled: (d) => ({ kind: 'session_rescheduled', mentorId: d.mentorId, sessionStart: d.start, detail: `from ${d.previousStart}` }),
  SessionCancelled: (d) => ({ kind: d.late ? 'session_cancelled_late' : 'session_cancelled', mentorId: d.mentorId, sessionStart: d.start, reason: d.reason, detail: d.text }),
  SessionHeld: (d) => ({ kind: 'session_held', mentorId: d.mentorId, sessionStart: d.start, detail: d.discovery ? 'discovery session' : null }),
  SessionMissed: (d) => ({ kind: 'session_missed', mentorId: d.mentorId, sessionStart: d.start, reason: d.reason }),
  SubstantialDelayRecorded: (d) => ({ kind: 'substantial_delay', mentorId: d.mentorId, sessionStart: d.start, detail: `${d.delayMinutes} min late` }),
  FirstSessionRecordingSubmitted: (d) => ({ kind: 'first_session_recording_submitted', mentorId: d.mentorId, detail: d.recordingUrl }),
  FirstSessionFeedbackGiven: (d) => ({ kind: 'first_session_feedback_given', mentorId: d.mentorId, detail: d.feedback }),
};

const ATTENDANCE: Record<string, (d: Data) => Partial<AuditEntry>> = {
  AttendanceFactRecorded: (d) => ({ kind: `fact:${d.kind}`, mentorId: d.mentorId, sessionStart: d.occurredAt, detail: `funder ${d.funder}${d.cohort ? `, cohort ${d.cohort}` : ''}` }),
  AttendanceAlertRaised: (d) => ({ kind: `alert:${d.kind}`, mentorId: d.mentorId, detail: `funder ${d.funder}${d.cohort ? `, cohort ${d.cohort}` : ''}` }),
};

const COMMENTS: Record<string, (d: Data) => Partial<AuditEntry>> = {
  InternalCommentAdded: (d) => ({ kind: 'internal_comment', detail: d.text, reason: `comment ${d.commentId}` }),
};

function entry(event: RecordedEvent, part: Partial<AuditEntry>): AuditEntry {
  const data = event.data as Data;
  return {
    kind: part.kind ?? event.type,
    eventType: event.type,
    mentorId: part.mentorId ?? null,
    fromMentorId: part.fromMentorId ?? null,
    reason: part.reason ?? null,
    sessionId: typeof data.sessionId === 'string' ? data.sessionId : null,
    sessionStart: part.sessionStart ?? null,
    detail: part.detail ?? null,
    actorId: event.metadata.actor.id,
    actorRole: event.metadata.actor.role,
    occurredAt: event.metadata.occurredAt,
    recordedAt: event.recordedAt,
    correlationId: event.metadata.correlationId,
    causationId: event.metadata.causationId,
    eventId: event.eventId,
    revision: event.revision,
    position: formatPosition(event.position),
  };
}

/**
 * The training status and mentor after each event: all the audit needs of the student's state. A
 * dedicated fold, linear in the history, rather than the decider's (which keeps every session for the
 * rules and costs more on long histories).
 */
function statusAndMentor(events: readonly RecordedEvent[]): { status: StudentState['status']; mentorId: string | null } {
  let status: StudentState['status'] = 'not_enrolled';
  let mentorId: string | null = null;
  for (const e of events) {
    const d = e.data as Data;
    switch (e.type) {
      case 'StudentEnrolled':
        status = 'awaiting_mentor';
        break;
      case 'StudentAssigned':
        status = 'active';
        mentorId = d.mentorId;
        break;
      case 'MentorChanged':
        mentorId = d.toMentorId;
        break;
      case 'TrainingPaused':
        if (status === 'active') status = 'paused';
        break;
      case 'TrainingResumed':
        if (status === 'paused') status = 'active';
        break;
      case 'TrainingCompleted':
        status = 'completed';
        break;
      case 'TrainingWithdrawn':
        status = 'withdrawn';
        break;
    }
  }
  return { status, mentorId };
}

/**
 * Builds the audit of a student from their stream. With `asOf`, the state is folded from the events
 * that had occurred (metadata `occurredAt`) by that instant, and the lists stop there too. With `knownAt`
 * (bitemporal), only the events the store had recorded (`recordedAt`) by that instant count: a fact or a
 * correction recorded later does not change what an auditor saw then. Both together: what was true at
 * `asOf` as known at `knownAt`.
 */
export function studentAudit(studentId: string, stream: readonly RecordedEvent[], asOf?: Date, knownAt?: Date): StudentAudit {
  const cutoff = asOf?.getTime();
  const known = knownAt?.getTime();
  const events = stream.filter(
    (e) => (cutoff === undefined || Date.parse(e.metadata.occurredAt) <= cutoff) && (known === undefined || Date.parse(e.recordedAt) <= known),
  );
  const at = asOf ?? knownAt;
  const pick = (table: Record<string, (d: Data) => Partial<AuditEntry>>) =>
    events.filter((e) => table[e.type]).map((e) => entry(e, table[e.type](upcast(e.type, e.schemaVersion, e.data) as Data)));
  return {
    studentId,
    assignments: pick(ASSIGNMENT),
    sessions: pick(SESSION),
    attendance: pick(ATTENDANCE),
    comments: pick(COMMENTS),
    asOf: at
      ? {
          asOf: at.toISOString(),
          ...(knownAt ? { knownAt: knownAt.toISOString() } : {}),
          ...statusAndMentor(events),
          revision: events.length ? events[events.length - 1].revision : -1,
        }
      : null,
  };
}

const CSV_COLUMNS: Array<keyof AuditEntry> = [
  'kind', 'eventType', 'mentorId', 'fromMentorId', 'reason', 'sessionId', 'sessionStart', 'detail',
  'actorId', 'actorRole', 'occurredAt', 'recordedAt', 'correlationId', 'causationId', 'eventId', 'revision', 'position',
];

type CsvRow = { section: string } & Partial<AuditEntry>;

/** One CSV for the whole audit: a `section` column says which list a row belongs to. */
export function studentAuditCsv(audit: StudentAudit): string {
  const rows: CsvRow[] = (['assignments', 'sessions', 'attendance', 'comments'] as const).flatMap((section) => audit[section].map((e) => ({ section, ...e })));
  if (audit.asOf) {
    rows.push({ section: 'as_of', kind: `status:${audit.asOf.status}`, mentorId: audit.asOf.mentorId, occurredAt: audit.asOf.asOf, recordedAt: audit.asOf.knownAt, revision: audit.asOf.revision });
  }
  const columns: Array<readonly [string, (row: CsvRow) => CsvValue]> = [
    ['section', (r) => r.section],
    ['studentId', () => audit.studentId],
    ...CSV_COLUMNS.map((c) => [c, (r: CsvRow) => r[c] as CsvValue] as const),
  ];
  return toCsv(columns, rows);
}

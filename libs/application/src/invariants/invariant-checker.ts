// Folds the event log itself (never a read model) and reports every place where the cross-stream
// invariants of docs/adr/0002 do not hold: R9 (a mentor's assigned students never exceed the capacity, at
// any position), one mentor per student, R14 (a mentor's sessions never overlap), and, for a settled log
// (process managers caught up, the reservation grace period over), caseload = assigned students and
// calendar slots = sessions, for every mentor. Used by the model test, the mixed-load bench and
// `npm run audit -- invariants`. Framework-free; tolerant of v1 events (no reservation or slot ids).
import { upcast } from '@mentoring/domain';
import { Position, RecordedEvent, formatPosition } from '@mentoring/event-store';

export type InvariantKind = 'over_capacity' | 'two_mentors' | 'overlapping_sessions' | 'caseload_mismatch' | 'calendar_mismatch';

/** One violation, in plain data (positions as strings) so that it prints and serialises as is. */
export interface InvariantExample {
  kind: InvariantKind;
  /** What exactly: `assigned_without_reservation`, `slot_without_session`, `mentor_overlap`, … */
  detail: string;
  /** The event that broke a history invariant; absent for end-state mismatches. */
  position?: string;
  streamId?: string;
  eventType?: string;
  mentorId?: string;
  studentId?: string;
  message: string;
}

export interface InvariantReport {
  /** Events folded. */
  events: number;
  /** Mentors registered (or named by an event). */
  mentors: number;
  /** Students enrolled (or named by an event). */
  students: number;
  /** Events after which a mentor had more assigned students than their capacity (R9), one per mentor and event. */
  overCapacityPositions: number;
  /** Assignments of a student who already had a mentor, and changes whose `fromMentorId` was not the current mentor. */
  twoMentors: number;
  /** Bookings and reschedules after which two non-cancelled sessions of one mentor (or one student) overlap (R14). */
  overlappingSessions: number;
  /** End state: assigned students without their open reservation, open reservations held by no assigned student. */
  caseloadMismatches: number;
  /** End state: non-cancelled sessions without their open slot, open slots held by no non-cancelled session. */
  calendarMismatches: number;
  /** The first few violations of each kind. */
  examples: InvariantExample[];
  /** The size of the settled state, for context. */
  totals: {
    assignedStudents: number;
    openCaseloadReservations: number;
    activeSessions: number;
    openCalendarSlots: number;
    lapsedReservations: number;
  };
}

export interface InvariantCheckerOptions {
  /** Examples kept per kind. Default 5. */
  examplesPerKind?: number;
}

interface Reservation {
  studentId: string;
  position: string;
  /** Reserved again under the same id while open. */
  times: number;
}

interface MentorFold {
  registered: boolean;
  capacity: number | null;
  assigned: Set<string>;
  reservations: Map<string, Reservation>;
  slots: Map<string, { sessionId: string; studentId: string; start: string; end: string; times: number }>;
  /** Keys (`studentId/sessionId`) of the sessions booked with this mentor, in any status. */
  sessions: Set<string>;
}

interface StudentFold {
  enrolled: boolean;
  mentorId: string | null;
  /** The caseload reservation the current assignment consumed. */
  reservationId: string | null;
}

interface SessionFold {
  studentId: string;
  sessionId: string;
  mentorId: string;
  start: number;
  end: number;
  startText: string;
  endText: string;
  slotId: string;
  status: 'booked' | 'held' | 'missed' | 'cancelled';
}

type Data = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The id a v1 caseload reservation (one per mentor and student, no id) reads as: the domain's upcast does the same. */
function legacyReservationId(mentorId: string, studentId: string): string {
  return `legacy:${mentorId}:${studentId}`;
}

/** The event's data after the domain's upcast; the stored data when the domain cannot read it (unknown type or version). */
function dataOf(event: RecordedEvent): Data {
  try {
    return (upcast(event.type, event.schemaVersion, event.data) ?? {}) as Data;
  } catch {
    return (event.data ?? {}) as Data;
  }
}

function idFromStream(streamId: string, prefix: string): string | undefined {
  return streamId.startsWith(prefix) ? streamId.slice(prefix.length) : undefined;
}

function sameInstant(a: string, b: string): boolean {
  return Date.parse(a) === Date.parse(b);
}

/**
 * Incremental fold: feed events in `$all` order with {@link apply}, read the counts with {@link report}
 * at any time (the end-state checks describe the state after the last event applied).
 */
export class InvariantChecker {
  private readonly mentors = new Map<string, MentorFold>();
  private readonly students = new Map<string, StudentFold>();
  private readonly sessions = new Map<string, SessionFold>();
  /** Session keys per student, for the student's own overlaps. */
  private readonly sessionsOfStudent = new Map<string, Set<string>>();
  private readonly lapsed = new Set<string>();
  private readonly history: InvariantExample[] = [];
  private readonly counts = { events: 0, overCapacityPositions: 0, twoMentors: 0, overlappingSessions: 0 };
  private readonly examplesPerKind: number;
  private lastPosition: Position | null = null;

  constructor(options: InvariantCheckerOptions = {}) {
    this.examplesPerKind = options.examplesPerKind ?? 5;
  }

  /** Position of the last event applied (to read the rest of the log after it). */
  get position(): Position | null {
    return this.lastPosition;
  }

  applyAll(events: Iterable<RecordedEvent>): this {
    for (const event of events) this.apply(event);
    return this;
  }

  apply(event: RecordedEvent): void {
    this.counts.events++;
    this.lastPosition = event.position;
    const d = dataOf(event);
    switch (event.type) {
      // Mentor streams ------------------------------------------------------------------------------
      case 'MentorRegistered':
      case 'MentorCapacityChanged': {
        const mentorId = this.mentorIdOf(event, d);
        if (!mentorId) return;
        const mentor = this.mentor(mentorId);
        mentor.registered ||= event.type === 'MentorRegistered';
        if (typeof d.capacity === 'number') mentor.capacity = d.capacity;
        this.checkCapacity(event, mentorId);
        return;
      }
      case 'CaseloadSlotReserved': {
        const mentorId = this.mentorIdOf(event, d);
        const studentId = str(d.studentId);
        if (!mentorId || !studentId) return;
        const reservationId = str(d.reservationId) ?? legacyReservationId(mentorId, studentId);
        const reservations = this.mentor(mentorId).reservations;
        const open = reservations.get(reservationId);
        if (open) open.times++;
        else reservations.set(reservationId, { studentId, position: formatPosition(event.position), times: 1 });
        return;
      }
      case 'CaseloadSlotReleased': {
        const mentorId = this.mentorIdOf(event, d);
        const studentId = str(d.studentId);
        if (!mentorId || !studentId) return;
        this.mentor(mentorId).reservations.delete(str(d.reservationId) ?? legacyReservationId(mentorId, studentId));
        return;
      }
      // Calendar streams ----------------------------------------------------------------------------
      case 'MentorSlotReserved': {
        const mentorId = this.calendarMentorIdOf(event, d);
        const sessionId = str(d.sessionId);
        if (!mentorId || !sessionId) return;
        const slotId = str(d.slotId) ?? sessionId;
        const slots = this.mentor(mentorId).slots;
        const open = slots.get(slotId);
        if (open) open.times++;
        else slots.set(slotId, { sessionId, studentId: str(d.studentId) ?? '', start: String(d.start), end: String(d.end), times: 1 });
        return;
      }
      case 'MentorSlotReleased': {
        const mentorId = this.calendarMentorIdOf(event, d);
        const slotId = str(d.slotId) ?? str(d.sessionId);
        if (mentorId && slotId) this.mentor(mentorId).slots.delete(slotId);
        return;
      }
      case 'MentorSlotMoved': {
        // v1: the slot keyed by its session moves in place.
        const mentorId = this.calendarMentorIdOf(event, d);
        const sessionId = str(d.sessionId);
        if (!mentorId || !sessionId) return;
        const slots = this.mentor(mentorId).slots;
        const slot = slots.get(sessionId) ?? [...slots.values()].find((s) => s.sessionId === sessionId);
        if (slot) {
          slot.start = String(d.start);
          slot.end = String(d.end);
        }
        return;
      }
      // Student streams -----------------------------------------------------------------------------
      case 'StudentEnrolled': {
        const studentId = this.studentIdOf(event, d);
        if (studentId) this.student(studentId).enrolled = true;
        return;
      }
      case 'StudentAssigned': {
        const studentId = this.studentIdOf(event, d);
        const mentorId = str(d.mentorId);
        if (!studentId || !mentorId) return;
        const student = this.student(studentId);
        if (student.mentorId !== null) {
          this.counts.twoMentors++;
          this.record(event, {
            kind: 'two_mentors',
            detail: 'assigned_while_assigned',
            mentorId,
            studentId,
            message: `student ${studentId} assigned to mentor ${mentorId} while assigned to mentor ${student.mentorId}`,
          });
        }
        this.assign(event, studentId, mentorId, str(d.reservationId) ?? legacyReservationId(mentorId, studentId));
        return;
      }
      case 'MentorChanged': {
        const studentId = this.studentIdOf(event, d);
        const toMentorId = str(d.toMentorId);
        if (!studentId || !toMentorId) return;
        const student = this.student(studentId);
        const fromMentorId = str(d.fromMentorId) ?? null;
        if (student.mentorId === null || student.mentorId !== fromMentorId) {
          this.counts.twoMentors++;
          this.record(event, {
            kind: 'two_mentors',
            detail: 'change_from_another_mentor',
            mentorId: toMentorId,
            studentId,
            message: `student ${studentId} changed from mentor ${fromMentorId} to ${toMentorId}, but the student's mentor was ${student.mentorId ?? 'none'}`,
          });
        }
        this.assign(event, studentId, toMentorId, str(d.reservationId) ?? legacyReservationId(toMentorId, studentId));
        return;
      }
      case 'TrainingCompleted':
      case 'TrainingWithdrawn': {
        const studentId = this.studentIdOf(event, d);
        if (studentId) this.unassign(studentId);
        return;
      }
      case 'ReservationLapsed': {
        const mentorId = str(d.mentorId);
        const reservationId = str(d.reservationId);
        if (mentorId && reservationId) this.lapsed.add(`${d.kind === 'calendar' ? 'calendar' : 'caseload'}/${mentorId}/${reservationId}`);
        return;
      }
      case 'DiscoverySessionBooked':
      case 'SessionBooked': {
        const studentId = this.studentIdOf(event, d);
        const sessionId = str(d.sessionId);
        const mentorId = str(d.mentorId);
        if (!studentId || !sessionId || !mentorId) return;
        const key = `${studentId}/${sessionId}`;
        const session: SessionFold = {
          studentId,
          sessionId,
          mentorId,
          start: Date.parse(String(d.start)),
          end: Date.parse(String(d.end)),
          startText: String(d.start),
          endText: String(d.end),
          slotId: str(d.slotId) ?? sessionId,
          status: 'booked',
        };
        this.sessions.set(key, session);
        this.mentor(mentorId).sessions.add(key);
        if (!this.sessionsOfStudent.has(studentId)) this.sessionsOfStudent.set(studentId, new Set());
        this.sessionsOfStudent.get(studentId)!.add(key);
        this.checkOverlap(event, key);
        return;
      }
      case 'SessionRescheduled': {
        const studentId = this.studentIdOf(event, d);
        const sessionId = str(d.sessionId);
        if (!studentId || !sessionId) return;
        const key = `${studentId}/${sessionId}`;
        const session = this.sessions.get(key);
        if (!session) return;
        const mentorId = str(d.mentorId) ?? session.mentorId;
        if (mentorId !== session.mentorId) {
          this.mentor(session.mentorId).sessions.delete(key);
          this.mentor(mentorId).sessions.add(key);
          session.mentorId = mentorId;
        }
        session.start = Date.parse(String(d.start));
        session.end = Date.parse(String(d.end));
        session.startText = String(d.start);
        session.endText = String(d.end);
        session.slotId = str(d.slotId) ?? sessionId;
        this.checkOverlap(event, key);
        return;
      }
      case 'SessionCancelled':
      case 'SessionHeld':
      case 'SessionMissed': {
        const studentId = this.studentIdOf(event, d);
        const sessionId = str(d.sessionId);
        const session = studentId && sessionId ? this.sessions.get(`${studentId}/${sessionId}`) : undefined;
        if (session) session.status = event.type === 'SessionCancelled' ? 'cancelled' : event.type === 'SessionHeld' ? 'held' : 'missed';
        return;
      }
      default:
        return;
    }
  }

  /** The counts and examples; the end-state checks describe the state after the last event applied. */
  report(): InvariantReport {
    const endState: InvariantExample[] = [];
    let caseloadMismatches = 0;
    let calendarMismatches = 0;
    let openCaseloadReservations = 0;
    let openCalendarSlots = 0;
    let assignedStudents = 0;

    for (const [mentorId, mentor] of this.mentors) {
      openCaseloadReservations += mentor.reservations.size;
      openCalendarSlots += mentor.slots.size;
      assignedStudents += mentor.assigned.size;
      for (const studentId of mentor.assigned) {
        const reservationId = this.students.get(studentId)?.reservationId ?? '';
        if (mentor.reservations.get(reservationId)?.studentId === studentId) continue;
        caseloadMismatches++;
        const held = [...mentor.reservations].filter(([, r]) => r.studentId === studentId).map(([id]) => id);
        const lapsed = this.lapsed.has(`caseload/${mentorId}/${reservationId}`) ? ' (lapsed by the reconciler)' : '';
        endState.push({
          kind: 'caseload_mismatch',
          detail: 'assigned_without_reservation',
          mentorId,
          studentId,
          message:
            `student ${studentId} is assigned to mentor ${mentorId} under reservation ${reservationId}${lapsed}, which is not open` +
            (held.length > 0 ? ` (open for this student: ${held.join(', ')})` : ''),
        });
      }
      for (const [reservationId, reservation] of mentor.reservations) {
        const student = this.students.get(reservation.studentId);
        const consumed = student?.mentorId === mentorId && student.reservationId === reservationId;
        if (!consumed) {
          caseloadMismatches++;
          endState.push({
            kind: 'caseload_mismatch',
            detail: 'reservation_without_assignment',
            mentorId,
            studentId: reservation.studentId,
            message:
              `reservation ${reservationId} (at ${reservation.position}) holds a slot of mentor ${mentorId} for student ${reservation.studentId}, ` +
              `whose mentor is ${student?.mentorId ?? 'none'}` +
              (student?.mentorId === mentorId ? ` under reservation ${student.reservationId}` : ''),
          });
        }
        if (reservation.times > 1) {
          caseloadMismatches++;
          endState.push({
            kind: 'caseload_mismatch',
            detail: 'reserved_twice',
            mentorId,
            studentId: reservation.studentId,
            message: `reservation ${reservationId} on mentor ${mentorId} was reserved ${reservation.times} times while open`,
          });
        }
      }
    }

    const claimed = new Set<string>();
    let activeSessions = 0;
    for (const session of this.sessions.values()) {
      if (session.status === 'cancelled') continue;
      activeSessions++;
      const slot = this.mentors.get(session.mentorId)?.slots.get(session.slotId);
      const where = `session ${session.sessionId} of student ${session.studentId} with mentor ${session.mentorId}`;
      if (!slot || slot.sessionId !== session.sessionId) {
        calendarMismatches++;
        endState.push({
          kind: 'calendar_mismatch',
          detail: 'session_without_slot',
          mentorId: session.mentorId,
          studentId: session.studentId,
          message: `${where} (${session.status}, ${session.startText}) does not hold its slot ${session.slotId}` + (slot ? ` (held by session ${slot.sessionId})` : ''),
        });
        continue;
      }
      claimed.add(`${session.mentorId}/${session.slotId}`);
      if (!sameInstant(slot.start, session.startText) || !sameInstant(slot.end, session.endText)) {
        calendarMismatches++;
        endState.push({
          kind: 'calendar_mismatch',
          detail: 'slot_times_differ',
          mentorId: session.mentorId,
          studentId: session.studentId,
          message: `${where} is at ${session.startText}–${session.endText}, its slot ${session.slotId} at ${slot.start}–${slot.end}`,
        });
      }
      if (slot.times > 1) {
        calendarMismatches++;
        endState.push({
          kind: 'calendar_mismatch',
          detail: 'reserved_twice',
          mentorId: session.mentorId,
          studentId: session.studentId,
          message: `slot ${session.slotId} on mentor ${session.mentorId}'s calendar was reserved ${slot.times} times while open`,
        });
      }
    }
    for (const [mentorId, mentor] of this.mentors) {
      for (const [slotId, slot] of mentor.slots) {
        if (claimed.has(`${mentorId}/${slotId}`)) continue;
        calendarMismatches++;
        const session = this.sessions.get(`${slot.studentId}/${slot.sessionId}`);
        const lapsed = this.lapsed.has(`calendar/${mentorId}/${slotId}`) ? ', lapsed by the reconciler' : '';
        endState.push({
          kind: 'calendar_mismatch',
          detail: 'slot_without_session',
          mentorId,
          studentId: slot.studentId,
          message:
            `slot ${slotId} (${slot.start}) on mentor ${mentorId}'s calendar is held for session ${slot.sessionId} of student ${slot.studentId}, ` +
            (session ? `which is ${session.status} with mentor ${session.mentorId}, slot ${session.slotId}${lapsed}` : `which was never booked${lapsed}`),
        });
      }
    }

    const examples: InvariantExample[] = [];
    const perKind = new Map<InvariantKind, number>();
    for (const example of [...this.history, ...endState]) {
      const n = perKind.get(example.kind) ?? 0;
      if (n >= this.examplesPerKind) continue;
      perKind.set(example.kind, n + 1);
      examples.push(example);
    }
    const students = [...this.students.values()].filter((s) => s.enrolled).length;
    return {
      events: this.counts.events,
      mentors: [...this.mentors.values()].filter((m) => m.registered).length,
      students,
      overCapacityPositions: this.counts.overCapacityPositions,
      twoMentors: this.counts.twoMentors,
      overlappingSessions: this.counts.overlappingSessions,
      caseloadMismatches,
      calendarMismatches,
      examples,
      totals: { assignedStudents, openCaseloadReservations, activeSessions, openCalendarSlots, lapsedReservations: this.lapsed.size },
    };
  }

  // ---------------------------------------------------------------------------------------------------

  private mentor(mentorId: string): MentorFold {
    let mentor = this.mentors.get(mentorId);
    if (!mentor) {
      mentor = { registered: false, capacity: null, assigned: new Set(), reservations: new Map(), slots: new Map(), sessions: new Set() };
      this.mentors.set(mentorId, mentor);
    }
    return mentor;
  }

  private student(studentId: string): StudentFold {
    let student = this.students.get(studentId);
    if (!student) {
      student = { enrolled: false, mentorId: null, reservationId: null };
      this.students.set(studentId, student);
    }
    return student;
  }

  private mentorIdOf(event: RecordedEvent, d: Data): string | undefined {
    return str(d.mentorId) ?? (event.streamId.startsWith('mentor-calendar-') ? undefined : idFromStream(event.streamId, 'mentor-'));
  }

  private calendarMentorIdOf(event: RecordedEvent, d: Data): string | undefined {
    return str(d.mentorId) ?? idFromStream(event.streamId, 'mentor-calendar-');
  }

  private studentIdOf(event: RecordedEvent, d: Data): string | undefined {
    return str(d.studentId) ?? idFromStream(event.streamId, 'student-');
  }

  private assign(event: RecordedEvent, studentId: string, mentorId: string, reservationId: string): void {
    this.unassign(studentId);
    const student = this.student(studentId);
    student.mentorId = mentorId;
    student.reservationId = reservationId;
    this.mentor(mentorId).assigned.add(studentId);
    this.checkCapacity(event, mentorId);
  }

  private unassign(studentId: string): void {
    const student = this.student(studentId);
    if (student.mentorId !== null) this.mentors.get(student.mentorId)?.assigned.delete(studentId);
    student.mentorId = null;
    student.reservationId = null;
  }

  private checkCapacity(event: RecordedEvent, mentorId: string): void {
    const mentor = this.mentor(mentorId);
    if (mentor.capacity === null || mentor.assigned.size <= mentor.capacity) return;
    this.counts.overCapacityPositions++;
    this.record(event, {
      kind: 'over_capacity',
      detail: event.type === 'MentorCapacityChanged' ? 'capacity_below_assigned' : 'assigned_beyond_capacity',
      mentorId,
      message: `mentor ${mentorId} has ${mentor.assigned.size} assigned students, capacity ${mentor.capacity} (${[...mentor.assigned].join(', ')})`,
    });
  }

  /** After a booking or a move: does the session overlap another live session of its mentor or its student? */
  private checkOverlap(event: RecordedEvent, key: string): void {
    const session = this.sessions.get(key)!;
    const overlaps = (other: SessionFold) => other !== session && other.status !== 'cancelled' && session.start < other.end && other.start < session.end;
    const find = (keys: Iterable<string> | undefined) => [...(keys ?? [])].map((k) => this.sessions.get(k)!).find(overlaps);
    const byMentor = find(this.mentor(session.mentorId).sessions);
    const byStudent = byMentor ? undefined : find(this.sessionsOfStudent.get(session.studentId));
    const other = byMentor ?? byStudent;
    if (!other) return;
    this.counts.overlappingSessions++;
    this.record(event, {
      kind: 'overlapping_sessions',
      detail: byMentor ? 'mentor_overlap' : 'student_overlap',
      mentorId: session.mentorId,
      studentId: session.studentId,
      message:
        `session ${session.sessionId} (student ${session.studentId}, ${session.startText}–${session.endText}) overlaps session ` +
        `${other.sessionId} (student ${other.studentId}, ${other.startText}–${other.endText}) of ${byMentor ? `mentor ${session.mentorId}` : 'the same student'}`,
    });
  }

  private record(event: RecordedEvent, example: Omit<InvariantExample, 'position' | 'streamId' | 'eventType'>): void {
    if (this.history.filter((e) => e.kind === example.kind).length >= this.examplesPerKind) return;
    this.history.push({ ...example, position: formatPosition(event.position), streamId: event.streamId, eventType: event.type });
  }
}

/** Folds a whole list of events (in `$all` order) and reports. */
export function checkInvariants(events: Iterable<RecordedEvent>, options?: InvariantCheckerOptions): InvariantReport {
  return new InvariantChecker(options).applyAll(events).report();
}

// The invariant checker on hand-made logs: a consistent history reports nothing, and each kind of
// violation (R9 over capacity, two mentors, R14 overlaps, caseload and calendar mismatches) is found.
import { EVENT_SCHEMA_VERSIONS } from '@mentoring/domain';
import { EventStore, ReadAllOptions, RecordedEvent } from '@mentoring/event-store';
import { checkEventStoreInvariants, formatInvariantReport, invariantViolations } from './check-event-store';
import { checkInvariants } from './invariant-checker';

type Spec = [streamId: string, type: string, data: Record<string, unknown>, schemaVersion?: number];

/** Recorded events at positions 0, 1, 2, … in the order given; the schema version is the domain's current one unless named. */
function log(...specs: Spec[]): RecordedEvent[] {
  const revisions = new Map<string, number>();
  return specs.map(([streamId, type, data, schemaVersion], i) => {
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    return {
      eventId: `e-${i}`,
      streamId,
      revision,
      type,
      schemaVersion: schemaVersion ?? (EVENT_SCHEMA_VERSIONS as Record<string, number>)[type] ?? 1,
      data,
      metadata: { correlationId: 'c', causationId: 'c', actor: { id: 'staff-1', role: 'staff' }, occurredAt: '2027-03-01T08:00:00.000Z' },
      position: { commit: BigInt(i), prepare: BigInt(i) },
      recordedAt: '2027-03-01T08:00:00.000Z',
    };
  });
}

const T = (hour: number, minute = 0) => `2027-03-10T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`;

// Builders of the events the checker reads (only the fields it needs, plus the ids).
const registered = (m: string, capacity: number): Spec => [`mentor-${m}`, 'MentorRegistered', { mentorId: m, capacity }];
const capacityChanged = (m: string, capacity: number): Spec => [`mentor-${m}`, 'MentorCapacityChanged', { mentorId: m, capacity }];
const enrolled = (s: string): Spec => [`student-${s}`, 'StudentEnrolled', { studentId: s }];
const reserved = (m: string, s: string, r: string): Spec => [`mentor-${m}`, 'CaseloadSlotReserved', { mentorId: m, studentId: s, reservationId: r }];
const released = (m: string, s: string, r: string, reason = 'training_withdrawn'): Spec => [
  `mentor-${m}`,
  'CaseloadSlotReleased',
  { mentorId: m, studentId: s, reservationId: r, reason },
];
const assigned = (s: string, m: string, r: string): Spec => [`student-${s}`, 'StudentAssigned', { studentId: s, mentorId: m, reservationId: r }];
const changed = (s: string, from: string, to: string, r: string, previous: string): Spec => [
  `student-${s}`,
  'MentorChanged',
  { studentId: s, fromMentorId: from, toMentorId: to, reservationId: r, previousReservationId: previous },
];
const withdrawn = (s: string, m: string, r: string): Spec => [`student-${s}`, 'TrainingWithdrawn', { studentId: s, mentorId: m, reservationId: r }];
const booked = (s: string, session: string, m: string, start: string, end: string, slotId = `slot-${session}`): Spec => [
  `student-${s}`,
  'SessionBooked',
  { studentId: s, sessionId: session, mentorId: m, start, end, slotId },
];
const rescheduled = (s: string, session: string, m: string, start: string, end: string, slotId: string, previousSlotId: string): Spec => [
  `student-${s}`,
  'SessionRescheduled',
  { studentId: s, sessionId: session, mentorId: m, start, end, slotId, previousSlotId },
];
const cancelled = (s: string, session: string, m: string, slotId = `slot-${session}`): Spec => [
  `student-${s}`,
  'SessionCancelled',
  { studentId: s, sessionId: session, mentorId: m, slotId },
];
const slotReserved = (m: string, s: string, session: string, start: string, end: string, slotId = `slot-${session}`): Spec => [
  `mentor-calendar-${m}`,
  'MentorSlotReserved',
  { mentorId: m, slotId, sessionId: session, studentId: s, start, end },
];
const slotReleased = (m: string, s: string, session: string, slotId = `slot-${session}`): Spec => [
  `mentor-calendar-${m}`,
  'MentorSlotReleased',
  { mentorId: m, slotId, sessionId: session, studentId: s, reason: 'session_cancelled' },
];

const COUNTS = ['overCapacityPositions', 'twoMentors', 'overlappingSessions', 'caseloadMismatches', 'calendarMismatches'] as const;
function counts(events: RecordedEvent[]) {
  const report = checkInvariants(events);
  return Object.fromEntries(COUNTS.map((k) => [k, report[k]]));
}
const none = { overCapacityPositions: 0, twoMentors: 0, overlappingSessions: 0, caseloadMismatches: 0, calendarMismatches: 0 };

/** A consistent history: two mentors, an assignment, a change, a withdrawal, sessions booked, moved and cancelled. */
const consistent: Spec[] = [
  registered('m1', 1),
  registered('m2', 1),
  enrolled('s1'),
  enrolled('s2'),
  reserved('m1', 's1', 'r1'),
  assigned('s1', 'm1', 'r1'),
  slotReserved('m1', 's1', 'x1', T(9), T(9, 30)),
  booked('s1', 'x1', 'm1', T(9), T(9, 30)),
  slotReserved('m1', 's1', 'x1', T(11), T(11, 30), 'slot-x1b'),
  rescheduled('s1', 'x1', 'm1', T(11), T(11, 30), 'slot-x1b', 'slot-x1'),
  slotReleased('m1', 's1', 'x1'),
  reserved('m2', 's1', 'r2'),
  changed('s1', 'm1', 'm2', 'r2', 'r1'),
  cancelled('s1', 'x1', 'm1', 'slot-x1b'),
  released('m1', 's1', 'r1', 'mentor_changed'),
  slotReleased('m1', 's1', 'x1', 'slot-x1b'),
  reserved('m1', 's2', 'r3'),
  assigned('s2', 'm1', 'r3'),
  slotReserved('m1', 's2', 'x2', T(9), T(9, 30)),
  booked('s2', 'x2', 'm1', T(9), T(9, 30)),
  capacityChanged('m1', 2),
  withdrawn('s1', 'm2', 'r2'),
  released('m2', 's1', 'r2'),
];

describe('invariant checker', () => {
  it('reports nothing on a consistent history, with its size', () => {
    const report = checkInvariants(log(...consistent));
    expect(report).toMatchObject({ events: consistent.length, mentors: 2, students: 2, ...none, examples: [] });
    expect(report.totals).toEqual({ assignedStudents: 1, openCaseloadReservations: 1, activeSessions: 1, openCalendarSlots: 1, lapsedReservations: 0 });
    expect(invariantViolations(report)).toBe(0);
  });

  it('R9: finds the position where a mentor has more assigned students than the capacity', () => {
    const events = log(registered('m1', 1), enrolled('s1'), enrolled('s2'), reserved('m1', 's1', 'r1'), assigned('s1', 'm1', 'r1'), assigned('s2', 'm1', 'r2'));
    const report = checkInvariants(events);
    expect(report.overCapacityPositions).toBe(1);
    expect(report.examples[0]).toMatchObject({ kind: 'over_capacity', detail: 'assigned_beyond_capacity', position: '5', mentorId: 'm1', eventType: 'StudentAssigned' });
    expect(report.examples[0].message).toContain('2 assigned students, capacity 1');
  });

  it('R9: a capacity lowered below the assigned students is a position over capacity too', () => {
    const events = log(registered('m1', 2), reserved('m1', 's1', 'r1'), assigned('s1', 'm1', 'r1'), reserved('m1', 's2', 'r2'), assigned('s2', 'm1', 'r2'), capacityChanged('m1', 1));
    expect(counts(events)).toEqual({ ...none, overCapacityPositions: 1 });
    expect(checkInvariants(events).examples[0]).toMatchObject({ detail: 'capacity_below_assigned', position: '5' });
  });

  it('R9: counts the capacity the mentor had at that position, not the final one', () => {
    const events = log(registered('m1', 1), reserved('m1', 's1', 'r1'), assigned('s1', 'm1', 'r1'), reserved('m1', 's2', 'r2'), assigned('s2', 'm1', 'r2'), capacityChanged('m1', 5));
    expect(counts(events)).toEqual({ ...none, overCapacityPositions: 1 });
  });

  it('finds a student assigned while already having a mentor', () => {
    const events = log(registered('m1', 3), registered('m2', 3), reserved('m1', 's1', 'r1'), assigned('s1', 'm1', 'r1'), reserved('m2', 's1', 'r2'), assigned('s1', 'm2', 'r2'));
    const report = checkInvariants(events);
    // The first mentor's reservation is now held by a student assigned elsewhere: a caseload mismatch as well.
    expect(counts(events)).toEqual({ ...none, twoMentors: 1, caseloadMismatches: 1 });
    expect(report.examples[0]).toMatchObject({ kind: 'two_mentors', detail: 'assigned_while_assigned', studentId: 's1', position: '5' });
  });

  it('finds a change of mentor that names another mentor than the current one', () => {
    const events = log(
      registered('m1', 3),
      registered('m2', 3),
      registered('m3', 3),
      reserved('m1', 's1', 'r1'),
      assigned('s1', 'm1', 'r1'),
      reserved('m2', 's1', 'r2'),
      changed('s1', 'm1', 'm2', 'r2', 'r1'),
      released('m1', 's1', 'r1', 'mentor_changed'),
      reserved('m3', 's1', 'r3'),
      changed('s1', 'm1', 'm3', 'r3', 'r1'),
    );
    expect(counts(events)).toEqual({ ...none, twoMentors: 1, caseloadMismatches: 1 });
    expect(checkInvariants(events).examples[0]).toMatchObject({ kind: 'two_mentors', detail: 'change_from_another_mentor', position: '9' });
  });

  it('R14: finds two live sessions of one mentor that overlap, and ignores a cancelled one', () => {
    const base = [registered('m1', 3), slotReserved('m1', 's1', 'x1', T(9), T(9, 45)), booked('s1', 'x1', 'm1', T(9), T(9, 45))];
    const overlapping = log(...base, slotReserved('m1', 's2', 'x2', T(9, 30), T(10), 'slot-x2'), booked('s2', 'x2', 'm1', T(9, 30), T(10)));
    expect(counts(overlapping)).toEqual({ ...none, overlappingSessions: 1 });
    expect(checkInvariants(overlapping).examples[0]).toMatchObject({ kind: 'overlapping_sessions', detail: 'mentor_overlap', position: '4' });

    const afterCancel = log(...base, cancelled('s1', 'x1', 'm1'), slotReleased('m1', 's1', 'x1'), slotReserved('m1', 's2', 'x2', T(9, 30), T(10)), booked('s2', 'x2', 'm1', T(9, 30), T(10)));
    expect(counts(afterCancel)).toEqual(none);

    const touching = log(...base, slotReserved('m1', 's2', 'x2', T(9, 45), T(10, 30)), booked('s2', 'x2', 'm1', T(9, 45), T(10, 30)));
    expect(counts(touching)).toEqual(none);
  });

  it('R14: a reschedule onto another session of the mentor, or of the student, is an overlap', () => {
    const events = log(
      registered('m1', 3),
      slotReserved('m1', 's1', 'x1', T(9), T(9, 30)),
      booked('s1', 'x1', 'm1', T(9), T(9, 30)),
      slotReserved('m1', 's2', 'x2', T(10), T(10, 30)),
      booked('s2', 'x2', 'm1', T(10), T(10, 30)),
      slotReserved('m1', 's2', 'x2', T(9, 15), T(9, 45), 'slot-x2b'),
      rescheduled('s2', 'x2', 'm1', T(9, 15), T(9, 45), 'slot-x2b', 'slot-x2'),
      slotReleased('m1', 's2', 'x2'),
    );
    expect(counts(events)).toEqual({ ...none, overlappingSessions: 1 });
    const ownOverlap = log(
      slotReserved('m1', 's1', 'x1', T(9), T(9, 30)),
      booked('s1', 'x1', 'm1', T(9), T(9, 30)),
      slotReserved('m2', 's1', 'x2', T(9, 15), T(9, 45)),
      booked('s1', 'x2', 'm2', T(9, 15), T(9, 45)),
    );
    expect(checkInvariants(ownOverlap).examples[0]).toMatchObject({ kind: 'overlapping_sessions', detail: 'student_overlap' });
  });

  it('caseload: an assigned student whose slot was released (the race of issue 8) is a mismatch', () => {
    // Request A reserved r1 and lost its race; request B assigned under r1; A's abort released r1.
    const events = log(registered('m1', 1), reserved('m1', 's1', 'r1'), assigned('s1', 'm1', 'r1'), released('m1', 's1', 'r1', 'assignment_aborted'));
    expect(counts(events)).toEqual({ ...none, caseloadMismatches: 1 });
    expect(checkInvariants(events).examples[0]).toMatchObject({ kind: 'caseload_mismatch', detail: 'assigned_without_reservation', mentorId: 'm1', studentId: 's1' });
  });

  it('caseload: an assignment whose own reservation is gone is a mismatch even when another reservation of the student is open', () => {
    const events = log(registered('m1', 2), reserved('m1', 's1', 'r1'), reserved('m1', 's1', 'r2'), assigned('s1', 'm1', 'r1'), released('m1', 's1', 'r1', 'reservation_lapsed'));
    const report = checkInvariants(events);
    expect(report.caseloadMismatches).toBe(2);
    expect(report.examples.map((e) => e.detail)).toEqual(['assigned_without_reservation', 'reservation_without_assignment']);
  });

  it('caseload: a reservation nobody consumed (a crash before the fact) is a mismatch until it is released', () => {
    const leftover = [registered('m1', 1), reserved('m1', 's1', 'r1')] as Spec[];
    expect(counts(log(...leftover))).toEqual({ ...none, caseloadMismatches: 1 });
    expect(checkInvariants(log(...leftover)).examples[0]).toMatchObject({ detail: 'reservation_without_assignment', studentId: 's1' });
    const reconciled = log(
      ...leftover,
      ['student-s1', 'ReservationLapsed', { studentId: 's1', kind: 'caseload', mentorId: 'm1', reservationId: 'r1' }],
      released('m1', 's1', 'r1', 'reservation_lapsed'),
    );
    const report = checkInvariants(reconciled);
    expect(counts(reconciled)).toEqual(none);
    expect(report.totals.lapsedReservations).toBe(1);
  });

  it('caseload: the previous mentor still holding a changed student is a mismatch', () => {
    const events = log(registered('m1', 1), registered('m2', 1), reserved('m1', 's1', 'r1'), assigned('s1', 'm1', 'r1'), reserved('m2', 's1', 'r2'), changed('s1', 'm1', 'm2', 'r2', 'r1'));
    expect(counts(events)).toEqual({ ...none, caseloadMismatches: 1 });
    expect(checkInvariants(events).examples[0]).toMatchObject({ detail: 'reservation_without_assignment', mentorId: 'm1' });
  });

  it('caseload: the same reservation reserved twice while open is a mismatch', () => {
    const events = log(registered('m1', 2), reserved('m1', 's1', 'r1'), reserved('m1', 's1', 'r1'), assigned('s1', 'm1', 'r1'));
    expect(counts(events)).toEqual({ ...none, caseloadMismatches: 1 });
    expect(checkInvariants(events).examples[0]).toMatchObject({ detail: 'reserved_twice' });
  });

  it('calendar: a booked session without its slot, and a slot without a session, are mismatches', () => {
    const withoutSlot = log(slotReserved('m1', 's1', 'x1', T(9), T(9, 30)), booked('s1', 'x1', 'm1', T(9), T(9, 30)), slotReleased('m1', 's1', 'x1'));
    expect(counts(withoutSlot)).toEqual({ ...none, calendarMismatches: 1 });
    expect(checkInvariants(withoutSlot).examples[0]).toMatchObject({ kind: 'calendar_mismatch', detail: 'session_without_slot', studentId: 's1' });

    const cancelledButHeld = log(slotReserved('m1', 's1', 'x1', T(9), T(9, 30)), booked('s1', 'x1', 'm1', T(9), T(9, 30)), cancelled('s1', 'x1', 'm1'));
    expect(counts(cancelledButHeld)).toEqual({ ...none, calendarMismatches: 1 });
    expect(checkInvariants(cancelledButHeld).examples[0]).toMatchObject({ detail: 'slot_without_session' });

    const neverBooked = log(slotReserved('m1', 's1', 'x1', T(9), T(9, 30)));
    expect(checkInvariants(neverBooked).examples[0].message).toContain('never booked');
  });

  it('calendar: a rescheduled session whose new slot is missing, or whose old slot stays, is a mismatch', () => {
    const base: Spec[] = [slotReserved('m1', 's1', 'x1', T(9), T(9, 30)), booked('s1', 'x1', 'm1', T(9), T(9, 30))];
    const newSlotMissing = log(...base, rescheduled('s1', 'x1', 'm1', T(11), T(11, 30), 'slot-x1b', 'slot-x1'), slotReleased('m1', 's1', 'x1'));
    expect(checkInvariants(newSlotMissing).examples.map((e) => e.detail)).toEqual(['session_without_slot']);
    const oldSlotKept = log(...base, slotReserved('m1', 's1', 'x1', T(11), T(11, 30), 'slot-x1b'), rescheduled('s1', 'x1', 'm1', T(11), T(11, 30), 'slot-x1b', 'slot-x1'));
    expect(checkInvariants(oldSlotKept).examples.map((e) => e.detail)).toEqual(['slot_without_session']);
    const timesDiffer = log(slotReserved('m1', 's1', 'x1', T(9), T(9, 30)), booked('s1', 'x1', 'm1', T(9, 15), T(9, 45)));
    expect(checkInvariants(timesDiffer).examples.map((e) => e.detail)).toEqual(['slot_times_differ']);
  });

  it('reads v1 events: no reservation ids (one per mentor and student), slots keyed by session, moved in place', () => {
    const v1 = log(
      ['mentor-m1', 'MentorRegistered', { mentorId: 'm1', capacity: 1 }, 1],
      ['student-s1', 'StudentEnrolled', { studentId: 's1' }, 1],
      ['mentor-m1', 'CaseloadSlotReserved', { mentorId: 'm1', studentId: 's1' }, 1],
      ['student-s1', 'StudentAssigned', { studentId: 's1', mentorId: 'm1' }, 1],
      ['mentor-calendar-m1', 'MentorSlotReserved', { mentorId: 'm1', sessionId: 'x1', studentId: 's1', start: T(9), end: T(9, 30) }, 1],
      ['student-s1', 'DiscoverySessionBooked', { studentId: 's1', sessionId: 'x1', mentorId: 'm1', start: T(9), end: T(9, 30) }, 1],
      ['mentor-calendar-m1', 'MentorSlotMoved', { mentorId: 'm1', sessionId: 'x1', studentId: 's1', start: T(10), end: T(10, 30) }, 1],
      ['student-s1', 'SessionRescheduled', { studentId: 's1', sessionId: 'x1', mentorId: 'm1', start: T(10), end: T(10, 30) }, 1],
      ['mentor-calendar-m1', 'MentorSlotReserved', { mentorId: 'm1', sessionId: 'x2', studentId: 's1', start: T(12), end: T(12, 30) }, 1],
      ['student-s1', 'SessionBooked', { studentId: 's1', sessionId: 'x2', mentorId: 'm1', start: T(12), end: T(12, 30) }, 1],
      ['student-s1', 'SessionCancelled', { studentId: 's1', sessionId: 'x2', mentorId: 'm1' }, 1],
      ['mentor-calendar-m1', 'MentorSlotReleased', { mentorId: 'm1', sessionId: 'x2', studentId: 's1' }, 1],
    );
    expect(counts(v1)).toEqual(none);
    const v1Leftover = log(['mentor-m1', 'CaseloadSlotReserved', { mentorId: 'm1', studentId: 's1' }, 1], ['mentor-m1', 'CaseloadSlotReleased', { mentorId: 'm1', studentId: 's1' }, 1], ['student-s1', 'StudentAssigned', { studentId: 's1', mentorId: 'm1' }, 1]);
    expect(counts(v1Leftover)).toEqual({ ...none, caseloadMismatches: 1 });
  });

  it('keeps a few examples per kind, and folds an event store page by page', async () => {
    const events = log(
      registered('m1', 1),
      ...Array.from({ length: 8 }, (_, i): Spec => assigned(`s${i}`, 'm1', `r${i}`)),
    );
    const pages: number[] = [];
    const store = {
      readAll: async ({ after, maxCount = 1000 }: ReadAllOptions = {}) => {
        const from = after ? Number(after.commit) + 1 : 0;
        pages.push(from);
        return events.slice(from, from + maxCount);
      },
    } as unknown as EventStore;
    const report = await checkEventStoreInvariants(store, { pageSize: 3, examplesPerKind: 2 });
    expect(pages).toEqual([0, 3, 6, 9]);
    expect(report).toMatchObject({ events: 9, overCapacityPositions: 7, caseloadMismatches: 8 });
    expect(report.examples.map((e) => e.kind)).toEqual(['over_capacity', 'over_capacity', 'caseload_mismatch', 'caseload_mismatch']);
    const text = formatInvariantReport(report);
    expect(text).toContain('over-capacity positions (R9)');
    expect(text).toMatch(/over-capacity positions \(R9\) +7/);
    expect(text).toContain('[over_capacity/assigned_beyond_capacity] at 2 (StudentAssigned on student-s1)');
  });
});

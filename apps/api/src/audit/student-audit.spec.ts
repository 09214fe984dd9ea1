// R8: the history of every mentor a student had, with reasons and who decided, stays replayable,
// and "as of" an instant names the mentor the student had then.
import { randomUUID } from 'node:crypto';
import { DomainEvent, studentDecider, StudentCommand } from '@mentoring/domain';
import type { Actor, RecordedEvent } from '@mentoring/event-store';
import { studentAudit, studentAuditCsv } from './student-audit';

const staff: Actor = { id: 'staff-7', role: 'staff' };
const head: Actor = { id: 'head-1', role: 'admin' };
const student: Actor = { id: 's-1', role: 'student' };
const mentor = (mentorId: string) => ({ mentorId, disabilityFriendly: false, trainingPaths: ['web'], active: true });

/** Runs commands through the real decider and records the events as the store would. */
function script(steps: Array<{ at: string; by: Actor; command: (at: string, by: Actor) => StudentCommand }>): RecordedEvent[] {
  const recorded: RecordedEvent[] = [];
  let state = studentDecider.initialState;
  for (const step of steps) {
    const events: DomainEvent[] = studentDecider.decide(step.command(step.at, step.by), state);
    for (const event of events) {
      state = studentDecider.evolve(state, event as never);
      recorded.push({
        eventId: randomUUID(),
        type: event.type,
        schemaVersion: 1,
        data: event.data,
        metadata: { correlationId: `corr-${recorded.length}`, causationId: 'test', actor: step.by, occurredAt: step.at },
        streamId: 'student-s-1',
        revision: recorded.length,
        position: { commit: BigInt(100 + recorded.length), prepare: BigInt(100 + recorded.length) },
        recordedAt: new Date(Date.parse(step.at) + 5).toISOString(),
      });
    }
  }
  return recorded;
}

const history = script([
  {
    at: '2027-01-04T09:00:00.000Z',
    by: staff,
    command: (at, by) => ({
      type: 'EnrolStudent',
      data: { studentId: 's-1', name: 'Sam', email: 'sam@x.example', trainingPath: 'web', registeredDisability: false, startDate: '2027-01-04', funding: { kind: 'self_funded' }, at, by },
    }),
  },
  { at: '2027-01-05T09:00:00.000Z', by: staff, command: (at, by) => ({ type: 'AssignMentor', data: { studentId: 's-1', mentor: mentor('m-a'), reservationId: 'res-a', at, by } }) },
  { at: '2027-02-01T09:00:00.000Z', by: student, command: (at, by) => ({ type: 'RequestMentorChange', data: { studentId: 's-1', requestId: 'r-1', reason: 'schedules do not match', at, by } }) },
  { at: '2027-02-02T09:00:00.000Z', by: staff, command: (at, by) => ({ type: 'ChangeMentor', data: { studentId: 's-1', mentor: mentor('m-b'), reservationId: 'res-b', reason: 'schedules do not match', requestId: 'r-1', at, by } }) },
  { at: '2027-03-10T09:00:00.000Z', by: head, command: (at, by) => ({ type: 'ChangeMentor', data: { studentId: 's-1', mentor: mentor('m-c'), reservationId: 'res-c', reason: 'mentor m-b left the school', at, by } }) },
]);

describe('student audit (replayed from the event store)', () => {
  it('R8: lists the three mentors with reasons, who decided (actor and role), when it happened and was recorded, and the correlation id', () => {
    const audit = studentAudit('s-1', history);
    expect(audit.assignments.map((e) => [e.kind, e.fromMentorId, e.mentorId, e.reason, e.actorId, e.actorRole, e.occurredAt])).toEqual([
      ['assigned', null, 'm-a', 'first assignment', 'staff-7', 'staff', '2027-01-05T09:00:00.000Z'],
      ['change_requested', null, 'm-a', 'schedules do not match', 's-1', 'student', '2027-02-01T09:00:00.000Z'],
      ['changed', 'm-a', 'm-b', 'schedules do not match', 'staff-7', 'staff', '2027-02-02T09:00:00.000Z'],
      ['changed', 'm-b', 'm-c', 'mentor m-b left the school', 'head-1', 'admin', '2027-03-10T09:00:00.000Z'],
    ]);
    expect(audit.assignments[2]).toMatchObject({ recordedAt: '2027-02-02T09:00:00.005Z', correlationId: 'corr-3', revision: 3, position: '103', detail: 'answers request r-1' });
    expect(audit.asOf).toBeNull();
  });

  it.each([
    ['2027-01-04T12:00:00Z', 'awaiting_mentor', null],
    ['2027-01-20T00:00:00Z', 'active', 'm-a'],
    ['2027-02-02T09:00:00Z', 'active', 'm-b'],
    ['2027-03-01T00:00:00Z', 'active', 'm-b'],
    ['2027-06-01T00:00:00Z', 'active', 'm-c'],
    ['2026-12-31T00:00:00Z', 'not_enrolled', null],
  ])('R8: as of %s the student was %s with mentor %s', (instant, status, mentorId) => {
    const audit = studentAudit('s-1', history, new Date(instant));
    expect(audit.asOf).toMatchObject({ status, mentorId });
    expect(audit.assignments.every((e) => Date.parse(e.occurredAt) <= Date.parse(instant))).toBe(true);
  });

  it('exports CSV with one row per entry, quoted where needed, formulas neutralised', () => {
    const csv = studentAuditCsv(studentAudit('s-1', history, new Date('2027-06-01T00:00:00Z')));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('section,studentId,kind,eventType,mentorId,fromMentorId,reason,sessionId,sessionStart,detail,actorId,actorRole,occurredAt,recordedAt,correlationId,causationId,eventId,revision,position');
    expect(lines).toHaveLength(1 + 4 + 1);
    expect(lines[3]).toMatch(/^assignments,s-1,changed,MentorChanged,m-b,m-a,schedules do not match,/);
    expect(lines[5]).toMatch(/^as_of,s-1,status:active,,m-c,/);
    const withFormula = studentAuditCsv({ studentId: 's', assignments: [{ ...studentAudit('s-1', history).assignments[0], reason: '=HYPERLINK("x")' }], sessions: [], attendance: [], comments: [], asOf: null });
    expect(withFormula).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

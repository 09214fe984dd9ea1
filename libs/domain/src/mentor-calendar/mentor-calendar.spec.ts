import { Actor } from '../shared/actor';
import { given } from '../shared/testing';
import { MentorCalendarCommand } from './mentor-calendar.commands';
import { mentorCalendarDecider } from './mentor-calendar.decider';
import { MentorCalendarEvent, MentorSlotReleaseReason } from './mentor-calendar.events';

const MENTOR_ID = 'men-1';
const NOW = '2026-03-02T09:00:00.000Z';
const theMentor: Actor = { id: MENTOR_ID, role: 'mentor' };
const otherMentor: Actor = { id: 'men-2', role: 'mentor' };
const theStudent: Actor = { id: 'stu-1', role: 'student' };
const anotherStudent: Actor = { id: 'stu-2', role: 'student' };
const system: Actor = { id: 'system', role: 'system' };
const funder: Actor = { id: 'f-1', role: 'funder' };

/** The slot id the specifications use for a session's first slot. */
function slotOf(sessionId: string): string {
  return `slot-${sessionId}`;
}

interface SlotOptions {
  by?: Actor;
  studentId?: string;
  slotId?: string;
}

function reserve(sessionId: string, start: string, end: string, options: SlotOptions = {}): MentorCalendarCommand {
  const { by = theMentor, studentId = 'stu-1', slotId = slotOf(sessionId) } = options;
  return { type: 'ReserveMentorSlot', data: { mentorId: MENTOR_ID, slotId, sessionId, studentId, start, end, at: NOW, by } };
}

function reserved(sessionId: string, start: string, end: string, options: Omit<SlotOptions, 'by'> = {}): MentorCalendarEvent {
  const { studentId = 'stu-1', slotId = slotOf(sessionId) } = options;
  return { type: 'MentorSlotReserved', data: { mentorId: MENTOR_ID, slotId, sessionId, studentId, start, end, reservedAt: NOW } };
}

function release(slotId: string, reason: MentorSlotReleaseReason, by: Actor = system): MentorCalendarCommand {
  return { type: 'ReleaseMentorSlot', data: { mentorId: MENTOR_ID, slotId, reason, at: NOW, by } };
}

function released(slotId: string, sessionId: string, reason: MentorSlotReleaseReason, studentId = 'stu-1'): MentorCalendarEvent {
  return { type: 'MentorSlotReleased', data: { mentorId: MENTOR_ID, slotId, sessionId, studentId, reason, releasedAt: NOW } };
}

const A_START = '2026-03-03T10:00:00.000Z';
const A_END = '2026-03-03T10:45:00.000Z';
const B_START = '2026-03-04T10:00:00.000Z';
const B_END = '2026-03-04T10:45:00.000Z';

describe('mentor calendar (R14)', () => {
  it('R14: reserves a free slot in the mentor’s calendar (times normalised to UTC)', () => {
    given(mentorCalendarDecider).when(reserve('ses-1', '2026-03-03T11:00:00+01:00', '2026-03-03T11:45:00+01:00')).then([reserved('ses-1', A_START, A_END)]);
  });

  it('R14: refuses a slot that overlaps another reserved slot of the mentor, even for another student', () => {
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)])
      .when(reserve('ses-2', '2026-03-03T10:30:00Z', '2026-03-03T11:15:00Z', { by: system, studentId: 'stu-2' }))
      .thenThrows('R14_mentor_slot_taken', 'conflict');
  });

  it('R14: accepts back-to-back slots', () => {
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)])
      .when(reserve('ses-2', A_END, '2026-03-03T11:30:00Z', { by: theStudent }))
      .then([reserved('ses-2', A_END, '2026-03-03T11:30:00.000Z')]);
  });

  it('R14: reserving the same slot (same id, session, student and times) again is a no-op', () => {
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)]).when(reserve('ses-1', A_START, A_END)).thenNothing();
  });

  it('R14: refuses reusing a slot id for other times, another session or another student', () => {
    const history = [reserved('ses-1', A_START, A_END)];
    given(mentorCalendarDecider, history).when(reserve('ses-1', B_START, B_END)).thenThrows('mentor_slot_id_already_used', 'conflict');
    given(mentorCalendarDecider, history).when(reserve('ses-2', B_START, B_END, { slotId: slotOf('ses-1') })).thenThrows('mentor_slot_id_already_used', 'conflict');
    given(mentorCalendarDecider, history)
      .when(reserve('ses-1', A_START, A_END, { by: system, studentId: 'stu-2' }))
      .thenThrows('mentor_slot_id_already_used', 'conflict');
  });

  it('R14: a released slot can be reserved again', () => {
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END), released(slotOf('ses-1'), 'ses-1', 'session_cancelled')])
      .when(reserve('ses-2', A_START, A_END, { studentId: 'stu-2' }))
      .then([reserved('ses-2', A_START, A_END, { studentId: 'stu-2' })]);
  });

  it('R14: a session being rescheduled holds its new slot next to its old one: its own first slot is no clash', () => {
    const history = [reserved('ses-1', A_START, A_END)];
    const overlapping = reserved('ses-1', '2026-03-03T10:15:00.000Z', '2026-03-03T11:00:00.000Z', { slotId: 'slot-ses-1-b' });
    given(mentorCalendarDecider, history)
      .when(reserve('ses-1', '2026-03-03T10:15:00Z', '2026-03-03T11:00:00Z', { by: theStudent, slotId: 'slot-ses-1-b' }))
      .then([overlapping]);
    const both = [...history, overlapping];
    const state = given(mentorCalendarDecider, both).state();
    expect(Object.keys(state.slots).sort()).toEqual(['slot-ses-1', 'slot-ses-1-b']);
  });

  it('R14: refuses a session’s new slot over another session’s slot, and another session over either slot of a session being rescheduled', () => {
    const history = [reserved('ses-1', A_START, A_END), reserved('ses-2', B_START, B_END, { studentId: 'stu-2' })];
    given(mentorCalendarDecider, history)
      .when(reserve('ses-1', '2026-03-04T10:30:00Z', '2026-03-04T11:15:00Z', { slotId: 'slot-ses-1-b' }))
      .thenThrows('R14_mentor_slot_taken', 'conflict');
    const rescheduling = [reserved('ses-1', A_START, A_END), reserved('ses-1', B_START, B_END, { slotId: 'slot-ses-1-b' })];
    given(mentorCalendarDecider, rescheduling)
      .when(reserve('ses-3', A_START, A_END, { by: system, studentId: 'stu-2' }))
      .thenThrows('R14_mentor_slot_taken', 'conflict');
    given(mentorCalendarDecider, rescheduling)
      .when(reserve('ses-3', B_START, B_END, { by: system, studentId: 'stu-2' }))
      .thenThrows('R14_mentor_slot_taken', 'conflict');
  });

  it('R14: once the old slot of a rescheduled session is released (session_rescheduled), its time is free and the new slot stands', () => {
    const history = [reserved('ses-1', A_START, A_END), reserved('ses-1', B_START, B_END, { slotId: 'slot-ses-1-b' })];
    given(mentorCalendarDecider, history).when(release(slotOf('ses-1'), 'session_rescheduled')).then([released(slotOf('ses-1'), 'ses-1', 'session_rescheduled')]);
    const after = [...history, released(slotOf('ses-1'), 'ses-1', 'session_rescheduled')];
    given(mentorCalendarDecider, after)
      .when(reserve('ses-3', A_START, A_END, { by: system, studentId: 'stu-2' }))
      .then([reserved('ses-3', A_START, A_END, { studentId: 'stu-2' })]);
    given(mentorCalendarDecider, after)
      .when(reserve('ses-3', B_START, B_END, { by: system, studentId: 'stu-2' }))
      .thenThrows('R14_mentor_slot_taken', 'conflict');
  });

  it('releases a slot by its id, naming its session and student; releasing a slot that is not held is a no-op', () => {
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)])
      .when(release(slotOf('ses-1'), 'session_cancelled'))
      .then([released(slotOf('ses-1'), 'ses-1', 'session_cancelled')]);
    given(mentorCalendarDecider).when(release(slotOf('ses-1'), 'session_cancelled')).thenNothing();
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END), released(slotOf('ses-1'), 'ses-1', 'session_cancelled')])
      .when(release(slotOf('ses-1'), 'session_cancelled'))
      .thenNothing();
  });

  it('releases a lapsed slot (reservation_lapsed); refuses an unknown reason', () => {
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END, { slotId: 'slot-lost' })])
      .when(release('slot-lost', 'reservation_lapsed'))
      .then([released('slot-lost', 'ses-1', 'reservation_lapsed')]);
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)]).when(release(slotOf('ses-1'), 'bored' as never)).thenThrows('invalid_release_reason', 'validation');
  });

  it('R14: v1 history: a slot keyed by its session and moved in place (MentorSlotMoved) holds its new time', () => {
    const moved: MentorCalendarEvent = {
      type: 'MentorSlotMoved',
      data: { mentorId: MENTOR_ID, sessionId: 'ses-1', studentId: 'stu-1', previousStart: A_START, previousEnd: A_END, start: B_START, end: B_END, movedAt: NOW },
    };
    const history = [reserved('ses-1', A_START, A_END, { slotId: 'ses-1' }), moved];
    given(mentorCalendarDecider, history)
      .when(reserve('ses-2', A_START, A_END, { by: system }))
      .then([reserved('ses-2', A_START, A_END)]);
    given(mentorCalendarDecider, history).when(reserve('ses-2', B_START, B_END, { by: system })).thenThrows('R14_mentor_slot_taken', 'conflict');
    given(mentorCalendarDecider, history).when(release('ses-1', 'session_cancelled')).then([released('ses-1', 'ses-1', 'session_cancelled')]);
  });

  it('refuses a slot that ends before it starts, or a slot without an id', () => {
    given(mentorCalendarDecider).when(reserve('ses-1', A_END, A_START)).thenThrows('slot_must_end_after_start', 'validation');
    given(mentorCalendarDecider).when(reserve('ses-1', A_START, A_END, { slotId: '' })).thenThrows('missing_field', 'validation');
  });

  it('refuses another mentor’s calendar, another student’s session and roles without a say', () => {
    given(mentorCalendarDecider).when(reserve('ses-1', A_START, A_END, { by: otherMentor })).thenThrows('not_own_calendar', 'forbidden');
    given(mentorCalendarDecider).when(reserve('ses-1', A_START, A_END, { by: anotherStudent })).thenThrows('not_the_student', 'forbidden');
    given(mentorCalendarDecider).when(reserve('ses-1', A_START, A_END, { by: funder })).thenThrows('role_not_allowed', 'forbidden');
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)]).when(release(slotOf('ses-1'), 'other', anotherStudent)).thenThrows('not_the_student', 'forbidden');
  });

  it('refuses a command for another mentor than the calendar’s', () => {
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)])
      .when({
        type: 'ReserveMentorSlot',
        data: { mentorId: 'men-2', slotId: 'slot-ses-2', sessionId: 'ses-2', studentId: 'stu-1', start: A_END, end: '2026-03-03T11:30:00Z', at: NOW, by: system },
      })
      .thenThrows('mentor_id_mismatch', 'validation');
  });
});

import { Actor } from '../shared/actor';
import { given } from '../shared/testing';
import { MentorCalendarCommand } from './mentor-calendar.commands';
import { mentorCalendarDecider } from './mentor-calendar.decider';
import { MentorCalendarEvent } from './mentor-calendar.events';

const MENTOR_ID = 'men-1';
const NOW = '2026-03-02T09:00:00.000Z';
const theMentor: Actor = { id: MENTOR_ID, role: 'mentor' };
const otherMentor: Actor = { id: 'men-2', role: 'mentor' };
const theStudent: Actor = { id: 'stu-1', role: 'student' };
const anotherStudent: Actor = { id: 'stu-2', role: 'student' };
const system: Actor = { id: 'system', role: 'system' };
const funder: Actor = { id: 'f-1', role: 'funder' };

function reserve(sessionId: string, start: string, end: string, by: Actor = theMentor, studentId = 'stu-1'): MentorCalendarCommand {
  return { type: 'ReserveMentorSlot', data: { mentorId: MENTOR_ID, sessionId, studentId, start, end, at: NOW, by } };
}

function reserved(sessionId: string, start: string, end: string, studentId = 'stu-1'): MentorCalendarEvent {
  return { type: 'MentorSlotReserved', data: { mentorId: MENTOR_ID, sessionId, studentId, start, end, reservedAt: NOW } };
}

const A_START = '2026-03-03T10:00:00.000Z';
const A_END = '2026-03-03T10:45:00.000Z';

describe('mentor calendar (R14)', () => {
  it('R14: reserves a free slot in the mentor’s calendar (times normalised to UTC)', () => {
    given(mentorCalendarDecider).when(reserve('ses-1', '2026-03-03T11:00:00+01:00', '2026-03-03T11:45:00+01:00')).then([reserved('ses-1', A_START, A_END)]);
  });

  it('R14: refuses a slot that overlaps another reserved slot of the mentor, even for another student', () => {
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)])
      .when(reserve('ses-2', '2026-03-03T10:30:00Z', '2026-03-03T11:15:00Z', system, 'stu-2'))
      .thenThrows('R14_mentor_slot_taken', 'conflict');
  });

  it('R14: accepts back-to-back slots', () => {
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)])
      .when(reserve('ses-2', A_END, '2026-03-03T11:30:00Z', theStudent))
      .then([reserved('ses-2', A_END, '2026-03-03T11:30:00.000Z')]);
  });

  it('R14: reserving the same session at the same times again is a no-op', () => {
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)]).when(reserve('ses-1', A_START, A_END)).thenNothing();
  });

  it('R14: refuses reserving the same session at other times (move it instead)', () => {
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)])
      .when(reserve('ses-1', '2026-03-04T10:00:00Z', '2026-03-04T10:45:00Z'))
      .thenThrows('mentor_slot_session_already_reserved', 'conflict');
  });

  it('R14: a released slot can be reserved again', () => {
    const released: MentorCalendarEvent = {
      type: 'MentorSlotReleased',
      data: { mentorId: MENTOR_ID, sessionId: 'ses-1', studentId: 'stu-1', reason: 'session_cancelled', releasedAt: NOW },
    };
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END), released])
      .when(reserve('ses-2', A_START, A_END, theMentor, 'stu-2'))
      .then([reserved('ses-2', A_START, A_END, 'stu-2')]);
  });

  it('releases a slot; releasing a slot that is not held is a no-op', () => {
    const release: MentorCalendarCommand = { type: 'ReleaseMentorSlot', data: { mentorId: MENTOR_ID, sessionId: 'ses-1', reason: 'session_cancelled', at: NOW, by: system } };
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)])
      .when(release)
      .then([{ type: 'MentorSlotReleased', data: { mentorId: MENTOR_ID, sessionId: 'ses-1', studentId: 'stu-1', reason: 'session_cancelled', releasedAt: NOW } }]);
    given(mentorCalendarDecider).when(release).thenNothing();
  });

  it('R14: moves a slot to a free time; refuses moving it onto another slot; same times is a no-op', () => {
    const move = (start: string, end: string): MentorCalendarCommand => ({ type: 'MoveMentorSlot', data: { mentorId: MENTOR_ID, sessionId: 'ses-1', start, end, at: NOW, by: theStudent } });
    const history = [reserved('ses-1', A_START, A_END), reserved('ses-2', '2026-03-04T10:00:00.000Z', '2026-03-04T10:45:00.000Z', 'stu-2')];
    given(mentorCalendarDecider, history)
      .when(move('2026-03-03T12:00:00Z', '2026-03-03T12:45:00Z'))
      .then([
        {
          type: 'MentorSlotMoved',
          data: {
            mentorId: MENTOR_ID,
            sessionId: 'ses-1',
            studentId: 'stu-1',
            previousStart: A_START,
            previousEnd: A_END,
            start: '2026-03-03T12:00:00.000Z',
            end: '2026-03-03T12:45:00.000Z',
            movedAt: NOW,
          },
        },
      ]);
    given(mentorCalendarDecider, history).when(move('2026-03-04T10:15:00Z', '2026-03-04T11:00:00Z')).thenThrows('R14_mentor_slot_taken', 'conflict');
    given(mentorCalendarDecider, history).when(move(A_START, A_END)).thenNothing();
    given(mentorCalendarDecider).when(move(A_START, A_END)).thenThrows('mentor_slot_not_found', 'not_found');
  });

  it('refuses a slot that ends before it starts', () => {
    given(mentorCalendarDecider).when(reserve('ses-1', A_END, A_START)).thenThrows('slot_must_end_after_start', 'validation');
  });

  it('refuses another mentor’s calendar, another student’s session and roles without a say', () => {
    given(mentorCalendarDecider).when(reserve('ses-1', A_START, A_END, otherMentor)).thenThrows('not_own_calendar', 'forbidden');
    given(mentorCalendarDecider).when(reserve('ses-1', A_START, A_END, anotherStudent)).thenThrows('not_the_student', 'forbidden');
    given(mentorCalendarDecider).when(reserve('ses-1', A_START, A_END, funder)).thenThrows('role_not_allowed', 'forbidden');
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)])
      .when({ type: 'ReleaseMentorSlot', data: { mentorId: MENTOR_ID, sessionId: 'ses-1', reason: 'other', at: NOW, by: anotherStudent } })
      .thenThrows('not_the_student', 'forbidden');
  });

  it('refuses a command for another mentor than the calendar’s', () => {
    given(mentorCalendarDecider, [reserved('ses-1', A_START, A_END)])
      .when({ type: 'ReserveMentorSlot', data: { mentorId: 'men-2', sessionId: 'ses-2', studentId: 'stu-1', start: A_END, end: '2026-03-03T11:30:00Z', at: NOW, by: system } })
      .thenThrows('mentor_id_mismatch', 'validation');
  });
});

// Session e-mails: to the mentor and the student when a session is booked (or moved), and a reminder
// `reminderHoursBefore` (48 h by default) before it. The reminder is due work derived from the booking
// (stored with the checkpoint), performed by the scheduler's tick, which checks the student's stream
// first: a session cancelled, held, missed or moved in the meantime gets no reminder for its old time.
import type { SessionBooked, SessionRescheduled } from '@mentoring/domain';
import type { RecordedEvent } from '@mentoring/event-store';
import { cancel, schedule, type DueWorkDoc } from '../due-work';
import type { MailAbout } from '../mail-outbox';
import type { DueWorkOutcome, ReactionContext, Reactor } from '../reactor';
import { formatInstant, render } from '../templates';
import { HOUR_MS, ReactorDeps, addMs, dataOf, loadMentor, loadStudent } from './shared';

export const SESSION_EMAILS = 'session-emails';

interface Parties {
  about: MailAbout;
  mentor: { name: string; email: string };
  student: { name: string; email: string };
}

async function partiesOf(deps: ReactorDeps, studentId: string, mentorId: string): Promise<Parties> {
  const student = await loadStudent(deps, studentId);
  const mentor = await loadMentor(deps, mentorId);
  if (!student) throw new Error(`student ${studentId} is not enrolled`);
  if (!mentor) throw new Error(`mentor ${mentorId} is not registered`);
  return { about: { studentId, mentorId }, mentor: { name: mentor.name, email: mentor.email }, student: { name: student.file.enrolment.name, email: student.file.enrolment.email } };
}

/** One message to each party, the other party named in it. */
async function sendToBoth(
  ctx: ReactionContext,
  parties: Parties,
  keyBase: string,
  template: string,
  values: (recipient: 'mentor' | 'student') => Record<string, string | number>,
): Promise<void> {
  for (const recipient of ['mentor', 'student'] as const) {
    const other = recipient === 'mentor' ? parties.student : parties.mentor;
    const mail = render(template, {
      recipientName: parties[recipient].name,
      otherName: other.name,
      otherEmail: other.email,
      ...values(recipient),
    });
    await ctx.sendOnce({ key: `${keyBase}.${recipient}`, to: parties[recipient].email, about: parties.about, ...mail });
  }
}

export function sessionEmailsReactor(deps: ReactorDeps): Reactor {
  const reminderMs = deps.policy.reminderHoursBefore * HOUR_MS;
  const cancellationRule = `A student who cancels less than ${deps.policy.lateCancellationHours} hours before the session cancels late, which counts as a missed session for attendance.`;
  const reminderKey = (sessionId: string) => `reminder:${sessionId}`;

  return {
    name: SESSION_EMAILS,
    eventTypes: new Set(['DiscoverySessionBooked', 'SessionBooked', 'SessionRescheduled', 'SessionCancelled', 'SessionHeld', 'SessionMissed']),
    historySkippedDueKinds: new Set(['session-reminder']),

    async react(event: RecordedEvent, ctx: ReactionContext) {
      switch (event.type) {
        case 'DiscoverySessionBooked':
        case 'SessionBooked': {
          const d = dataOf<SessionBooked['data']>(event);
          const discovery = event.type === 'DiscoverySessionBooked';
          const dueAt = addMs(d.start, -reminderMs);
          // Booked less than the reminder's lead time ahead: the booking e-mail is the reminder.
          if (Date.parse(dueAt) > Date.parse(d.bookedAt)) {
            ctx.write((tx) => schedule(tx, SESSION_EMAILS, reminderKey(d.sessionId), { kind: 'session-reminder', dueAt, data: { studentId: d.studentId, sessionId: d.sessionId, start: d.start } }, event));
          }
          // Caught up too late (the session has started): nothing worth telling any more.
          if (ctx.now().getTime() >= Date.parse(d.start)) return;
          const parties = await partiesOf(deps, d.studentId, d.mentorId);
          await sendToBoth(ctx, parties, `session-booked.${event.eventId}`, 'session-booked', () => ({
            sessionLabel: discovery ? 'Discovery session' : 'Mentoring session',
            sessionLabelSentence: discovery ? 'Your discovery session' : 'Your mentoring session',
            when: formatInstant(d.start),
            durationMinutes: d.durationMinutes,
            reminderHours: deps.policy.reminderHoursBefore,
            cancellationRule,
            reference: event.eventId,
          }));
          return;
        }
        case 'SessionRescheduled': {
          const d = dataOf<SessionRescheduled['data']>(event);
          const dueAt = addMs(d.start, -reminderMs);
          ctx.write((tx) =>
            Date.parse(dueAt) > Date.parse(d.rescheduledAt)
              ? schedule(tx, SESSION_EMAILS, reminderKey(d.sessionId), { kind: 'session-reminder', dueAt, data: { studentId: d.studentId, sessionId: d.sessionId, start: d.start } }, event)
              : cancel(tx, SESSION_EMAILS, reminderKey(d.sessionId), 'rescheduled_within_reminder_time'),
          );
          if (ctx.now().getTime() >= Date.parse(d.start)) return;
          const parties = await partiesOf(deps, d.studentId, d.mentorId);
          await sendToBoth(ctx, parties, `session-rescheduled.${event.eventId}`, 'session-rescheduled', () => ({
            when: formatInstant(d.start),
            previousWhen: formatInstant(d.previousStart),
            durationMinutes: Math.round((Date.parse(d.end) - Date.parse(d.start)) / 60_000),
            reference: event.eventId,
          }));
          return;
        }
        default: {
          // Cancelled, held or missed: no reminder any more.
          const { sessionId } = dataOf<{ sessionId: string }>(event);
          ctx.write((tx) => cancel(tx, SESSION_EMAILS, reminderKey(sessionId), event.type));
        }
      }
    },

    async perform(work: DueWorkDoc, ctx: ReactionContext): Promise<DueWorkOutcome> {
      const { studentId, sessionId, start } = work.data as { studentId: string; sessionId: string; start: string };
      const student = await loadStudent(deps, studentId);
      const session = student?.file.sessions[sessionId];
      if (!student || !session || session.status !== 'booked' || session.start !== start) return { outcome: 'obsolete' };
      if (ctx.now().getTime() >= Date.parse(start)) return { outcome: 'too_late' };
      const parties = await partiesOf(deps, studentId, session.mentorId);
      const label = session.kind === 'discovery' ? 'discovery session' : 'mentoring session';
      await sendToBoth(ctx, parties, `session-reminder.${sessionId}.${Date.parse(start)}`, 'session-reminder', () => ({
        sessionLabelLower: label,
        when: formatInstant(start),
        durationMinutes: session.durationMinutes,
        cancellationRule,
        reference: sessionId,
      }));
      return { outcome: 'sent' };
    },
  };
}

// Folds one student event into the state. Never refuses an event: history is fact.
import { assertNever } from '../shared/decider';
import { ERASED_PLACEHOLDER } from '../shared/values';
import { StudentEvent } from './student.events';
import { EnrolledStudentState, Mentorship, SessionRecord, StudentFile, StudentState } from './student.state';

function newMentorship(mentorId: string, reservationId: string, since: string): Mentorship {
  return { mentorId, reservationId, since, firstContactAt: null, discoverySessionId: null, firstHeldSessionId: null };
}

function withReservation(file: StudentFile, reservationId: string, as: 'consumed' | 'lapsed'): StudentFile {
  return file.reservations[reservationId] === as ? file : { ...file, reservations: { ...file.reservations, [reservationId]: as } };
}

function withFile(state: EnrolledStudentState, change: (file: StudentFile) => StudentFile): StudentState {
  return { ...state, file: change(state.file) };
}

function withMentorship(state: StudentState, change: (m: Mentorship) => Mentorship): StudentState {
  switch (state.status) {
    case 'active':
    case 'paused':
    case 'completed':
      return { ...state, mentorship: change(state.mentorship) };
    case 'withdrawn':
      return state.mentorship ? { ...state, mentorship: change(state.mentorship) } : state;
    default:
      return state;
  }
}

function withSession(state: StudentState, sessionId: string, change: (s: SessionRecord) => SessionRecord): StudentState {
  if (state.status === 'not_enrolled') return state;
  const session = state.file.sessions[sessionId];
  if (!session) return state;
  return withFile(state, (file) => ({ ...file, sessions: { ...file.sessions, [sessionId]: change(session) } }));
}

export function evolveStudent(state: StudentState, event: StudentEvent): StudentState {
  if (event.type === 'StudentEnrolled') {
    const file: StudentFile = {
      enrolment: event.data,
      sessions: {},
      firstSessions: {},
      followUps: {},
      comments: {},
      pendingChangeRequest: null,
      closedChangeRequests: [],
      weeksWithoutSession: [],
      reservations: {},
      erasedAt: null,
    };
    return { status: 'awaiting_mentor', file };
  }
  if (state.status === 'not_enrolled') return state;

  switch (event.type) {
    case 'StudentAssigned':
      return {
        status: 'active',
        file: withReservation(state.file, event.data.reservationId, 'consumed'),
        mentorship: newMentorship(event.data.mentorId, event.data.reservationId, event.data.assignedAt),
      };
    case 'MentorChangeRequested':
      return withFile(state, (file) => ({
        ...file,
        pendingChangeRequest: { requestId: event.data.requestId, reason: event.data.reason },
      }));
    case 'MentorChangeRequestDeclined':
      return withFile(state, (file) => ({
        ...file,
        pendingChangeRequest: file.pendingChangeRequest?.requestId === event.data.requestId ? null : file.pendingChangeRequest,
        closedChangeRequests: [...file.closedChangeRequests, event.data.requestId],
      }));
    case 'MentorChanged': {
      const changed = withFile(state, (file) => ({
        ...withReservation(file, event.data.reservationId, 'consumed'),
        pendingChangeRequest: null,
        closedChangeRequests: event.data.requestId ? [...file.closedChangeRequests, event.data.requestId] : file.closedChangeRequests,
      }));
      return withMentorship(changed, () => newMentorship(event.data.toMentorId, event.data.reservationId, event.data.changedAt));
    }
    case 'FirstContactRecorded':
      return withMentorship(state, (m) => ({ ...m, firstContactAt: event.data.contactedAt }));
    case 'InternalCommentAdded':
      return withFile(state, (file) => ({
        ...file,
        comments: { ...file.comments, [event.data.commentId]: { text: event.data.text, authorId: event.data.author.id } },
      }));
    case 'FollowUpRequested': {
      const { followUpId, reason, note, requestedBy } = event.data;
      return withFile(state, (file) => ({
        ...file,
        followUps: { ...file.followUps, [followUpId]: { followUpId, reason, note, requestedBy, status: 'open', resolution: null } },
      }));
    }
    case 'FollowUpResolved': {
      const followUp = state.file.followUps[event.data.followUpId];
      if (!followUp) return state;
      return withFile(state, (file) => ({
        ...file,
        followUps: { ...file.followUps, [followUp.followUpId]: { ...followUp, status: 'resolved', resolution: event.data.resolution } },
      }));
    }
    case 'TrainingPaused':
      return state.status === 'active' ? { status: 'paused', file: state.file, mentorship: state.mentorship, pausedAt: event.data.pausedAt } : state;
    case 'TrainingResumed':
      return state.status === 'paused' ? { status: 'active', file: state.file, mentorship: state.mentorship } : state;
    case 'TrainingCompleted':
      return state.status === 'active' || state.status === 'paused'
        ? { status: 'completed', file: state.file, mentorship: state.mentorship, completedAt: event.data.completedAt }
        : state;
    case 'TrainingWithdrawn':
      return { status: 'withdrawn', file: state.file, mentorship: mentorshipOfEnrolled(state), withdrawnAt: event.data.withdrawnAt };
    case 'DiscoverySessionBooked':
    case 'SessionBooked': {
      const { sessionId, mentorId, start, end, durationMinutes, slotId } = event.data;
      const kind = event.type === 'DiscoverySessionBooked' ? 'discovery' : 'regular';
      const booked = withFile(state, (file) => ({
        ...withReservation(file, slotId, 'consumed'),
        sessions: {
          ...file.sessions,
          [sessionId]: { sessionId, kind, mentorId, start, end, durationMinutes, slotId, status: 'booked', cancellation: null, delayMinutes: null },
        },
      }));
      return kind === 'discovery' ? withMentorship(booked, (m) => ({ ...m, discoverySessionId: sessionId })) : booked;
    }
    case 'SessionRescheduled': {
      const moved = withSession(state, event.data.sessionId, (s) => ({ ...s, start: event.data.start, end: event.data.end, slotId: event.data.slotId }));
      return moved.status === 'not_enrolled' ? moved : withFile(moved, (file) => withReservation(file, event.data.slotId, 'consumed'));
    }
    case 'SessionCancelled': {
      const cancelled = withSession(state, event.data.sessionId, (s) => ({
        ...s,
        status: 'cancelled',
        cancellation: { reason: event.data.reason, late: event.data.late },
      }));
      // A cancelled discovery session may be booked again (R12).
      return withMentorship(cancelled, (m) => (m.discoverySessionId === event.data.sessionId ? { ...m, discoverySessionId: null } : m));
    }
    case 'SessionHeld': {
      const held = withSession(state, event.data.sessionId, (s) => ({ ...s, status: 'held' }));
      if (!event.data.firstOfMentorship || held.status === 'not_enrolled') return held;
      const { sessionId, mentorId } = event.data;
      const reviewed = withFile(held, (file) => ({
        ...file,
        firstSessions: { ...file.firstSessions, [sessionId]: { sessionId, mentorId, recordingUrl: null, feedback: null } },
      }));
      return withMentorship(reviewed, (m) => ({ ...m, firstHeldSessionId: sessionId }));
    }
    case 'SessionMissed': {
      const missed = withSession(state, event.data.sessionId, (s) => ({ ...s, status: 'missed' }));
      // A discovery session the student did not attend may be booked again (R12).
      return withMentorship(missed, (m) => (m.discoverySessionId === event.data.sessionId ? { ...m, discoverySessionId: null } : m));
    }
    case 'SubstantialDelayRecorded':
      return withSession(state, event.data.sessionId, (s) => ({ ...s, delayMinutes: event.data.delayMinutes }));
    case 'FirstSessionRecordingSubmitted':
    case 'FirstSessionFeedbackGiven': {
      const review = state.file.firstSessions[event.data.sessionId];
      if (!review) return state;
      const next =
        event.type === 'FirstSessionRecordingSubmitted'
          ? { ...review, recordingUrl: event.data.recordingUrl }
          : { ...review, feedback: event.data.feedback };
      return withFile(state, (file) => ({ ...file, firstSessions: { ...file.firstSessions, [review.sessionId]: next } }));
    }
    case 'AttendanceFactRecorded':
      return event.data.weekStart
        ? withFile(state, (file) => ({ ...file, weeksWithoutSession: [...file.weeksWithoutSession, event.data.weekStart as string] }))
        : state;
    case 'AttendanceAlertRaised':
      return state;
    case 'ReservationLapsed':
      return withFile(state, (file) => withReservation(file, event.data.reservationId, 'lapsed'));
    case 'StudentPersonalDataErased':
      return withFile(state, (file) => erasedFile(file, event.data.erasedAt));
    default:
      return assertNever(event);
  }
}

/** Placeholders in the state too: a state cached before the erasure keeps no personal data. */
function erasedFile(file: StudentFile, erasedAt: string): StudentFile {
  const e = ERASED_PLACEHOLDER;
  const funding = file.enrolment.funding.kind === 'apprenticeship' ? { ...file.enrolment.funding, tutor: { ...file.enrolment.funding.tutor, name: e, email: e } } : file.enrolment.funding;
  return {
    ...file,
    erasedAt,
    enrolment: { ...file.enrolment, name: e, email: e, registeredDisability: false, funding },
    firstSessions: Object.fromEntries(
      Object.entries(file.firstSessions).map(([id, f]) => [id, { ...f, recordingUrl: f.recordingUrl === null ? null : e, feedback: f.feedback === null ? null : e }]),
    ),
    followUps: Object.fromEntries(
      Object.entries(file.followUps).map(([id, f]) => [id, { ...f, note: f.note === null ? null : e, resolution: f.resolution === null ? null : e }]),
    ),
    comments: Object.fromEntries(Object.entries(file.comments).map(([id, c]) => [id, { ...c, text: e }])),
    pendingChangeRequest: file.pendingChangeRequest ? { ...file.pendingChangeRequest, reason: e } : null,
  };
}

function mentorshipOfEnrolled(state: EnrolledStudentState): Mentorship | null {
  return state.status === 'awaiting_mentor' ? null : state.mentorship;
}


// The student's rules (R1–R8, R10–R15): decide(command, state) → events, or a DomainError.
import { DomainPolicy, noShowThresholdMinutes } from '../policy';
import { Actor, ROLES, actorOf, isStaff, isStaffOrSystem } from '../shared/actor';
import { assertNever } from '../shared/decider';
import { conflict, forbidden, invalid, notFound } from '../shared/errors';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  addMinutes,
  isEmail,
  isHttpUrl,
  isNonEmptyString,
  isPositiveInteger,
  ms,
  normalizeInstant,
  overlaps,
  requireDate,
  requireInstant,
  requireText,
  sameJson,
} from '../shared/values';
import { cohortOf, endDateOf, funderOf, validateFunding } from './funding';
import {
  AddInternalComment,
  AssignMentor,
  BookDiscoverySession,
  BookSession,
  CancelSession,
  ChangeMentor,
  CompleteTraining,
  DeclineMentorChangeRequest,
  EnrolStudent,
  GiveFirstSessionFeedback,
  LapseReservation,
  MentorSnapshot,
  PauseTraining,
  RecordFirstContact,
  RecordSessionHeld,
  RecordSessionNoShow,
  RecordSubstantialDelay,
  RecordWeekWithoutSession,
  RequestFollowUp,
  RequestMentorChange,
  RescheduleSession,
  ResolveFollowUp,
  ResumeTraining,
  StudentCommand,
  EraseStudentPersonalData,
  SubmitFirstSessionRecording,
  WithdrawFromTraining,
} from './student.commands';
import {
  AttendanceFactKind,
  AutomaticCancellationReason,
  CANCELLATION_REASONS,
  FOLLOW_UP_REASONS,
  ProfileSummary,
  SessionCancelled,
  StudentContact,
  StudentEnrolled,
  StudentEvent,
} from './student.events';
import { EnrolledStudentState, Mentorship, SessionRecord, StudentState } from './student.state';

type Enrolled = EnrolledStudentState;
type WithMentor = Extract<StudentState, { status: 'active' | 'paused' }>;
type Active = Extract<StudentState, { status: 'active' }>;

/** Decides a student command with the given policy. Pure: everything it needs is in the arguments. */
export function decideStudent(command: StudentCommand, state: StudentState, policy: DomainPolicy): StudentEvent[] {
  requireActor(command.data.by);
  requireInstant(command.data.at, 'at');
  if (state.status !== 'not_enrolled' && state.file.erasedAt !== null && !ALLOWED_AFTER_ERASURE.has(command.type)) {
    throw conflict('student_personal_data_erased', `student ${state.file.enrolment.studentId}'s personal data was erased: only attendance facts may still be recorded`);
  }
  switch (command.type) {
    case 'EnrolStudent':
      return enrol(command, state, policy);
    case 'EraseStudentPersonalData':
      return eraseStudent(command, enrolled(state, command.data.studentId));
    case 'AssignMentor':
      return assignMentor(command, enrolled(state, command.data.studentId), policy);
    case 'RequestMentorChange':
      return requestMentorChange(command, enrolled(state, command.data.studentId));
    case 'DeclineMentorChangeRequest':
      return declineMentorChangeRequest(command, enrolled(state, command.data.studentId));
    case 'ChangeMentor':
      return changeMentor(command, enrolled(state, command.data.studentId), policy);
    case 'RecordFirstContact':
      return recordFirstContact(command, enrolled(state, command.data.studentId));
    case 'AddInternalComment':
      return addInternalComment(command, enrolled(state, command.data.studentId));
    case 'RequestFollowUp':
      return requestFollowUp(command, enrolled(state, command.data.studentId));
    case 'ResolveFollowUp':
      return resolveFollowUp(command, enrolled(state, command.data.studentId));
    case 'PauseTraining':
      return pauseTraining(command, enrolled(state, command.data.studentId));
    case 'ResumeTraining':
      return resumeTraining(command, enrolled(state, command.data.studentId));
    case 'CompleteTraining':
      return completeTraining(command, enrolled(state, command.data.studentId));
    case 'WithdrawFromTraining':
      return withdraw(command, enrolled(state, command.data.studentId));
    case 'BookDiscoverySession':
    case 'BookSession':
      return bookSession(command, enrolled(state, command.data.studentId), policy);
    case 'RescheduleSession':
      return rescheduleSession(command, enrolled(state, command.data.studentId), policy);
    case 'CancelSession':
      return cancelSession(command, enrolled(state, command.data.studentId), policy);
    case 'RecordSessionHeld':
      return recordSessionHeld(command, enrolled(state, command.data.studentId));
    case 'RecordSessionNoShow':
      return recordNoShow(command, enrolled(state, command.data.studentId), policy);
    case 'RecordSubstantialDelay':
      return recordDelay(command, enrolled(state, command.data.studentId), policy);
    case 'SubmitFirstSessionRecording':
      return submitRecording(command, enrolled(state, command.data.studentId));
    case 'GiveFirstSessionFeedback':
      return giveFeedback(command, enrolled(state, command.data.studentId));
    case 'RecordWeekWithoutSession':
      return recordWeekWithoutSession(command, enrolled(state, command.data.studentId));
    case 'LapseReservation':
      return lapseReservation(command, enrolled(state, command.data.studentId));
    default:
      return assertNever(command);
  }
}

// ─── Enrolment and assignment (R1–R7, R9, R10) ────────────────────────────────────────────────────────────────

function enrol(command: EnrolStudent, state: StudentState, policy: DomainPolicy): StudentEvent[] {
  const { by, at } = command.data;
  if (!isStaff(by) && by.role !== 'system') throw roleNotAllowed(by, command.type);
  const studentId = requireText(command.data.studentId, 'studentId');
  const name = requireText(command.data.name, 'name');
  if (!isEmail(command.data.email)) throw invalid('invalid_email', 'email must be an e-mail address', { field: 'email' });
  const trainingPath = requireText(command.data.trainingPath, 'trainingPath');
  if (typeof command.data.registeredDisability !== 'boolean') {
    throw invalid('missing_field', 'registeredDisability must be true or false', { field: 'registeredDisability' });
  }
  const startDate = requireDate(command.data.startDate, 'startDate');
  const funding = validateFunding(command.data.funding, startDate);
  const data: StudentEnrolled['data'] = {
    studentId,
    name,
    email: command.data.email,
    trainingPath,
    registeredDisability: command.data.registeredDisability,
    startDate,
    funding,
    attendanceObligatory: policy.obligatoryAttendance[funding.kind],
    enrolledAt: at,
  };
  if (state.status !== 'not_enrolled') {
    const { enrolledAt: _a, attendanceObligatory: _b, ...existing } = state.file.enrolment;
    const { enrolledAt: _c, attendanceObligatory: _d, ...requested } = data;
    if (sameJson(existing, requested)) return [];
    throw conflict('student_already_enrolled', `student ${studentId} is already enrolled with other data`);
  }
  return [{ type: 'StudentEnrolled', data }];
}

function assignMentor(command: AssignMentor, state: Enrolled, policy: DomainPolicy): StudentEvent[] {
  const { by, at } = command.data;
  if (!isStaff(by)) throw roleNotAllowed(by, command.type);
  const mentor = requireMentorSnapshot(command.data.mentor);
  switch (state.status) {
    case 'awaiting_mentor':
      break;
    case 'active':
    case 'paused':
      if (state.mentorship.mentorId === mentor.mentorId) return [];
      throw conflict('mentor_already_assigned', 'the student already has a mentor: change the mentor instead', {
        mentorId: state.mentorship.mentorId,
      });
    case 'completed':
    case 'withdrawn':
      throw trainingClosed(state);
    default:
      return assertNever(state);
  }
  requireMentorFits(state, mentor);
  const reservationId = requireUnusedReservation(state, command.data.reservationId);
  return [
    {
      type: 'StudentAssigned',
      data: {
        studentId: state.file.enrolment.studentId,
        mentorId: mentor.mentorId,
        reservationId,
        assignedAt: at,
        assignedBy: actorOf(by),
        student: contactOf(state),
        profile: profileSummary(state, policy),
      },
    },
  ];
}

function requestMentorChange(command: RequestMentorChange, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  authorize(by, state, command.type, { student: true });
  const requestId = requireText(command.data.requestId, 'requestId');
  const reason = requireText(command.data.reason, 'reason');
  const current = withMentor(state);
  const pending = current.file.pendingChangeRequest;
  if (pending?.requestId === requestId || current.file.closedChangeRequests.includes(requestId)) return [];
  if (pending) {
    throw conflict('R8_change_already_requested', 'a change of mentor is already requested and awaits the mentorship team', {
      requestId: pending.requestId,
    });
  }
  return [
    {
      type: 'MentorChangeRequested',
      data: {
        requestId,
        studentId: current.file.enrolment.studentId,
        currentMentorId: current.mentorship.mentorId,
        reason,
        requestedBy: actorOf(by),
        requestedAt: at,
      },
    },
  ];
}

function declineMentorChangeRequest(command: DeclineMentorChangeRequest, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  if (!isStaff(by)) throw roleNotAllowed(by, command.type);
  const requestId = requireText(command.data.requestId, 'requestId');
  const reason = requireText(command.data.reason, 'reason');
  if (state.file.closedChangeRequests.includes(requestId)) return [];
  if (state.file.pendingChangeRequest?.requestId !== requestId) {
    throw notFound('change_request_not_found', `no pending change-of-mentor request ${requestId}`);
  }
  return [
    {
      type: 'MentorChangeRequestDeclined',
      data: { requestId, studentId: state.file.enrolment.studentId, reason, declinedBy: actorOf(by), declinedAt: at },
    },
  ];
}

function changeMentor(command: ChangeMentor, state: Enrolled, policy: DomainPolicy): StudentEvent[] {
  const { by, at } = command.data;
  if (!isStaff(by)) throw roleNotAllowed(by, command.type);
  const mentor = requireMentorSnapshot(command.data.mentor);
  const reason = requireText(command.data.reason, 'reason');
  const current = withMentor(state);
  const pending = current.file.pendingChangeRequest;
  const askedFor = command.data.requestId ?? null;
  if (askedFor !== null && pending?.requestId !== askedFor) {
    throw notFound('change_request_not_found', `no pending change-of-mentor request ${askedFor}`);
  }
  if (current.mentorship.mentorId === mentor.mentorId) {
    throw conflict('R8_same_mentor', 'the student already has this mentor', { mentorId: mentor.mentorId });
  }
  requireMentorFits(current, mentor);
  const reservationId = requireUnusedReservation(current, command.data.reservationId);
  const fromMentorId = current.mentorship.mentorId;
  return [
    {
      type: 'MentorChanged',
      data: {
        studentId: current.file.enrolment.studentId,
        fromMentorId,
        toMentorId: mentor.mentorId,
        reservationId,
        previousReservationId: current.mentorship.reservationId,
        reason,
        decidedBy: actorOf(by),
        requestId: askedFor ?? pending?.requestId ?? null,
        changedAt: at,
        student: contactOf(current),
        profile: profileSummary(current, policy),
      },
    },
    // Sessions booked with the previous mentor do not move to the new one: they are cancelled at once.
    ...cancelUpcomingSessions(current, 'mentor_changed', at),
  ];
}

// ─── First contact, comments and follow-ups (R11) ─────────────────────────────────────────────────────────────

function recordFirstContact(command: RecordFirstContact, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  authorize(by, state, command.type, { staff: true, mentor: currentMentorId(state) });
  const current = withMentor(state);
  if (current.mentorship.firstContactAt !== null) return [];
  return [
    {
      type: 'FirstContactRecorded',
      data: { studentId: current.file.enrolment.studentId, mentorId: current.mentorship.mentorId, contactedAt: at },
    },
  ];
}

function addInternalComment(command: AddInternalComment, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  authorize(by, state, command.type, { staff: true, mentor: currentMentorId(state) });
  const commentId = requireText(command.data.commentId, 'commentId');
  const text = requireText(command.data.text, 'text');
  const existing = state.file.comments[commentId];
  if (existing) {
    if (existing.text === text && existing.authorId === by.id) return [];
    throw conflict('comment_id_already_used', `comment ${commentId} already exists with other content`);
  }
  return [
    {
      type: 'InternalCommentAdded',
      data: { commentId, studentId: state.file.enrolment.studentId, text, visibility: 'internal', author: actorOf(by), addedAt: at },
    },
  ];
}

function requestFollowUp(command: RequestFollowUp, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  authorize(by, state, command.type, { staff: true, system: true, mentor: currentMentorId(state) });
  const followUpId = requireText(command.data.followUpId, 'followUpId');
  const reason = command.data.reason;
  if (!FOLLOW_UP_REASONS.includes(reason)) {
    throw invalid('invalid_follow_up_reason', `reason must be one of ${FOLLOW_UP_REASONS.join(', ')}`, { field: 'reason' });
  }
  const note = isNonEmptyString(command.data.note) ? command.data.note : null;
  if (reason === 'other' && note === null) throw invalid('follow_up_note_required', 'a follow-up for another reason needs a note');
  const existing = state.file.followUps[followUpId];
  if (existing) {
    if (existing.reason === reason && existing.note === note) return [];
    throw conflict('follow_up_id_already_used', `follow-up ${followUpId} already exists with other content`);
  }
  if (state.status === 'completed' || state.status === 'withdrawn') throw trainingClosed(state);
  return [
    {
      type: 'FollowUpRequested',
      data: {
        followUpId,
        studentId: state.file.enrolment.studentId,
        mentorId: currentMentorId(state),
        reason,
        note,
        requestedBy: actorOf(by),
        requestedAt: at,
      },
    },
  ];
}

function resolveFollowUp(command: ResolveFollowUp, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  if (!isStaff(by)) throw roleNotAllowed(by, command.type);
  const followUpId = requireText(command.data.followUpId, 'followUpId');
  const resolution = requireText(command.data.resolution, 'resolution');
  const followUp = state.file.followUps[followUpId];
  if (!followUp) throw notFound('follow_up_not_found', `no follow-up ${followUpId} for this student`);
  // Resolving twice changes nothing: the first resolution stands (a retried request is not an error).
  if (followUp.status === 'resolved') return [];
  return [
    {
      type: 'FollowUpResolved',
      data: { followUpId, studentId: state.file.enrolment.studentId, resolution, resolvedBy: actorOf(by), resolvedAt: at },
    },
  ];
}

// ─── Pause, resume, completion, withdrawal (R5) ──────────────────────────────────────────────────────────────

function requireSelfFunded(state: Enrolled): void {
  if (state.file.enrolment.funding.kind !== 'self_funded') {
    throw conflict('R5_only_self_funded_may_pause', 'only a self-funded training may be paused and resumed (R5)', {
      profile: state.file.enrolment.funding.kind,
    });
  }
}

function pauseTraining(command: PauseTraining, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  authorize(by, state, command.type, { staff: true, student: true });
  requireSelfFunded(state);
  if (state.status === 'paused') return [];
  if (state.status !== 'active') throw notActive(state);
  const reason = isNonEmptyString(command.data.reason) ? command.data.reason : null;
  return [
    { type: 'TrainingPaused', data: { studentId: state.file.enrolment.studentId, reason, pausedAt: at } },
    ...cancelUpcomingSessions(state, 'training_paused', at),
  ];
}

function resumeTraining(command: ResumeTraining, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  authorize(by, state, command.type, { staff: true, student: true });
  requireSelfFunded(state);
  if (state.status === 'active') return [];
  if (state.status !== 'paused') throw conflict('training_not_paused', 'only a paused training can be resumed', { status: state.status });
  return [{ type: 'TrainingResumed', data: { studentId: state.file.enrolment.studentId, resumedAt: at } }];
}

function completeTraining(command: CompleteTraining, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  if (!isStaff(by)) throw roleNotAllowed(by, command.type);
  if (state.status === 'completed') return [];
  if (state.status === 'withdrawn') throw trainingClosed(state);
  if (state.status === 'awaiting_mentor') throw mentorNotAssigned();
  return [
    {
      type: 'TrainingCompleted',
      data: { studentId: state.file.enrolment.studentId, mentorId: state.mentorship.mentorId, reservationId: state.mentorship.reservationId, completedAt: at },
    },
    ...cancelUpcomingSessions(state, 'training_ended', at),
  ];
}

function withdraw(command: WithdrawFromTraining, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  authorize(by, state, command.type, { staff: true, student: true });
  const reason = requireText(command.data.reason, 'reason');
  if (state.status === 'withdrawn') return [];
  if (state.status === 'completed') throw trainingClosed(state);
  return [
    {
      type: 'TrainingWithdrawn',
      data: {
        studentId: state.file.enrolment.studentId,
        mentorId: currentMentorId(state),
        reservationId: currentMentorship(state)?.reservationId ?? null,
        reason,
        withdrawnBy: actorOf(by),
        withdrawnAt: at,
      },
    },
    ...cancelUpcomingSessions(state, 'training_ended', at),
  ];
}

// ─── Sessions (R12, R14, R15) ────────────────────────────────────────────────────────────────────────────────

function bookSession(command: BookDiscoverySession | BookSession, state: Enrolled, policy: DomainPolicy): StudentEvent[] {
  const { by, at } = command.data;
  authorize(by, state, command.type, { staff: true, student: true, mentor: currentMentorId(state) });
  const sessionId = requireText(command.data.sessionId, 'sessionId');
  const start = normalizeInstant(requireInstant(command.data.start, 'start'));
  const discovery = command.type === 'BookDiscoverySession';
  const existing = state.file.sessions[sessionId];
  if (existing) {
    if (existing.kind === (discovery ? 'discovery' : 'regular') && existing.start === start) return [];
    throw conflict('session_id_already_used', `session ${sessionId} already exists`);
  }
  if (state.status === 'awaiting_mentor') {
    throw conflict('R12_mentor_not_assigned', 'sessions are booked once a mentor is assigned (R12)');
  }
  const active = requireActive(state);
  if (ms(start) <= ms(at)) throw invalid('session_in_the_past', 'a session is booked for a time after now', { start });
  const discoveryId = active.mentorship.discoverySessionId;
  if (discovery && discoveryId !== null) {
    throw conflict('R12_discovery_session_already_booked', 'the discovery session is already booked with this mentor (R12)', {
      sessionId: discoveryId,
    });
  }
  if (!discovery && discoveryId === null) {
    throw conflict('R12_discovery_session_required', 'the first session with a mentor is the discovery session (R12)');
  }
  const durationMinutes = policy.sessionMinutes[active.file.enrolment.funding.kind];
  const end = addMinutes(start, durationMinutes);
  requireStudentSlotFree(active, start, end, null);
  const slotId = requireUnusedReservation(active, command.data.slotId, 'slotId');
  const data = {
    sessionId,
    studentId: active.file.enrolment.studentId,
    mentorId: active.mentorship.mentorId,
    start,
    end,
    durationMinutes,
    slotId,
    bookedAt: at,
  };
  return [discovery ? { type: 'DiscoverySessionBooked', data } : { type: 'SessionBooked', data }];
}

function rescheduleSession(command: RescheduleSession, state: Enrolled, policy: DomainPolicy): StudentEvent[] {
  const { by, at } = command.data;
  const session = requireSession(state, command.data.sessionId);
  authorize(by, state, command.type, { staff: true, student: true, mentor: session.mentorId });
  const start = normalizeInstant(requireInstant(command.data.start, 'start'));
  if (session.status !== 'booked') throw sessionNotBooked(session);
  if (session.start === start) return [];
  const active = requireActive(state);
  if (ms(at) >= ms(session.start)) throw conflict('session_already_started', 'a session that has started cannot be moved');
  if (ms(start) <= ms(at)) throw invalid('session_in_the_past', 'a session is moved to a time after now', { start });
  if (by.role === 'student' && isLate(session.start, at, policy)) {
    throw conflict(
      'R15_late_reschedule_by_student',
      `a student cannot move a session less than ${policy.lateCancellationHours} h before it: cancel it (late) and book another`,
    );
  }
  const end = addMinutes(start, session.durationMinutes);
  requireStudentSlotFree(active, start, end, session.sessionId);
  const slotId = requireUnusedReservation(active, command.data.slotId, 'slotId');
  return [
    {
      type: 'SessionRescheduled',
      data: {
        sessionId: session.sessionId,
        studentId: active.file.enrolment.studentId,
        mentorId: session.mentorId,
        previousStart: session.start,
        previousEnd: session.end,
        start,
        end,
        slotId,
        previousSlotId: session.slotId,
        rescheduledAt: at,
      },
    },
  ];
}

function cancelSession(command: CancelSession, state: Enrolled, policy: DomainPolicy): StudentEvent[] {
  const { by, at } = command.data;
  const session = requireSession(state, command.data.sessionId);
  authorize(by, state, command.type, { staff: true, student: true, mentor: session.mentorId });
  if (!CANCELLATION_REASONS.includes(command.data.reason)) {
    throw invalid('invalid_cancellation_reason', `reason must be one of ${CANCELLATION_REASONS.join(', ')}`, { field: 'reason' });
  }
  const text = isNonEmptyString(command.data.text) ? command.data.text : null;
  if (command.data.reason === 'other' && text === null) {
    throw invalid('cancellation_text_required', 'a cancellation for another reason carries a free-text reason', { field: 'text' });
  }
  if (session.status === 'cancelled') return [];
  if (session.status !== 'booked') throw sessionNotBooked(session);
  if (ms(at) >= ms(session.start)) {
    throw conflict('session_already_started', 'a session that has started is held or missed, not cancelled');
  }
  // A student's cancellation is a student's cancellation whatever the client says, and lateness comes from the clock.
  const byStudent = by.role === 'student' || command.data.reason.startsWith('student_');
  const late = byStudent && isLate(session.start, at, policy);
  const reason: SessionCancelled['data']['reason'] = byStudent
    ? late
      ? 'student_less_than_24h'
      : 'student_more_than_24h'
    : command.data.reason;
  return [
    cancellation(state, session, reason, text, late, at),
    ...(late ? attendance(state, 'late_cancellation', { sessionId: session.sessionId, mentorId: session.mentorId, occurredAt: session.start }, at) : []),
  ];
}

function recordSessionHeld(command: RecordSessionHeld, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  const session = requireSession(state, command.data.sessionId);
  authorize(by, state, command.type, { staff: true, system: true, mentor: session.mentorId });
  if (session.status === 'held') return [];
  if (session.status !== 'booked') throw sessionNotBooked(session);
  if (ms(at) < ms(session.start)) throw conflict('session_not_started', 'a session is recorded as held once it has started');
  const mentorship = currentMentorship(state);
  const firstOfMentorship = mentorship !== null && mentorship.mentorId === session.mentorId && mentorship.firstHeldSessionId === null;
  return [
    {
      type: 'SessionHeld',
      data: {
        sessionId: session.sessionId,
        studentId: state.file.enrolment.studentId,
        mentorId: session.mentorId,
        start: session.start,
        end: session.end,
        discovery: session.kind === 'discovery',
        firstOfMentorship,
        heldAt: at,
      },
    },
  ];
}

function recordNoShow(command: RecordSessionNoShow, state: Enrolled, policy: DomainPolicy): StudentEvent[] {
  const { by, at } = command.data;
  const session = requireSession(state, command.data.sessionId);
  authorize(by, state, command.type, { staff: true, system: true, mentor: session.mentorId });
  if (session.status === 'missed') return [];
  if (session.status !== 'booked') throw sessionNotBooked(session);
  const threshold = noShowThresholdMinutes(policy, session.durationMinutes);
  if (ms(at) < ms(session.start) + threshold * MINUTE_MS) {
    throw conflict('R14_no_show_too_early', `a student is a no-show only ${threshold} minutes after the start`, {
      noShowAfterMinutes: threshold,
    });
  }
  return [
    {
      type: 'SessionMissed',
      data: {
        sessionId: session.sessionId,
        studentId: state.file.enrolment.studentId,
        mentorId: session.mentorId,
        start: session.start,
        reason: 'no_show',
        recordedAt: at,
      },
    },
    ...attendance(state, 'no_show', { sessionId: session.sessionId, mentorId: session.mentorId, occurredAt: session.start }, at),
  ];
}

function recordDelay(command: RecordSubstantialDelay, state: Enrolled, policy: DomainPolicy): StudentEvent[] {
  const { by, at } = command.data;
  const session = requireSession(state, command.data.sessionId);
  authorize(by, state, command.type, { staff: true, system: true, mentor: session.mentorId });
  const delayMinutes = command.data.delayMinutes;
  if (!isPositiveInteger(delayMinutes)) throw invalid('invalid_delay', 'delayMinutes is a whole number of minutes ≥ 1', { field: 'delayMinutes' });
  const threshold = noShowThresholdMinutes(policy, session.durationMinutes);
  if (delayMinutes >= threshold) {
    throw invalid('R15_delay_is_a_no_show', `a student absent ${threshold} minutes after the start is a no-show, not a delay`, {
      noShowAfterMinutes: threshold,
    });
  }
  if (session.delayMinutes === delayMinutes) return [];
  if (session.delayMinutes !== null) throw conflict('delay_already_recorded', 'a delay is already recorded for this session');
  if (session.status !== 'booked' && session.status !== 'held') throw sessionNotBooked(session);
  if (ms(at) < ms(session.start)) throw conflict('session_not_started', 'a delay is recorded once the session has started');
  return [
    {
      type: 'SubstantialDelayRecorded',
      data: {
        sessionId: session.sessionId,
        studentId: state.file.enrolment.studentId,
        mentorId: session.mentorId,
        start: session.start,
        delayMinutes,
        recordedAt: at,
      },
    },
    ...attendance(state, 'substantial_delay', { sessionId: session.sessionId, mentorId: session.mentorId, occurredAt: session.start }, at),
  ];
}

function recordWeekWithoutSession(command: RecordWeekWithoutSession, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  authorize(by, state, command.type, { staff: true, system: true });
  const weekStart = requireDate(command.data.weekStart, 'weekStart');
  const weekStartMs = Date.parse(`${weekStart}T00:00:00Z`);
  const weekEndMs = weekStartMs + 7 * DAY_MS;
  if (new Date(weekStartMs).getUTCDay() !== 1) throw invalid('week_must_start_on_monday', 'weekStart is the Monday of the week');
  if (ms(at) < weekEndMs) throw conflict('week_not_over', 'a week without a session is recorded once the week is over');
  if (!state.file.enrolment.attendanceObligatory) return [];
  if (state.file.weeksWithoutSession.includes(weekStart)) return [];
  if (state.status === 'awaiting_mentor') throw mentorNotAssigned();
  // A paused training has no weekly rhythm.
  if (state.status === 'paused') return [];
  // R4/R15: only whole weeks inside the training, with the current (or, once closed, the last) mentor and
  // ended by the completion or withdrawal, count against the student; a closed training keeps its weeks.
  const mentored = mentoredTraining(state);
  const { startDate, funding } = state.file.enrolment;
  const endDate = endDateOf(funding);
  if (
    mentored === null ||
    weekStart < startDate ||
    (endDate !== null && weekStart > endDate) ||
    weekStartMs < ms(mentored.since) ||
    (mentored.closedAt !== null && weekEndMs > ms(mentored.closedAt))
  ) {
    throw conflict('R15_week_outside_mentored_training', `the week of ${weekStart} is not a whole week of mentored training`, {
      startDate,
      endDate,
      mentoredSince: mentored?.since ?? null,
      ...(mentored?.closedAt ? { closedAt: mentored.closedAt } : {}),
    });
  }
  const heldThatWeek = Object.values(state.file.sessions).some(
    (s) => s.status === 'held' && ms(s.start) >= weekStartMs && ms(s.start) < weekEndMs,
  );
  if (heldThatWeek) throw conflict('R15_week_had_a_held_session', `a session was held in the week of ${weekStart}`);
  return attendance(state, 'week_without_session', { weekStart, mentorId: mentored.mentorId, occurredAt: `${weekStart}T00:00:00.000Z` }, at);
}

/**
 * The span of mentored training whose weeks count for the weekly rhythm (R4, R15): from the start of the
 * current (last) mentorship to the completion or withdrawal, if any. Null when the student never had a mentor.
 */
function mentoredTraining(state: Enrolled): { mentorId: string; since: string; closedAt: string | null } | null {
  switch (state.status) {
    case 'awaiting_mentor':
      return null;
    case 'active':
    case 'paused':
      return { mentorId: state.mentorship.mentorId, since: state.mentorship.since, closedAt: null };
    case 'completed':
      return { mentorId: state.mentorship.mentorId, since: state.mentorship.since, closedAt: state.completedAt };
    case 'withdrawn':
      return state.mentorship && { mentorId: state.mentorship.mentorId, since: state.mentorship.since, closedAt: state.withdrawnAt };
    default:
      return assertNever(state);
  }
}

// ─── First-session review (R13) ──────────────────────────────────────────────────────────────────────────────

function submitRecording(command: SubmitFirstSessionRecording, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  const session = requireSession(state, command.data.sessionId);
  // The recording is the mentor's own work under review: only that mentor sends it.
  authorize(by, state, command.type, { mentor: session.mentorId });
  const review = state.file.firstSessions[session.sessionId];
  if (!review) throw conflict('R13_not_first_session', 'only the first session held with this mentor is sent for feedback (R13)');
  if (!isHttpUrl(command.data.recordingUrl)) {
    throw invalid('invalid_recording_url', 'recordingUrl must be an http(s) link', { field: 'recordingUrl' });
  }
  if (review.recordingUrl === command.data.recordingUrl) return [];
  if (review.recordingUrl !== null) throw conflict('R13_recording_already_submitted', 'the recording of this session was already sent');
  return [
    {
      type: 'FirstSessionRecordingSubmitted',
      data: {
        studentId: state.file.enrolment.studentId,
        sessionId: session.sessionId,
        mentorId: session.mentorId,
        recordingUrl: command.data.recordingUrl,
        submittedAt: at,
      },
    },
  ];
}

function giveFeedback(command: GiveFirstSessionFeedback, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  if (!isStaff(by)) throw roleNotAllowed(by, command.type);
  const session = requireSession(state, command.data.sessionId);
  const feedback = requireText(command.data.feedback, 'feedback');
  const review = state.file.firstSessions[session.sessionId];
  if (!review) throw conflict('R13_not_first_session', 'feedback is given on the first session held with a mentor (R13)');
  if (review.recordingUrl === null) throw conflict('R13_recording_not_submitted', 'the mentor has not sent the recording yet (R13)');
  if (review.feedback === feedback) return [];
  if (review.feedback !== null) throw conflict('R13_feedback_already_given', 'feedback on this session was already given');
  return [
    {
      type: 'FirstSessionFeedbackGiven',
      data: {
        studentId: state.file.enrolment.studentId,
        sessionId: session.sessionId,
        mentorId: review.mentorId,
        feedback,
        givenBy: actorOf(by),
        givenAt: at,
      },
    },
  ];
}

// ─── Reservations (docs/adr/0002) ───────────────────────────────────────────────────────────────────────────

/**
 * Voids a reservation (caseload or calendar) that no fact on this stream consumed, so that none ever will; the
 * reservations process appends this before it releases the slot. Consumed or already lapsed: nothing to do.
 */
function lapseReservation(command: LapseReservation, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  if (!isStaffOrSystem(by)) throw roleNotAllowed(by, command.type);
  const reservationId = requireText(command.data.reservationId, 'reservationId');
  const mentorId = requireText(command.data.mentorId, 'mentorId');
  if (command.data.kind !== 'caseload' && command.data.kind !== 'calendar') {
    throw invalid('invalid_reservation_kind', 'kind is caseload or calendar', { field: 'kind' });
  }
  if (state.file.reservations[reservationId] !== undefined) return [];
  return [
    { type: 'ReservationLapsed', data: { studentId: state.file.enrolment.studentId, kind: command.data.kind, mentorId, reservationId, lapsedAt: at } },
  ];
}

/** A fact consumes a reservation once, and never one that lapsed. The application then takes a new one. */
function requireUnusedReservation(state: Enrolled, reservationId: string, field = 'reservationId'): string {
  const id = requireText(reservationId, field);
  const seen = state.file.reservations[id];
  if (seen !== undefined) {
    throw conflict('reservation_already_used', `reservation ${id} is ${seen === 'lapsed' ? 'lapsed' : 'already used'}: reserve again`, {
      reservationId: id,
    });
  }
  return id;
}

// ─── Helpers ─────────────────────────────────────────────────────────────────────────────────────────────────

function requireActor(by: Actor | undefined): void {
  if (!by || !isNonEmptyString(by.id) || !ROLES.includes(by.role)) throw forbidden('actor_required', 'every command names who acts (by)');
}

/**
 * After an erasure: the facts that need no personal data (attendance of sessions already booked, weeks without a
 * session, voiding a reservation) and the erasure itself (idempotent). Everything else would act on a person whose
 * contact, needs (R7) and texts are gone.
 */
const ALLOWED_AFTER_ERASURE = new Set<StudentCommand['type']>([
  'RecordSessionHeld',
  'RecordSessionNoShow',
  'RecordSubstantialDelay',
  'RecordWeekWithoutSession',
  'LapseReservation',
  'EraseStudentPersonalData',
]);

/**
 * GDPR Art. 17. Only before a mentor is assigned or once the training is closed: a withdrawal first gives back
 * the mentor's caseload slot and the booked sessions (an active mentorship needs the student's contact).
 */
function eraseStudent(command: EraseStudentPersonalData, state: Enrolled): StudentEvent[] {
  const { by, at } = command.data;
  if (!isStaff(by)) throw roleNotAllowed(by, command.type);
  const reason = requireText(command.data.reason, 'reason');
  if (state.file.erasedAt !== null) return [];
  if (state.status === 'active' || state.status === 'paused') {
    throw conflict('erasure_requires_closed_training', 'the student has a mentor: withdraw or complete the training before erasing their personal data', {
      status: state.status,
    });
  }
  return [{ type: 'StudentPersonalDataErased', data: { studentId: state.file.enrolment.studentId, reason, erasedBy: { id: by.id, role: by.role }, erasedAt: at } }];
}

function enrolled(state: StudentState, studentId: string): Enrolled {
  if (state.status === 'not_enrolled') throw notFound('student_not_enrolled', `student ${studentId} is not enrolled`);
  if (state.file.enrolment.studentId !== studentId) {
    throw invalid('student_id_mismatch', 'the command names another student than the stream it was applied to');
  }
  return state;
}

function withMentor(state: Enrolled): WithMentor {
  if (state.status === 'active' || state.status === 'paused') return state;
  if (state.status === 'awaiting_mentor') throw mentorNotAssigned();
  throw trainingClosed(state);
}

function requireActive(state: Enrolled): Active {
  if (state.status === 'active') return state;
  throw notActive(state);
}

function notActive(state: Enrolled) {
  if (state.status === 'awaiting_mentor') return mentorNotAssigned();
  if (state.status === 'paused') return conflict('training_paused', 'the training is paused');
  return trainingClosed(state);
}

function mentorNotAssigned() {
  return conflict('mentor_not_assigned', 'the student has no mentor yet');
}

function trainingClosed(state: Enrolled) {
  return conflict('training_closed', `the training is ${state.status}`, { status: state.status });
}

function roleNotAllowed(by: Actor, commandType: string) {
  return forbidden('role_not_allowed', `a ${by.role} may not ${commandType}`, { role: by.role, command: commandType });
}

interface Allowed {
  staff?: boolean;
  system?: boolean;
  student?: boolean;
  /** The mentor who may act (the student's current mentor, or the session's), or absent/null if none. */
  mentor?: string | null;
}

/** Staff and admin act for the team; a mentor only on their own student or session; a student only on themself. */
function authorize(by: Actor, state: Enrolled, commandType: string, allowed: Allowed): void {
  if (allowed.staff && isStaff(by)) return;
  if (allowed.system && by.role === 'system') return;
  if ('mentor' in allowed && by.role === 'mentor') {
    if (allowed.mentor && allowed.mentor === by.id) return;
    throw forbidden('not_the_students_mentor', 'a mentor acts only on their own students and sessions');
  }
  if (allowed.student && by.role === 'student') {
    if (by.id === state.file.enrolment.studentId) return;
    throw forbidden('not_the_student', 'a student acts only on their own training');
  }
  throw roleNotAllowed(by, commandType);
}

function currentMentorship(state: Enrolled): Mentorship | null {
  return state.status === 'active' || state.status === 'paused' ? state.mentorship : null;
}

function currentMentorId(state: Enrolled): string | null {
  return currentMentorship(state)?.mentorId ?? null;
}

function requireMentorSnapshot(mentor: MentorSnapshot | undefined): MentorSnapshot {
  if (
    !mentor ||
    !isNonEmptyString(mentor.mentorId) ||
    typeof mentor.disabilityFriendly !== 'boolean' ||
    typeof mentor.active !== 'boolean' ||
    !Array.isArray(mentor.trainingPaths)
  ) {
    throw invalid('invalid_mentor_snapshot', 'mentor { mentorId, disabilityFriendly, trainingPaths, active } is required', { field: 'mentor' });
  }
  return mentor;
}

/** R7 and the training path, re-checked on every assignment and change with the mentor as the application read it. */
function requireMentorFits(state: Enrolled, mentor: MentorSnapshot): void {
  if (!mentor.active) throw conflict('mentor_not_available', 'the mentor is not available for new students', { mentorId: mentor.mentorId });
  const { trainingPath, registeredDisability } = state.file.enrolment;
  if (!mentor.trainingPaths.includes(trainingPath)) {
    throw conflict('mentor_does_not_cover_training_path', `the mentor does not mentor the ${trainingPath} path`, {
      mentorId: mentor.mentorId,
      trainingPath,
    });
  }
  if (registeredDisability && !mentor.disabilityFriendly) {
    throw conflict('R7_mentor_not_disability_friendly', 'a student with a registered disability is assigned a disability-friendly mentor (R7)', {
      mentorId: mentor.mentorId,
    });
  }
}

function contactOf(state: Enrolled): StudentContact {
  const { name, email, trainingPath } = state.file.enrolment;
  return { name, email, trainingPath };
}

function profileSummary(state: Enrolled, policy: DomainPolicy): ProfileSummary {
  const { funding, attendanceObligatory } = state.file.enrolment;
  const funder = funderOf(funding);
  return {
    kind: funding.kind,
    funderId: funder?.id ?? null,
    funder: funder?.name ?? null,
    cohort: cohortOf(funding),
    endDate: endDateOf(funding),
    sessionMinutes: policy.sessionMinutes[funding.kind],
    attendanceObligatory,
  };
}

function requireSession(state: Enrolled, sessionId: string): SessionRecord {
  const session = isNonEmptyString(sessionId) ? state.file.sessions[sessionId] : undefined;
  if (!session) throw notFound('session_not_found', `no session ${sessionId} for this student`);
  return session;
}

function sessionNotBooked(session: SessionRecord) {
  return conflict('session_not_booked', `the session is ${session.status}`, { status: session.status });
}

/** R14: the student's booked sessions never overlap. */
function requireStudentSlotFree(state: Enrolled, start: string, end: string, except: string | null): void {
  const clash = Object.values(state.file.sessions).find(
    (s) => s.sessionId !== except && s.status === 'booked' && overlaps(s.start, s.end, start, end),
  );
  if (clash) {
    throw conflict('R14_student_slot_taken', 'the student already has a session at that time (R14)', { sessionId: clash.sessionId });
  }
}

function isLate(sessionStart: string, at: string, policy: DomainPolicy): boolean {
  return ms(sessionStart) - ms(at) < policy.lateCancellationHours * HOUR_MS;
}

function cancellation(
  state: Enrolled,
  session: SessionRecord,
  reason: SessionCancelled['data']['reason'],
  text: string | null,
  late: boolean,
  at: string,
): SessionCancelled {
  return {
    type: 'SessionCancelled',
    data: {
      sessionId: session.sessionId,
      studentId: state.file.enrolment.studentId,
      mentorId: session.mentorId,
      start: session.start,
      end: session.end,
      slotId: session.slotId,
      reason,
      text,
      late,
      cancelledAt: at,
    },
  };
}

/** Booked sessions that have not started are cancelled when the mentor changes or the training stops. */
function cancelUpcomingSessions(state: Enrolled, reason: AutomaticCancellationReason, at: string): SessionCancelled[] {
  return Object.values(state.file.sessions)
    .filter((s) => s.status === 'booked' && ms(s.start) > ms(at))
    .sort((a, b) => ms(a.start) - ms(b.start) || a.sessionId.localeCompare(b.sessionId))
    .map((s) => cancellation(state, s, reason, null, false, at));
}

/** R4/R15: with obligatory attendance, a fact for the funder's reports and an alert for the team, in one decision. */
function attendance(
  state: Enrolled,
  kind: AttendanceFactKind,
  about: { sessionId?: string; weekStart?: string; mentorId: string | null; occurredAt: string },
  at: string,
): StudentEvent[] {
  const { studentId, funding, attendanceObligatory } = state.file.enrolment;
  const funder = funderOf(funding);
  if (!attendanceObligatory || funder === null) return [];
  const sessionId = about.sessionId ?? null;
  const weekStart = about.weekStart ?? null;
  const cohort = cohortOf(funding);
  return [
    {
      type: 'AttendanceFactRecorded',
      data: {
        studentId,
        kind,
        sessionId,
        weekStart,
        profile: funding.kind,
        funderId: funder.id,
        funder: funder.name,
        cohort,
        mentorId: about.mentorId,
        occurredAt: about.occurredAt,
        recordedAt: at,
      },
    },
    {
      type: 'AttendanceAlertRaised',
      data: { studentId, kind, sessionId, weekStart, funderId: funder.id, funder: funder.name, cohort, mentorId: about.mentorId, raisedAt: at },
    },
  ];
}

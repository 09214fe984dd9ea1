// The mixed load of issue 8, shared by the model test (test/model) and the bench section (g): what a
// client means to do (an intent), the HTTP call that does it, and what the clients learn from the answers
// (each student's mentor, their live sessions), so that later commands name real sessions and mentors.
// No I/O here: callers send the calls (Fastify's injector in the test, fetch in the bench).

export const INTENT_KINDS = ['assign', 'change', 'withdraw', 'complete', 'capacity', 'book', 'cancel', 'reschedule', 'pause', 'resume'] as const;
export type IntentKind = (typeof INTENT_KINDS)[number];

export interface Intent {
  kind: IntentKind;
  studentId: string;
  /** The mentor to assign or change to; the mentor whose capacity changes. */
  mentorId: string;
  /** `change`: name this mentor as the current one (a stale view) instead of the one the clients know. */
  fromMentorId?: string;
  /** `capacity`: the new capacity. */
  capacity?: number;
  /** `book`, `reschedule`: the (new) start. */
  start?: string;
  /** `cancel`, `reschedule`: which of the student's known sessions. */
  pick?: number;
  /** `book`: the discovery session even when the student has sessions. */
  discovery?: boolean;
}

export interface CommandCall {
  /** The operationId of the command (how the bench counts). */
  command: string;
  method: 'POST';
  url: string;
  body: Record<string, unknown>;
}

/** What the clients know from the answers they got; shared by all clients of a run. */
export class Knowledge {
  private readonly mentorOf = new Map<string, string>();
  private readonly sessionsOf = new Map<string, string[]>();
  private readonly closed = new Set<string>();

  /** The call for an intent; null when there is nothing to name (no known session to cancel or move). */
  call(intent: Intent): CommandCall | null {
    const s = `/students/${intent.studentId}`;
    switch (intent.kind) {
      case 'assign':
        return { command: 'AssignMentor', method: 'POST', url: `${s}/assignment`, body: { mentorId: intent.mentorId } };
      case 'change': {
        const fromMentorId = intent.fromMentorId ?? this.mentorOf.get(intent.studentId) ?? intent.mentorId;
        return { command: 'ChangeMentor', method: 'POST', url: `${s}/mentor-change`, body: { mentorId: intent.mentorId, fromMentorId, reason: 'Mixed load' } };
      }
      case 'withdraw':
        return { command: 'WithdrawFromTraining', method: 'POST', url: `${s}/withdrawal`, body: { reason: 'Mixed load' } };
      case 'complete':
        return { command: 'CompleteTraining', method: 'POST', url: `${s}/completion`, body: {} };
      case 'capacity':
        return { command: 'ChangeMentorCapacity', method: 'POST', url: `/mentors/${intent.mentorId}/capacity`, body: { capacity: intent.capacity ?? 1 } };
      case 'book': {
        const discovery = intent.discovery || this.sessions(intent.studentId).length === 0;
        return discovery
          ? { command: 'BookDiscoverySession', method: 'POST', url: `${s}/discovery-session`, body: { start: intent.start } }
          : { command: 'BookSession', method: 'POST', url: `${s}/sessions`, body: { start: intent.start } };
      }
      case 'cancel':
      case 'reschedule': {
        const sessions = this.sessions(intent.studentId);
        if (sessions.length === 0) return null;
        const sessionId = sessions[(intent.pick ?? 0) % sessions.length];
        return intent.kind === 'cancel'
          ? { command: 'CancelSession', method: 'POST', url: `${s}/sessions/${sessionId}/cancel`, body: { reason: 'mentor' } }
          : { command: 'RescheduleSession', method: 'POST', url: `${s}/sessions/${sessionId}/reschedule`, body: { start: intent.start } };
      }
      case 'pause':
        return { command: 'PauseTraining', method: 'POST', url: `${s}/pause`, body: {} };
      case 'resume':
        return { command: 'ResumeTraining', method: 'POST', url: `${s}/resume`, body: {} };
    }
  }

  /** Updates what the clients know from an answer to `call`. */
  learn(intent: Intent, call: CommandCall, status: number, body: unknown): void {
    const answer = (body ?? {}) as { sessionId?: string; code?: string; details?: { currentMentorId?: string } };
    const student = intent.studentId;
    const sessionId = /\/sessions\/([^/]+)\//.exec(call.url)?.[1];
    if (status === 409 && answer.details?.currentMentorId) this.mentorOf.set(student, answer.details.currentMentorId);
    if (status === 409 && answer.code === 'session_not_booked' && sessionId) this.forget(student, sessionId);
    if (status === 409 && answer.code === 'training_closed') this.close(student);
    if (status !== 200 && status !== 201) return;
    switch (intent.kind) {
      case 'assign':
        this.mentorOf.set(student, intent.mentorId);
        return;
      case 'change':
        // The sessions booked with the previous mentor are cancelled by the change.
        this.mentorOf.set(student, intent.mentorId);
        this.sessionsOf.set(student, []);
        return;
      case 'withdraw':
      case 'complete':
        this.close(student);
        return;
      case 'pause':
        this.sessionsOf.set(student, []);
        return;
      case 'book':
        if (status === 201 && answer.sessionId) this.sessionsOf.set(student, [...this.sessions(student), answer.sessionId]);
        return;
      case 'cancel':
        if (sessionId) this.forget(student, sessionId);
        return;
      default:
        return;
    }
  }

  /** The students the clients know to have a mentor. */
  assignedStudents(): string[] {
    return [...this.mentorOf.keys()];
  }

  /** Those of `students` not known to have a mentor nor to have ended their training. */
  waiting(students: readonly string[]): string[] {
    return students.filter((id) => !this.mentorOf.has(id) && !this.closed.has(id));
  }

  private close(studentId: string): void {
    this.closed.add(studentId);
    this.mentorOf.delete(studentId);
    this.sessionsOf.set(studentId, []);
  }

  private sessions(studentId: string): string[] {
    return this.sessionsOf.get(studentId) ?? [];
  }

  private forget(studentId: string, sessionId: string): void {
    this.sessionsOf.set(
      studentId,
      this.sessions(studentId).filter((id) => id !== sessionId),
    );
  }
}

/** An answer is acceptable when it is a 2xx, or a 4xx problem with a code; a 503 only where a fault was injected. */
export function unexpectedAnswer(status: number, body: unknown, headers: Record<string, unknown>, faultDuringRequest: boolean): string | null {
  const code = (body as { code?: unknown } | undefined)?.code;
  if (status >= 200 && status < 300) return null;
  if (status >= 400 && status < 500) {
    const type = String(headers['content-type'] ?? '');
    return type.includes('application/problem+json') && typeof code === 'string' ? null : `${status} without a problem code (${type})`;
  }
  if (status === 503 && code === 'store_unavailable' && faultDuringRequest) return null;
  return `${status} ${typeof code === 'string' ? code : ''}`.trim();
}

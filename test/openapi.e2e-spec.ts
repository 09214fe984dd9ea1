// Every domain command is reachable over HTTP, under an operation whose operationId is the command's name;
// the commands the application orchestrates between streams are not exposed. The map below must name every
// command type of the domain (the type checker refuses it otherwise), so a new command cannot be forgotten.
import type { MentorCalendarCommandType, MentorCommandType, StudentCommandType } from '@mentoring/domain';
import { startTestApp, TestApp } from './support/test-app';

type Operation = { operationId: string; responses: Record<string, unknown>; parameters?: Array<{ name: string; in: string }> };

const COMMANDS = {
  EnrolStudent: 'POST /students',
  AssignMentor: 'POST /students/{studentId}/assignment',
  RequestMentorChange: 'POST /students/{studentId}/mentor-change-requests',
  DeclineMentorChangeRequest: 'POST /students/{studentId}/mentor-change-requests/{requestId}/decline',
  ChangeMentor: 'POST /students/{studentId}/mentor-change',
  RecordFirstContact: 'POST /students/{studentId}/first-contact',
  AddInternalComment: 'POST /students/{studentId}/internal-comments',
  RequestFollowUp: 'POST /students/{studentId}/follow-ups',
  ResolveFollowUp: 'POST /students/{studentId}/follow-ups/{followUpId}/resolve',
  PauseTraining: 'POST /students/{studentId}/pause',
  ResumeTraining: 'POST /students/{studentId}/resume',
  CompleteTraining: 'POST /students/{studentId}/completion',
  WithdrawFromTraining: 'POST /students/{studentId}/withdrawal',
  BookDiscoverySession: 'POST /students/{studentId}/discovery-session',
  BookSession: 'POST /students/{studentId}/sessions',
  RescheduleSession: 'POST /students/{studentId}/sessions/{sessionId}/reschedule',
  CancelSession: 'POST /students/{studentId}/sessions/{sessionId}/cancel',
  RecordSessionHeld: 'POST /students/{studentId}/sessions/{sessionId}/held',
  RecordSessionNoShow: 'POST /students/{studentId}/sessions/{sessionId}/no-show',
  RecordSubstantialDelay: 'POST /students/{studentId}/sessions/{sessionId}/delay',
  SubmitFirstSessionRecording: 'POST /students/{studentId}/first-session-recording',
  GiveFirstSessionFeedback: 'POST /students/{studentId}/first-session-feedback',
  RecordWeekWithoutSession: 'POST /students/{studentId}/weeks-without-session',
  RegisterMentor: 'POST /mentors',
  MarkMentorDisabilityFriendly: 'POST /mentors/{mentorId}/disability-friendly',
  ChangeMentorCapacity: 'POST /mentors/{mentorId}/capacity',
  DeclareMentorUnavailability: 'POST /mentors/{mentorId}/unavailabilities',
  EndMentorUnavailability: 'POST /mentors/{mentorId}/unavailabilities/{unavailabilityId}/end',
  // Orchestrated by the application between streams (docs/adr/0002), never sent by a client.
  LapseReservation: null,
  ReserveCaseloadSlot: null,
  ReleaseCaseloadSlot: null,
  ReserveMentorSlot: null,
  ReleaseMentorSlot: null,
} satisfies Record<StudentCommandType | MentorCommandType | MentorCalendarCommandType, string | null>;

describe('OpenAPI document', () => {
  let t: TestApp;
  let operations: Map<string, { route: string; operation: Operation }>;

  beforeAll(async () => {
    t = await startTestApp();
    const answer = await t.request('GET', '/docs-json');
    expect(answer.status).toBe(200);
    operations = new Map();
    for (const [path, methods] of Object.entries(answer.body.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, operation] of Object.entries(methods)) {
        expect(operations.has(operation.operationId)).toBe(false);
        operations.set(operation.operationId, { route: `${method.toUpperCase()} ${path}`, operation });
      }
    }
  });
  afterAll(() => t.close());

  const exposed = Object.entries(COMMANDS).filter((entry): entry is [string, string] => entry[1] !== null);
  const internal = Object.entries(COMMANDS).filter(([, route]) => route === null).map(([name]) => name);

  it.each(exposed)('%s is the operationId of %s, which documents 400, 401 and 403 problems', (name, route) => {
    const found = operations.get(name);
    expect(found?.route).toBe(route);
    expect(Object.keys(found!.operation.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403']));
    expect(found!.operation.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['Idempotency-Key', 'If-Match']));
  });

  it('does not expose the commands orchestrated between streams', () => {
    for (const name of internal) expect(operations.has(name)).toBe(false);
  });
});

// A frontend's view of the API: a client generated from the served OpenAPI document (openapi-typescript
// writes ./generated/api.d.ts; openapi-fetch drives it), taking one student of each funding profile
// through the start of the mentor guide's journey. The test type-checks this file against the generated
// types before running it, so a response the document leaves untyped (a missing 2xx schema, a missing
// field, a discriminator the server refuses) fails at compile time, as it would in a frontend's build.
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/api';

type Enrolment = components['schemas']['EnrolStudentDto'];
type Funding = Enrolment['funding'];

export interface JourneyTokens {
  staff: string;
  mentorToken(mentorId: string): Promise<string>;
  studentToken(studentId: string): Promise<string>;
}

export interface JourneyOutcome {
  kind: Funding['kind'];
  studentId: string;
  mentorId: string;
  sessionId: string;
  followUpId: string;
  status: string;
  mentorName: string | null;
  sessions: number;
}

/** The funding of each profile, typed by the generated client (the `kind` discriminator must be the server's). */
const FUNDINGS: Funding[] = [
  {
    kind: 'apprenticeship',
    company: { id: 'acme', name: 'ACME Corp' },
    employer: { id: 'acme', name: 'ACME Corp' },
    tutor: { id: 'tutor-1', name: 'Tess Tutor', email: 'tess@acme.example' },
    rhythm: { studyWeeks: 2, workWeeks: 3 },
    endDate: '2028-06-30',
  },
  { kind: 'employee', employer: { id: 'globex', name: 'Globex' }, schedule: 'Tuesdays 9:00-12:00', purpose: 'development_plan', endDate: '2027-12-31' },
  {
    kind: 'social_programme',
    publicFunder: { id: 'pub-employment', name: 'Public Employment Service' },
    cohort: '2027-spring',
    attendanceContractRef: 'CONTRACT-0042',
    endDate: '2027-09-30',
  },
  { kind: 'self_funded' },
];

function fail(step: string, status: number, error: unknown): never {
  throw new Error(`${step}: ${status} ${JSON.stringify(error)}`);
}

/** Enrol, assign, book the discovery session, ask for a follow-up, then read the student back, per profile. */
export async function runJourney(baseUrl: string, tokens: JourneyTokens, discoveryStart: string): Promise<JourneyOutcome[]> {
  const client = createClient<paths>({ baseUrl });
  const staff = { Authorization: `Bearer ${tokens.staff}` };

  const mentor = await client.POST('/mentors', {
    headers: staff,
    body: { name: 'Joy Adams', email: 'joy@mentors.example', trainingPaths: ['web-development'], capacity: 10, disabilityFriendly: false },
  });
  if (!mentor.data) fail('RegisterMentor', mentor.response.status, mentor.error);
  const mentorId: string = mentor.data.mentorId;
  const asMentor = { Authorization: `Bearer ${await tokens.mentorToken(mentorId)}` };

  const outcomes: JourneyOutcome[] = [];
  for (const [index, funding] of FUNDINGS.entries()) {
    const enrolled = await client.POST('/students', {
      headers: staff,
      body: {
        name: `Student ${funding.kind}`,
        email: `student-${index}@students.example`,
        trainingPath: 'web-development',
        registeredDisability: false,
        startDate: '2027-01-04',
        funding,
      },
    });
    if (!enrolled.data) fail(`EnrolStudent ${funding.kind}`, enrolled.response.status, enrolled.error);
    const studentId: string = enrolled.data.studentId;
    const revision: number = enrolled.data.revision;
    const params = { path: { studentId } };

    const assigned = await client.POST('/students/{studentId}/assignment', {
      params,
      headers: { ...staff, 'If-Match': `"${revision}"` },
      body: { mentorId },
    });
    if (!assigned.data) fail('AssignMentor', assigned.response.status, assigned.error);

    // One hour apart: the mentor cannot hold two sessions at once (R14).
    const start = new Date(Date.parse(discoveryStart) + index * 3_600_000).toISOString();
    const discovery = await client.POST('/students/{studentId}/discovery-session', { params, headers: asMentor, body: { start } });
    if (!discovery.data) fail('BookDiscoverySession', discovery.response.status, discovery.error);
    const sessionId: string = discovery.data.sessionId;

    const followUp = await client.POST('/students/{studentId}/follow-ups', { params, headers: asMentor, body: { reason: 'unresponsive_student', note: 'No answer for 8 days' } });
    if (!followUp.data) fail('RequestFollowUp', followUp.response.status, followUp.error);
    const followUpId: string = followUp.data.followUpId;

    const asStudent = { Authorization: `Bearer ${await tokens.studentToken(studentId)}` };
    const read = await client.GET('/students/{studentId}', {
      params: { path: { studentId }, query: { waitFor: followUp.data.position ?? undefined } },
      headers: asStudent,
    });
    if (!read.data) fail('GetStudent', read.response.status, read.error);
    outcomes.push({
      kind: funding.kind,
      studentId: read.data.studentId,
      mentorId: read.data.mentorId ?? 'none',
      sessionId: read.data.sessions[0]?.sessionId ?? 'none',
      followUpId,
      status: read.data.status,
      mentorName: read.data.mentor?.name ?? null,
      sessions: read.data.sessions.length,
    });
    void sessionId;
  }

  const listed = await client.GET('/students', { params: { query: { mentorId, limit: 2 } }, headers: staff });
  if (!listed.data) fail('ListStudents', listed.response.status, listed.error);
  const seen: string[] = listed.data.items.map((item) => item.studentId);
  let cursor = listed.data.nextCursor;
  while (cursor) {
    const next = await client.GET('/students', { params: { query: { mentorId, limit: 2, cursor } }, headers: staff });
    if (!next.data) fail('ListStudents (next page)', next.response.status, next.error);
    seen.push(...next.data.items.map((item) => item.studentId));
    cursor = next.data.nextCursor;
  }
  if (seen.length !== FUNDINGS.length) throw new Error(`ListStudents paged through ${seen.length} students, expected ${FUNDINGS.length}`);
  return outcomes;
}

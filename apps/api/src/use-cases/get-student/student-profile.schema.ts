// The documented answer of GetStudent (GET /students/{studentId}): StudentProfileView, field by field.
// Optional fields are those absent for some readers: `registeredDisability` (R7) and `comments` (R11).
import type { SchemaObject } from '../../shared/schema-object';

const party = (what: string, id: string, name: string): SchemaObject => ({
  type: 'object',
  description: what,
  required: ['id', 'name'],
  properties: {
    id: { type: 'string', description: 'The id access rules match on (oversight, funders’ reports)', example: id },
    name: { type: 'string', example: name },
  },
  additionalProperties: false,
});

const endDate: SchemaObject = { type: 'string', format: 'date', description: 'End of the funded training (R6)', example: '2028-06-30' };

/**
 * The funding profile as stored at enrolment (R1–R6): one of four shapes, told apart by `kind` (the same
 * union as the EnrolStudent body, cleaned of unknown keys by the domain). Reused by other student views.
 */
export const FUNDING_SCHEMA: SchemaObject = {
  description: 'The funding profile (R1): one of four shapes, told apart by `kind`',
  oneOf: [
    {
      type: 'object',
      title: 'apprenticeship',
      description: 'R2: funded by a company; the employer and the tutor oversee; a study/work rhythm',
      required: ['kind', 'company', 'employer', 'tutor', 'rhythm', 'endDate'],
      properties: {
        kind: { type: 'string', enum: ['apprenticeship'], example: 'apprenticeship' },
        company: party('The funding company (R2)', 'acme', 'ACME Corp'),
        employer: party('The employer', 'acme', 'ACME Corp'),
        tutor: {
          type: 'object',
          description: 'The apprentice’s tutor, who has oversight (R2); `email` only for the student, their mentor and staff',
          required: ['id', 'name'],
          properties: {
            id: { type: 'string', example: 'tutor-1' },
            name: { type: 'string', example: 'Tess Tutor' },
            email: { type: 'string', example: 'tess@acme.example' },
          },
          additionalProperties: false,
        },
        rhythm: {
          type: 'object',
          required: ['studyWeeks', 'workWeeks'],
          properties: {
            studyWeeks: { type: 'integer', minimum: 1, description: 'Weeks of study in each block', example: 2 },
            workWeeks: { type: 'integer', minimum: 1, description: 'Weeks of work in each block', example: 3 },
          },
          additionalProperties: false,
        },
        endDate,
      },
      additionalProperties: false,
    },
    {
      type: 'object',
      title: 'employee',
      description: 'R3: funded by the employer, on a schedule, for one purpose',
      required: ['kind', 'employer', 'schedule', 'purpose', 'endDate'],
      properties: {
        kind: { type: 'string', enum: ['employee'], example: 'employee' },
        employer: party('The funding employer (R3)', 'globex', 'Globex'),
        schedule: { type: 'string', example: 'Tuesdays 9:00-12:00' },
        purpose: { type: 'string', enum: ['internal_training', 'development_plan', 'internal_job_change', 'external_job_change'], example: 'development_plan' },
        endDate,
      },
      additionalProperties: false,
    },
    {
      type: 'object',
      title: 'social_programme',
      description: 'R4: funded by a public organisation; a cohort; a signed attendance contract',
      required: ['kind', 'publicFunder', 'cohort', 'attendanceContractRef', 'endDate'],
      properties: {
        kind: { type: 'string', enum: ['social_programme'], example: 'social_programme' },
        publicFunder: party('The public funder (R4)', 'pub-employment', 'Public Employment Service'),
        cohort: { type: 'string', example: '2027-spring' },
        attendanceContractRef: { type: 'string', description: 'The signed attendance contract', example: 'CONTRACT-0042' },
        endDate,
      },
      additionalProperties: false,
    },
    {
      type: 'object',
      title: 'self_funded',
      description: 'R5: pays for themself; no end date',
      required: ['kind'],
      properties: { kind: { type: 'string', enum: ['self_funded'], example: 'self_funded' } },
      additionalProperties: false,
    },
  ],
};

export const STUDENT_STATUS_SCHEMA: SchemaObject = {
  type: 'string',
  enum: ['awaiting_mentor', 'active', 'paused', 'completed', 'withdrawn'],
  description: 'The training’s status',
  example: 'active',
};

const SESSION_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['sessionId', 'kind', 'mentorId', 'start', 'end', 'status', 'outcome'],
  properties: {
    sessionId: { type: 'string', example: 'session-1' },
    kind: { type: 'string', enum: ['discovery', 'session'], description: '`discovery`: the first session (R12)', example: 'session' },
    mentorId: { type: 'string', description: 'The mentor the session is with', example: 'mentor-1' },
    start: { type: 'string', format: 'date-time', example: '2027-03-02T10:00:00.000Z' },
    end: { type: 'string', format: 'date-time', example: '2027-03-02T10:45:00.000Z' },
    status: { type: 'string', enum: ['booked', 'held', 'missed', 'cancelled'], example: 'held' },
    outcome: {
      type: 'string',
      nullable: true,
      description: 'null while booked; `held`, `no_show`, `cancelled` or `cancelled_late` (R15) once it is over',
      example: 'held',
    },
  },
  additionalProperties: false,
};

const COMMENT_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['commentId', 'text', 'authorId', 'authorRole', 'addedAt'],
  properties: {
    commentId: { type: 'string', example: 'comment-1' },
    text: { type: 'string', example: 'No answer to two e-mails and a call since Monday.' },
    authorId: { type: 'string', example: 'mentor-1' },
    authorRole: { type: 'string', example: 'mentor' },
    addedAt: { type: 'string', format: 'date-time', example: '2027-03-01T09:00:00.000Z' },
  },
  additionalProperties: false,
};

/** The 200 body of GetStudent. */
export const STUDENT_PROFILE_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'A student’s profile; `registeredDisability` (R7) and `comments` (R11) are absent for those who may not read them',
  required: [
    'studentId', 'name', 'trainingPath', 'startDate', 'funding', 'attendanceObligatory', 'status',
    'mentorId', 'assignedAt', 'enrolledAt', 'updatedAt', 'revision', 'sessions', 'mentor',
  ],
  properties: {
    studentId: { type: 'string', example: 'student-1' },
    name: { type: 'string', example: 'Sam Lee' },
    email: { type: 'string', description: 'Only for the student, their mentor and staff; absent for tutors, funders and auditors', example: 'sam@students.example' },
    trainingPath: { type: 'string', example: 'web-development' },
    registeredDisability: { type: 'boolean', description: 'R7: only for the student, their mentor and staff; absent for everyone else', example: false },
    startDate: { type: 'string', format: 'date', example: '2027-01-04' },
    funding: FUNDING_SCHEMA,
    attendanceObligatory: { type: 'boolean', description: 'Attendance is an obligation of the funding (R2, R3, R4)', example: true },
    status: STUDENT_STATUS_SCHEMA,
    mentorId: { type: 'string', nullable: true, description: 'The current mentor; null while none is assigned', example: 'mentor-1' },
    assignedAt: { type: 'string', format: 'date-time', nullable: true, description: 'When the current mentor was assigned', example: '2027-01-05T09:00:00.000Z' },
    enrolledAt: { type: 'string', format: 'date-time', example: '2027-01-04T09:00:00.000Z' },
    updatedAt: { type: 'string', format: 'date-time', example: '2027-03-01T09:00:00.000Z' },
    revision: { type: 'integer', minimum: 0, description: 'The student stream’s revision (also the ETag): send it back as If-Match', example: 3 },
    sessions: { type: 'array', description: 'Every session booked, in booking order, with its status and outcome', items: SESSION_SCHEMA },
    comments: { type: 'array', description: 'R11: internal comments, only for staff and the student’s current mentor; absent for everyone else', items: COMMENT_SCHEMA },
    mentor: {
      type: 'object',
      nullable: true,
      description: 'The current mentor’s name and contact; null while no mentor is assigned',
      required: ['mentorId', 'name'],
      properties: {
        mentorId: { type: 'string', example: 'mentor-1' },
        name: { type: 'string', nullable: true, example: 'Joy Adams' },
        email: { type: 'string', nullable: true, description: 'Only for the student, their mentor and staff', example: 'joy@mentors.example' },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

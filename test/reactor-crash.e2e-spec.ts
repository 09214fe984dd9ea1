// R10 across crashes, with the real API process (embedded deployment: the reactors run in it) killed
// with SIGKILL and a real SMTP server on loopback: after the restarts the server has received exactly
// one message per assignment.
// 1. Killed after StudentAssigned is stored but before its e-mail is sent (the server refuses for now).
// 2. Killed after the send has been recorded (the reactor has caught up).
import * as fs from 'node:fs';
import { signToken } from '../apps/api/src/http/auth';
import { hs256Secret, loadConfig } from '@mentoring/config';
import { call, kill, RunningApi, startApiProcess } from './support/process';
import { SmtpSink } from './support/smtp-sink';
import { enrolment, mentorBody, tempDataDir } from './support/test-app';

describe('assignment e-mail across SIGKILL (real process, real SMTP server)', () => {
  const dataDir = tempDataDir();
  let sink: SmtpSink;
  let api: RunningApi | undefined;

  afterAll(async () => {
    if (api) await kill(api);
    await sink?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Polls /health (the process is another process) until the reactor has handled every stored event. */
  async function reactorCaughtUp(running: RunningApi): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const health = await call(running, 'GET', '/health', await signToken(hs256Secret(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir })), 'ops-1', 'admin'));
      const reactor = health.body.reactors.find((r: { name: string }) => r.name === 'assignment-email');
      if (reactor?.lag === 0) return;
      if (Date.now() > deadline) throw new Error(`the assignment-email reactor did not catch up: ${JSON.stringify(reactor)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('delivers exactly one message per assignment', async () => {
    sink = await SmtpSink.start();
    const env = { DATA_DIR: dataDir, SQLITE_SYNCHRONOUS: 'FULL', SMTP_URL: sink.url, MAIL_FROM: 'Mentoring <no-reply@school.example>', REACTOR_TICK_SECONDS: '0' };
    const staff = await signToken(hs256Secret(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir })), 'staff-1', 'staff');
    const assign = async (running: RunningApi, n: number) => {
      const { mentorId } = (await call(running, 'POST', '/mentors', staff, mentorBody({ name: `Mentor ${n}`, email: `mentor${n}@mentors.example` }))).body;
      const { studentId } = (await call(running, 'POST', '/students', staff, enrolment('self_funded', { name: `Student ${n}` }))).body;
      const answer = await call(running, 'POST', `/students/${studentId}/assignment`, staff, { mentorId });
      expect(answer.status).toBe(201);
      return `mentor${n}@mentors.example`;
    };

    // 1. The SMTP server refuses for now: StudentAssigned is stored, the reactor tries and cannot send. Kill.
    sink.mode = 'tempfail';
    api = await startApiProcess(env);
    const first = await assign(api, 1);
    await sink.until((s) => s.attempts >= 1);
    await kill(api, 'SIGKILL');
    expect(sink.messages).toHaveLength(0);

    // Restart: the reactor resumes from its checkpoint, before the assignment, and sends it.
    sink.mode = 'accept';
    api = await startApiProcess(env);
    await sink.until((s) => s.to(first).length === 1);

    // 2. A second assignment, sent and recorded (the reactor caught up). Kill.
    const second = await assign(api, 2);
    await sink.until((s) => s.to(second).length === 1);
    await reactorCaughtUp(api);
    await kill(api, 'SIGKILL');

    // Restart, and a third assignment: handled in order, so once its message is in, nothing before it was sent again.
    api = await startApiProcess(env);
    const third = await assign(api, 3);
    await sink.until((s) => s.to(third).length === 1);
    await reactorCaughtUp(api);

    expect([first, second, third].map((to) => sink.to(to).length)).toEqual([1, 1, 1]);
    expect(sink.messages).toHaveLength(3);
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(3);
    for (const m of sink.messages) expect(m.messageId).toMatch(/^<assignment\.[0-9a-f-]{36}@school\.example>$/);
    const health = await call(api, 'GET', '/health', await signToken(hs256Secret(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir })), 'ops-1', 'admin'));
    expect(health.body.parkedEvents.count).toBe(0);
  }, 90_000);
});

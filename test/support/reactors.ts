// Driving the reactors from an HTTP test with a clock the test moves: wait until they have handled every
// stored event, or move the clock and run the scheduler's tick. Nothing sleeps.
import type { ReactorRunner, TickReport } from '@mentoring/reactors';
import { comparePositions } from '@mentoring/event-store';
import { REACTOR_RUNNER } from '../../apps/api/src/shared/tokens';
import { Person, TestClock, outcome, post } from './commands';
import type { TestApp } from './test-app';

/** The reactors running in the app (the reservations process among them). */
export function reactorRunnerOf(t: TestApp): ReactorRunner {
  return t.app.get<ReactorRunner>(REACTOR_RUNNER);
}

/** Every reactor has handled every event stored so far. */
export async function reactorsSettled(t: TestApp, reactors: ReactorRunner): Promise<void> {
  const head = await t.eventStore.headPosition();
  if (head) expect(await reactors.waitFor(head, 10_000)).toBe(true);
}

/**
 * What the commands so far set off is stored: every reactor has handled every event, including the events
 * the reactors appended meanwhile (the releases of the reservations process, docs/adr/0002). A command's
 * releases come shortly after its answer: wait for this before reading a mentor's stream or calendar.
 */
export async function reactionsSettled(t: TestApp, reactors: ReactorRunner = reactorRunnerOf(t)): Promise<void> {
  for (;;) {
    const before = await t.eventStore.headPosition();
    await reactorsSettled(t, reactors);
    const after = await t.eventStore.headPosition();
    if (before === after || (before && after && comparePositions(before, after) === 0)) return;
  }
}

/** The work of a tick a test asserts: without the periodic audit checkpoint and the mail counts (tested in their own suites). */
export function tickWork(report: TickReport): Pick<TickReport, 'performed' | 'failed'> {
  return { performed: report.performed.filter((p) => p.kind !== 'checkpoint'), failed: report.failed };
}

/** Moves the clock to `iso` and runs the scheduler, then lets the reactors handle what it appended: the tick's work. */
export async function tickReactorsAt(t: TestApp, reactors: ReactorRunner, clock: TestClock, iso: string): Promise<Pick<TickReport, 'performed' | 'failed'>> {
  clock.set(iso);
  await reactorsSettled(t, reactors);
  const report = await reactors.tick(clock.now());
  await reactorsSettled(t, reactors);
  return tickWork(report);
}

/** POSTs a command that must append events (201), naming the URL in the failure message; the answer's body. */
export async function postCreated(t: TestApp, who: Person, url: string, body?: unknown): Promise<Record<string, any>> {
  const answer = await post(t, who, url, body);
  expect({ url, ...outcome(answer) }).toMatchObject({ url, status: 201 });
  return answer.body;
}

/**
 * The mentor's first contact at the clock's time, then the discovery session booked for `start` and held
 * 50 minutes later (the clock is left there): a week with a held session for the weekly rhythm.
 */
export async function discoverySessionHeld(t: TestApp, clock: TestClock, mentor: Person, studentId: string, start: string): Promise<string> {
  const base = `/students/${studentId}`;
  await postCreated(t, mentor, `${base}/first-contact`);
  const { sessionId } = await postCreated(t, mentor, `${base}/discovery-session`, { start });
  // The booking's e-mails go out at the booking's time, not after the clock moved past the session.
  await reactionsSettled(t);
  clock.set(new Date(Date.parse(start) + 50 * 60_000).toISOString());
  await postCreated(t, mentor, `${base}/sessions/${sessionId}/held`);
  return sessionId;
}

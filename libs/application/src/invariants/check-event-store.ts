// Reads the whole `$all` log of an event store, page by page, into the invariant checker, and prints a
// report for people (the audit CLI, the bench).
import { EventStore } from '@mentoring/event-store';
import { InvariantChecker, InvariantCheckerOptions, InvariantReport } from './invariant-checker';

export interface CheckEventStoreOptions extends InvariantCheckerOptions {
  /** Events per read. Default 1000. */
  pageSize?: number;
}

/** Folds every event of the store (in `$all` order) and reports; see {@link InvariantChecker}. */
export async function checkEventStoreInvariants(store: EventStore, options: CheckEventStoreOptions = {}): Promise<InvariantReport> {
  const checker = new InvariantChecker(options);
  const maxCount = options.pageSize ?? 1000;
  for (;;) {
    const page = await store.readAll({ after: checker.position ?? undefined, maxCount });
    if (page.length === 0) return checker.report();
    checker.applyAll(page);
  }
}

/** The counts that must all be 0. */
export function invariantViolations(report: InvariantReport): number {
  return report.overCapacityPositions + report.twoMentors + report.overlappingSessions + report.caseloadMismatches + report.calendarMismatches;
}

/** A few lines for a terminal: the size, each count, then the examples. */
export function formatInvariantReport(report: InvariantReport): string {
  const t = report.totals;
  const lines = [
    `events ${report.events}, mentors ${report.mentors}, students ${report.students}`,
    `  assigned students ${t.assignedStudents}, open caseload reservations ${t.openCaseloadReservations}, ` +
      `live sessions ${t.activeSessions}, open calendar slots ${t.openCalendarSlots}, lapsed reservations ${t.lapsedReservations}`,
    ...(
      [
        ['over-capacity positions (R9)', report.overCapacityPositions],
        ['students with two mentors', report.twoMentors],
        ['overlapping sessions (R14)', report.overlappingSessions],
        ['caseload mismatches (reserved vs assigned)', report.caseloadMismatches],
        ['calendar mismatches (slots vs sessions)', report.calendarMismatches],
      ] as const
    ).map(([label, count]) => `${label.padEnd(44)}${count}`),
  ];
  if (report.examples.length > 0) {
    lines.push('examples:');
    for (const e of report.examples) lines.push(`  [${e.kind}/${e.detail}]${e.position ? ` at ${e.position} (${e.eventType} on ${e.streamId})` : ''}: ${e.message}`);
  }
  return `${lines.join('\n')}\n`;
}

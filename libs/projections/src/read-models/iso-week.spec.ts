import { addIsoWeeks, isIsoWeek, isoWeekOf, isoWeeksBetween, isoWeekStartMs } from './iso-week';

describe('ISO weeks (UTC)', () => {
  it.each([
    ['2026-03-02T00:00:00.000Z', '2026-W10'],
    ['2026-03-08T23:59:59.999Z', '2026-W10'],
    ['2026-03-09', '2026-W11'],
    ['2025-12-29', '2026-W01'], // Monday of week 1: 4 January 2026 is a Sunday
    ['2027-01-01', '2026-W53'], // 2026 has 53 weeks (it starts on a Thursday)
    ['2021-01-03', '2020-W53'],
    ['2024-12-30', '2025-W01'],
    ['2026-03-02T00:30:00+01:00', '2026-W09'], // 1 March 23:30 UTC
  ])('%s is in %s', (instant, week) => {
    expect(isoWeekOf(instant)).toBe(week);
  });

  it('reads unparsable values as null and knows the weeks that exist', () => {
    expect([isoWeekOf(null), isoWeekOf('soon'), isoWeekOf(undefined)]).toEqual([null, null, null]);
    expect([isIsoWeek('2026-W53'), isIsoWeek('2025-W53'), isIsoWeek('2026-W00'), isIsoWeek('2026-10')]).toEqual([true, false, false, false]);
  });

  it('starts, ranges and offsets', () => {
    expect(new Date(isoWeekStartMs('2026-W01')).toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(isoWeeksBetween('2026-W52', '2027-W02')).toEqual(['2026-W52', '2026-W53', '2027-W01', '2027-W02']);
    expect(isoWeeksBetween('2026-W10', '2026-W09')).toEqual([]);
    expect([addIsoWeeks('2026-W01', -1), addIsoWeeks('2026-W52', 2)]).toEqual(['2025-W52', '2027-W01']);
  });
});

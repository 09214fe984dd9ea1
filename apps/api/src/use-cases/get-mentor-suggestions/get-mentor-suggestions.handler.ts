// Mentor suggestions, explained: hard rules exclude a mentor (training path, R7, R9 full, unavailable now, the
// current mentor); the others are ranked by weighted reasons from one policy (libs/domain/src/suggestion-policy.ts).
// Read models give the mentors and the student; the student's stream gives the mentors they left (R8); a mentor
// flagged unavailable has their stream folded to know whether the unavailability covers now or is still to come.
//
// The answer is the best `limit` mentors. In a school of thousands of mentors it is not found by scoring each
// (issue 13): every mentor who is neither flagged unavailable nor one the student left scores the same constant
// plus the remaining-capacity weight, which falls as the load rises. Those are read in load order through the
// read model's index, and reading stops once no mentor further on can reach the last score of the page. The few
// others (flagged, or left by the student) are scored one by one, their stream folded only when their best
// possible score could still make the page. `explain=all` scores every mentor (the excluded ones are its point).
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DEFAULT_SUGGESTION_POLICY, SuggestionPolicy, Unavailability, unavailabilityAt, unavailabilityEnd as until } from '@mentoring/domain';
import { EventStore } from '@mentoring/event-store';
import {
  MENTOR_CASELOADS,
  MentorCaseloadDoc,
  mentorCaseloadsProjection,
  STUDENT_PROFILES,
  StudentProfileDoc,
  studentProfilesProjection,
} from '@mentoring/projections';
import { ReadStore } from '@mentoring/read-store';
import { Problem } from '../../http/problem';
import { DECIDERS, Deciders } from '../../shared/deciders';
import { EventSourcedStreams } from '../../shared/event-sourced-streams';
import { ReadYourWrites } from '../../shared/read-your-writes';
import { studentStream } from '../../shared/streams';
import { EVENT_STORE, READ_STORE } from '../../shared/tokens';
import { loadMentor } from '../../shared/loaders';
import { requireRole } from '../read-side-support/params';
import { GetMentorSuggestionsQuery } from './get-mentor-suggestions.query';
import { ExcludedMentor, MentorSuggestion, MentorSuggestionsView, SuggestionReason } from './mentor-suggestions.view';

const STAFF = ['staff', 'admin'] as const;
const DAY_MS = 86_400_000;

/** What the unavailabilities of a mentor mean now: one covering now (excluded), or the next one to come. */
interface Availability {
  now: Unavailability | null;
  next: Unavailability | null;
}

const students = (n: number) => `${n} student${n === 1 ? '' : 's'}`;
const round1 = (n: number) => Math.round(n * 10) / 10;
// `localeCompare` without arguments, by one collator made once: the same order, several times faster per call.
const collate = new Intl.Collator().compare;
const byNameThenId = (a: { name: string; mentorId: string }, b: { name: string; mentorId: string }) =>
  collate(a.name, b.name) || collate(a.mentorId, b.mentorId);

@QueryHandler(GetMentorSuggestionsQuery)
export class GetMentorSuggestionsHandler implements IQueryHandler<GetMentorSuggestionsQuery> {
  private readonly policy: SuggestionPolicy = DEFAULT_SUGGESTION_POLICY;

  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(DECIDERS) private readonly deciders: Deciders,
    private readonly streams: EventSourcedStreams,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ studentId, actor, explainAll, limit, waitFor }: GetMentorSuggestionsQuery): Promise<MentorSuggestionsView> {
    requireRole(actor, STAFF, 'mentor suggestions');
    await this.readYourWrites.waitFor(waitFor, [mentorCaseloadsProjection.name, studentProfilesProjection.name]);
    const student = await this.readStore.collection<StudentProfileDoc>(STUDENT_PROFILES).findOne({ _id: studentId });
    if (!student) throw new Problem(404, 'student_not_found', 'Not Found', `No student ${studentId}.`);
    const left = await this.mentorsLeft(studentId);
    const now = this.streams.now();
    if (explainAll || this.policy.remainingCapacity < 0) return this.scoreEveryMentor(student, left, now, limit, explainAll);
    return { studentId, items: await this.bestMentors(student, left, now, limit) };
  }

  /**
   * The best `limit` suggestions, exactly as {@link scoreEveryMentor} ranks them, without reading every mentor
   * (see the header). Requires a remaining-capacity weight of 0 or more (the score then falls as the load rises).
   */
  private async bestMentors(student: StudentProfileDoc, left: string[], now: Date, limit: number): Promise<MentorSuggestion[]> {
    const mentors = this.readStore.collection<MentorCaseloadDoc>(MENTOR_CASELOADS);
    const notCurrent = student.mentorId ? [student.mentorId] : [];
    const ranked: MentorSuggestion[] = [];
    // The score a mentor must reach to make the page (ties included: they are ordered by name).
    let cut = -Infinity;
    const rank = () => {
      ranked.sort((a, b) => b.score - a.score || byNameThenId(a, b));
      cut = ranked.length < limit ? -Infinity : ranked[limit - 1].score;
    };
    const none: Availability = { now: null, next: null };
    // The plain mentors, least loaded first: a first page; then, if a mentor further on could still make the page
    // (many may tie on one load), every one up to the highest load that can still reach the page's last score.
    // Only the load is given to the index (a place left means a load under 1, rounded at most to 1): with another
    // indexed condition SQLite would read through that index and sort every match. The rest is checked here.
    const seen = new Set<string>();
    const consider = (page: MentorCaseloadDoc[]) => {
      for (const mentor of page) {
        if (seen.has(mentor._id)) continue;
        seen.add(mentor._id);
        const plain = !mentor.unavailable && !notCurrent.includes(mentor._id) && !left.includes(mentor._id);
        if (plain && mentor.remainingCapacity > 0 && (mentor.disabilityFriendly || !student.registeredDisability)) {
          ranked.push(this.suggestion(mentor, student, none, left, now));
        }
      }
      rank();
    };
    const onPath = { trainingPaths: student.trainingPath };
    let size = limit + 16;
    let first: MentorCaseloadDoc[];
    for (;; size *= 4) {
      first = await mentors.find({ ...onPath, fullness: { $lte: 1 } }, { sort: { fullness: 1, _id: 1 }, limit: size });
      consider(first);
      if (ranked.length >= limit || first.length < size) break;
    }
    const last = first[first.length - 1];
    // The stored load is rounded to 4 decimals: a mentor further on is at most 0.00005 less loaded than it says.
    if (first.length === size && this.bestScore(student, last.fullness - 0.00005, 0) >= cut) {
      consider(await mentors.find({ ...onPath, fullness: { $lte: this.highestLoadReaching(student, cut) } }));
    }
    // The others: flagged unavailable (their stream says whether now or later) or left by the student, each read
    // through its own index (the hard rules are checked by `exclusions`).
    const flagged = await mentors.find({ unavailable: true, ...onPath });
    const former = left.length === 0 ? [] : await mentors.find({ _id: { $in: left } });
    const others = new Map([...flagged, ...former].filter((m) => !notCurrent.includes(m._id)).map((m) => [m._id, m] as const));
    for (const mentor of others.values()) {
      const leftAt = left.indexOf(mentor.mentorId);
      const penalty = leftAt === 0 ? this.policy.recentlyLeft : leftAt > 0 ? this.policy.formerMentor : 0;
      if (this.bestScore(student, mentor.fullness - 0.00005, penalty) < cut) continue;
      const availability = mentor.unavailable ? await this.availability(mentor.mentorId, now) : none;
      if (this.exclusions(mentor, student, availability).length === 0) ranked.push(this.suggestion(mentor, student, availability, left, now));
    }
    rank();
    return ranked.slice(0, limit);
  }

  /** The highest stored load (rounded to 4 decimals) at which a plain mentor could still score `score`, at most 1. */
  private highestLoadReaching(student: StudentProfileDoc, score: number): number {
    if (this.bestScore(student, 1 - 0.00005, 0) >= score) return 1;
    let low = 0; // reaches (the first page's last mentor did)
    let high = 1; // does not
    while (high - low > 0.00001) {
      const mid = (low + high) / 2;
      if (this.bestScore(student, mid - 0.00005, 0) >= score) low = mid;
      else high = mid;
    }
    return high;
  }

  /** The highest score a mentor at `load` (or less) could have: available now and with nothing upcoming at best. */
  private bestScore(student: StudentProfileDoc, load: number, penalty: number): number {
    const p = this.policy;
    const free = Math.min(1, Math.max(0, 1 - load));
    return round1(p.trainingPathCovered + round1(p.remainingCapacity * free) + (student.registeredDisability ? p.disabilityFriendly : 0) + Math.max(p.availableNow, p.upcomingUnavailability) + penalty);
  }

  /** Every mentor scored or excluded (`explain=all`): the items are the best `limit`, `excluded` all the others. */
  private async scoreEveryMentor(student: StudentProfileDoc, left: string[], now: Date, limit: number, explainAll: boolean): Promise<MentorSuggestionsView> {
    const studentId = student.studentId;
    const mentors = await this.readStore.collection<MentorCaseloadDoc>(MENTOR_CASELOADS).find({}, { sort: { name: 1, _id: 1 } });
    const items: MentorSuggestion[] = [];
    const excluded: ExcludedMentor[] = [];
    for (const mentor of mentors) {
      const availability = mentor.unavailable ? await this.availability(mentor.mentorId, now) : { now: null, next: null };
      const exclusions = this.exclusions(mentor, student, availability);
      if (exclusions.length > 0) excluded.push({ mentorId: mentor.mentorId, name: mentor.name, reasons: exclusions });
      else items.push(this.suggestion(mentor, student, availability, left, now));
    }
    items.sort((a, b) => b.score - a.score || byNameThenId(a, b));
    excluded.sort(byNameThenId);
    return { studentId, items: items.slice(0, limit), ...(explainAll ? { excluded } : {}) };
  }

  /** The mentors the student left, the last one first (MentorChanged.fromMentorId, R8). */
  private async mentorsLeft(studentId: string): Promise<string[]> {
    const events = await this.eventStore.readStream(studentStream(studentId));
    const left = events.filter((e) => e.type === 'MentorChanged').map((e) => String((e.data as { fromMentorId: unknown }).fromMentorId));
    return [...new Set(left.reverse())];
  }

  private async availability(mentorId: string, now: Date): Promise<Availability> {
    const { state } = await loadMentor(this.streams, this.deciders, mentorId);
    if (state.status !== 'registered') return { now: null, next: null };
    const at = now.toISOString();
    const horizon = now.getTime() + this.policy.upcomingUnavailabilityDays * DAY_MS;
    const next =
      Object.values(state.unavailabilities)
        .filter((u) => Date.parse(u.from) > now.getTime() && Date.parse(u.from) <= horizon && Date.parse(u.from) < Date.parse(until(u)))
        .sort((a, b) => Date.parse(a.from) - Date.parse(b.from))[0] ?? null;
    return { now: unavailabilityAt(state, at), next };
  }

  private exclusions(mentor: MentorCaseloadDoc, student: StudentProfileDoc, availability: Availability): ExcludedMentor['reasons'] {
    const out: ExcludedMentor['reasons'] = [];
    if (mentor.mentorId === student.mentorId) out.push({ code: 'current_mentor', text: 'Already the student’s mentor.' });
    if (!mentor.trainingPaths.includes(student.trainingPath)) {
      out.push({ code: 'training_path_not_covered', text: `Does not mentor the ${student.trainingPath} path (covers ${mentor.trainingPaths.join(', ')}).` });
    }
    if (student.registeredDisability && !mentor.disabilityFriendly) {
      out.push({ code: 'not_disability_friendly', text: 'The student has a registered disability and this mentor is not disability-friendly (R7).' });
    }
    if (mentor.capacity - mentor.caseloadSize <= 0) {
      out.push({ code: 'mentor_full', text: `No place left: ${students(mentor.caseloadSize)} for a capacity of ${mentor.capacity} (R9).` });
    }
    if (availability.now) {
      out.push({ code: 'mentor_unavailable', text: `Unavailable now (declared from ${availability.now.from} to ${until(availability.now)}).` });
    }
    return out;
  }

  private suggestion(mentor: MentorCaseloadDoc, student: StudentProfileDoc, availability: Availability, left: string[], now: Date): MentorSuggestion {
    const p = this.policy;
    const remaining = mentor.capacity - mentor.caseloadSize;
    const reasons: SuggestionReason[] = [
      { code: 'training_path_covered', weight: p.trainingPathCovered, text: `Mentors the ${student.trainingPath} path.` },
      {
        code: 'remaining_capacity',
        weight: round1((p.remainingCapacity * remaining) / mentor.capacity),
        text: `${remaining} of ${mentor.capacity} places free (${students(mentor.caseloadSize)} now).`,
      },
    ];
    if (student.registeredDisability) {
      reasons.push({ code: 'disability_friendly', weight: p.disabilityFriendly, text: 'Disability-friendly, as the student’s registered disability requires (R7).' });
    }
    if (availability.next) {
      const days = Math.ceil((Date.parse(availability.next.from) - now.getTime()) / DAY_MS);
      reasons.push({
        code: 'unavailability_upcoming',
        weight: p.upcomingUnavailability,
        text: `Available now, but unavailable from ${availability.next.from} (in ${days} days) to ${until(availability.next)}.`,
      });
    } else {
      reasons.push({ code: 'available_now', weight: p.availableNow, text: 'Available now: no declared unavailability now or soon.' });
    }
    const leftAt = left.indexOf(mentor.mentorId);
    if (leftAt === 0) reasons.push({ code: 'recently_left', weight: p.recentlyLeft, text: 'The mentor the student just left (last change of mentor, R8).' });
    else if (leftAt > 0) reasons.push({ code: 'former_mentor', weight: p.formerMentor, text: 'A mentor the student had before (R8).' });
    return {
      mentorId: mentor.mentorId,
      name: mentor.name,
      score: round1(reasons.reduce((sum, r) => sum + r.weight, 0)),
      remainingCapacity: remaining,
      capacity: mentor.capacity,
      reasons,
    };
  }
}

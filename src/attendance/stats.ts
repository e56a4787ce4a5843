/**
 * The programme's target (issue 6, points 4 and 5): distinct trained people, counted from the
 * per-person records kept on write, never by scanning attendance. Coordinators limited to
 * some countries see those countries only.
 */
import { sharedCache } from '../cache/shared-cache';
import { TrainedPerson, type TrainedPersonDocument } from './model';
import { getSettings, type ProgrammeSettings } from './settings';

type Scope = string[] | undefined;
type Counted = Pick<TrainedPersonDocument, 'trained' | 'trainedAt' | 'country' | 'city' | 'sector' | 'organisationType' | 'courses' | 'updatedAt'>;

/**
 * Everyone counted, in the fields the figures need, read in one query and kept in memory until
 * a count changes (model.ts invalidates `trained-people` on every write): the dashboard and the
 * target API then cost no database round trip, instead of seven queries that each scanned the
 * collection on FerretDB.
 */
const counted = sharedCache('trained-people', () =>
  TrainedPerson.find().select({ trained: 1, trainedAt: 1, country: 1, city: 1, sector: 1, organisationType: 1, courses: 1, updatedAt: 1, _id: 0 }).lean<Counted[]>(),
);

async function inScope(countries: Scope): Promise<Counted[]> {
  const people = await counted.get();
  return countries === undefined ? people : people.filter((person) => person.country !== undefined && countries.includes(person.country));
}

function countBy(people: Counted[], key: (person: Counted) => Array<string | undefined>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const person of people) {
    // People whose account does not say (no sector, no organisation) are counted too, under `unknown`.
    for (const value of key(person)) counts[value || 'unknown'] = (counts[value || 'unknown'] ?? 0) + 1;
  }
  return counts;
}

/** The target and the breakdowns; `settings` when the caller has read them already (one read, one rule). */
export async function targetStats(countries: Scope, known?: ProgrammeSettings) {
  const [settings, everyone] = await Promise.all([known ?? getSettings(), inScope(countries)]);
  const trained = everyone.filter((person) => person.trained);
  const latest = everyone.reduce((newest, person) => Math.max(newest, person.updatedAt.getTime()), 0);
  return {
    target: settings.target,
    trained: trained.length,
    byCountry: countBy(trained, (person) => [person.country]),
    byCity: countBy(trained, (person) => [person.city]),
    byCourse: countBy(trained, (person) => person.courses),
    bySector: countBy(trained, (person) => [person.sector]),
    byOrganisationType: countBy(trained, (person) => [person.organisationType]),
    updatedAt: new Date(latest).toISOString(),
  };
}

/** Trained people per month (by the end of the session that trained them), cumulative, for the chart. */
export async function trainedPerMonth(countries: Scope): Promise<Array<{ month: string; count: number; cumulative: number }>> {
  const people = (await inScope(countries)).filter((person) => person.trained);
  const byMonth = new Map<string, number>();
  for (const person of people) {
    if (!person.trainedAt) continue;
    const month = person.trainedAt.toISOString().slice(0, 7);
    byMonth.set(month, (byMonth.get(month) ?? 0) + 1);
  }
  let cumulative = 0;
  return [...byMonth.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, count]) => {
      cumulative += count;
      return { month, count, cumulative };
    });
}

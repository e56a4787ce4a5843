/**
 * The programme's target (issue 6, points 4 and 5): distinct trained people, counted from the
 * per-person records kept on write, never by scanning attendance. Coordinators limited to
 * some countries see those countries only.
 */
import mongoose from 'mongoose';
import { TrainedPerson } from './model';
import { getSettings, type ProgrammeSettings } from './settings';

type Scope = string[] | undefined;

const scoped = (countries: Scope) => (countries === undefined ? {} : { country: mongoose.trusted({ $in: countries }) });

async function countBy(field: 'country' | 'city' | 'sector' | 'organisationType', countries: Scope): Promise<Record<string, number>> {
  const rows = await TrainedPerson.aggregate<{ _id: string | null; n: number }>([{ $match: { trained: true, ...scoped(countries) } }, { $group: { _id: `$${field}`, n: { $sum: 1 } } }]);
  // People whose account does not say (no sector, no organisation) are counted too, under `unknown`.
  return Object.fromEntries(rows.map((row) => [row._id || 'unknown', row.n]));
}

async function countByCourse(countries: Scope): Promise<Record<string, number>> {
  const rows = await TrainedPerson.aggregate<{ _id: string; n: number }>([{ $match: { trained: true, ...scoped(countries) } }, { $unwind: '$courses' }, { $group: { _id: '$courses', n: { $sum: 1 } } }]);
  return Object.fromEntries(rows.map((row) => [row._id, row.n]));
}

/** The target and the breakdowns; `settings` when the caller has read them already (one read, one rule). */
export async function targetStats(countries: Scope, known?: ProgrammeSettings) {
  const [settings, trained, byCountry, byCity, byCourse, bySector, byOrganisationType, latest] = await Promise.all([
    known ?? getSettings(),
    TrainedPerson.countDocuments({ trained: true, ...scoped(countries) }),
    countBy('country', countries),
    countBy('city', countries),
    countByCourse(countries),
    countBy('sector', countries),
    countBy('organisationType', countries),
    TrainedPerson.findOne(scoped(countries)).sort({ updatedAt: -1 }).select({ updatedAt: 1 }).lean(),
  ]);
  return { target: settings.target, trained, byCountry, byCity, byCourse, bySector, byOrganisationType, updatedAt: (latest?.updatedAt ?? new Date(0)).toISOString() };
}

/** Trained people per month (by the end of the session that trained them), cumulative, for the chart. */
export async function trainedPerMonth(countries: Scope): Promise<Array<{ month: string; count: number; cumulative: number }>> {
  const people = await TrainedPerson.find({ trained: true, ...scoped(countries) }).select({ trainedAt: 1 }).lean();
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

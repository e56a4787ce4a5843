import { isDeepStrictEqual } from 'node:util';
import mongoose, { type Model } from 'mongoose';
import { cities } from '../../seeds/reference/cities';
import { countries } from '../../seeds/reference/countries';
import { organisations } from '../../seeds/reference/organisations';
import { City, Country, Organisation } from './model';

export interface SeedCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export type ReferenceSeedReport = Record<'countries' | 'cities' | 'organisations', SeedCounts>;

/** Drops undefined members so a seed record and its stored copy compare equal. */
function normalise(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/**
 * (`mongoose.trusted` marks an operator the server wrote itself: sanitizeFilter is on.)
 * Writes each record only when it is new or differs from the stored one, so running the seed
 * again changes nothing and says so. Records added by administrators are left alone.
 */
async function upsertAll<Doc extends { _id: string }>(model: Model<Doc>, records: Doc[]): Promise<SeedCounts> {
  const counts: SeedCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const existing = new Map(
    (await model.find({ _id: mongoose.trusted({ $in: records.map((record) => record._id) }) }).lean()).map((doc) => [
      String(doc._id),
      normalise(doc),
    ]),
  );
  for (const record of records) {
    const stored = existing.get(record._id);
    const wanted = normalise(record);
    if (stored && isDeepStrictEqual(stored, wanted)) {
      counts.unchanged += 1;
      continue;
    }
    await model.replaceOne({ _id: record._id }, wanted as Doc, { upsert: true });
    counts[stored ? 'updated' : 'inserted'] += 1;
  }
  return counts;
}

export async function seedReferenceData(): Promise<ReferenceSeedReport> {
  return {
    countries: await upsertAll(
      Country,
      countries.map(({ code, euCode, languages }) => ({ _id: code, euCode, languages })),
    ),
    cities: await upsertAll(
      City,
      cities.map(({ id, ...city }) => ({ _id: id, ...city })),
    ),
    organisations: await upsertAll(
      Organisation,
      organisations.map(({ id, ...organisation }) => ({ _id: id, ...organisation })),
    ),
  };
}

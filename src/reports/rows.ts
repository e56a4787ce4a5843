/**
 * The report's rows, a batch at a time (issue 13, point 3: exports that start at once).
 *
 * On FerretDB every query not on `_id` equality is a scan of the whole collection: `_id: {$in}`
 * included. Joining each batch of attendance with `$in` on people, trained flags, sessions…
 * therefore cost a scan of those collections per batch (most of an export's time in
 * bench/reports.ts). So people and their trained flags are read once, whole, while the database sorts
 * the attendance (both at once), when it has at most `limit` documents; a larger one falls
 * back to `$in` for what a batch misses, in a cache of at most `limit` entries. Memory stays
 * bounded by the limits, not by the rows. Sessions, places, organisations and modules come from
 * memory (src/cache).
 *
 * The attendance itself is read with the driver's cursor, a whole batch at a time, and the next
 * batch is asked for before the current one is handed over, so the database encodes it while
 * the file is written (the driver alone would only ask once the batch is used up).
 */
import mongoose from 'mongoose';
import { User, type UserDocument } from '../accounts/model';
import { Attendance, TrainedPerson } from '../attendance/model';
import { courseTitles } from '../courses/published';
import type { Language } from '../i18n/languages';
import { cityNames, organisationNames } from '../reference/service';
import { allSessions } from '../sessions/in-memory';
import type { TrainingSessionDocument } from '../sessions/model';
import { REPORT_BATCH_SIZE, REPORT_FIELDS, REPORT_ORDER, type ReportAttendance, type ReportRow } from './query';

/** People (and their trained flags) read whole when there are at most this many: a few MB. */
const PEOPLE_LIMIT = 20_000;

/** Reads by id (`ids`), or the first `limit` of the whole collection (`ids` undefined). */
type Finder<Doc> = (ids: string[] | undefined, limit?: number) => Promise<Doc[]>;

/** One joined collection: documents by id, read whole once when small enough (see above). */
export class Lookup<Doc extends { _id: unknown }> {
  private readonly docs = new Map<string, Doc | null>();
  private complete = false;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly find: Finder<Doc>,
    private readonly limit: number,
  ) {}

  /** Starts reading the whole collection; `load` waits for it. */
  start(): void {
    if (this.ready) return;
    this.ready = this.preload();
    // Surfaced by `load`; an export that fails before its first batch never calls it.
    this.ready.catch(() => undefined);
  }

  private async preload(): Promise<void> {
    const all = await this.find(undefined, this.limit + 1);
    this.complete = all.length <= this.limit;
    for (const doc of all.slice(0, this.limit)) this.docs.set(String(doc._id), doc);
  }

  /** Makes `get` answer for every id of `ids` (one `$in` for those missing, if any). */
  async load(ids: Iterable<string>): Promise<void> {
    this.start();
    await this.ready;
    if (this.complete) return;
    const wanted = [...new Set(ids)];
    let missing = wanted.filter((id) => !this.docs.has(id));
    if (missing.length === 0) return;
    // Forgotten all at once, before a batch is loaded (never during): the batch finds all of its own.
    if (this.docs.size + missing.length > this.limit) {
      this.docs.clear();
      missing = wanted;
    }
    for (const id of missing) this.docs.set(id, null);
    for (const doc of await this.find(missing)) this.docs.set(String(doc._id), doc);
  }

  get(id: string): Doc | undefined {
    return this.docs.get(id) ?? undefined;
  }
}

/** `{ _id: { $in: ids } }`, or everything. */
const byIds = (ids: string[] | undefined) => (ids ? { _id: mongoose.trusted({ $in: ids }) } : {});

/**
 * The attendance of `query` in report order, `batchSize` records at a time, with the next batch
 * already asked for while the caller works on the current one.
 */
export async function* attendanceBatches(query: Record<string, unknown>, batchSize = REPORT_BATCH_SIZE): AsyncGenerator<ReportAttendance[]> {
  const filter = Attendance.find(query).cast(Attendance) as mongoose.mongo.Filter<ReportAttendance>;
  const collection = Attendance.collection as unknown as mongoose.mongo.Collection<ReportAttendance>;
  const cursor = collection.find(filter, { projection: REPORT_FIELDS, sort: REPORT_ORDER, batchSize });
  let more = cursor.hasNext();
  try {
    while (await more) {
      const batch = cursor.readBufferedDocuments();
      more = cursor.hasNext();
      yield batch;
    }
  } finally {
    // A getMore may still be under way when the caller stops early (the client went away).
    await more.catch(() => false);
    await cursor.close().catch(() => undefined);
  }
}

type ReportUser = Pick<UserDocument, '_id' | 'name' | 'email' | 'organisationId' | 'organisationName' | 'sector'>;
/** What a row takes from its session, worked out once per session rather than once per row. */
interface SessionView {
  _id: mongoose.Types.ObjectId;
  title: string;
  modules: string[];
  city: string;
  country: string;
  days: TrainingSessionDocument['days'];
}

/**
 * The report's rows, in order, a batch at a time; each batch waits for the joined collections
 * (read once, see above) and costs no query of its own unless one of them is too big to read whole.
 */
export async function* reportBatches(query: Record<string, unknown>, lang: Language, batchSize = REPORT_BATCH_SIZE): AsyncGenerator<ReportRow[]> {
  const regionNames = new Intl.DisplayNames([lang], { type: 'region' });
  const users = new Lookup<ReportUser>(
    (ids, limit) => User.find(byIds(ids)).select({ name: 1, email: 1, organisationId: 1, organisationName: 1, sector: 1 }).limit(limit ?? 0).lean<ReportUser[]>().exec(),
    PEOPLE_LIMIT,
  );
  const trained = new Lookup<{ _id: mongoose.Types.ObjectId; trained: boolean }>((ids, limit) => TrainedPerson.find(byIds(ids)).select({ trained: 1 }).limit(limit ?? 0).lean().exec(), PEOPLE_LIMIT);
  // Sessions, places, organisations and modules are kept in memory (src/cache): no query here.
  const named = Promise.all([allSessions(), courseTitles(lang), cityNames(lang), organisationNames(lang)]).then(([all, titles, cities, organisations]) => ({
    sessions: new Map<string, SessionView>(
      all.map((session) => [
        String(session._id),
        {
          _id: session._id,
          title: session.title,
          modules: session.courses.map((course) => `${titles.get(course.slug) ?? course.slug} (${course.version})`),
          city: session.city,
          country: regionNames.of(session.country) ?? session.country,
          days: session.days,
        },
      ]),
    ),
    cities,
    organisations,
  }));
  named.catch(() => undefined);
  const lookups = [users, trained];

  async function enrich(batch: ReportAttendance[]): Promise<ReportRow[]> {
    const userIds = batch.map((record) => String(record.user));
    const [{ sessions, cities, organisations }] = await Promise.all([named, users.load(userIds), trained.load(userIds)]);

    return batch.map((record, index) => {
      const userId = userIds[index]!;
      const user = users.get(userId);
      const session = sessions.get(String(record.session));
      const day = session?.days[record.day];
      return {
        sessionId: String(record.session),
        sessionTitle: session?.title ?? '',
        modules: session?.modules ?? [],
        city: session ? (cities.get(session.city) ?? session.city) : '',
        country: session?.country ?? '',
        date: record.date,
        start: day?.start ?? '',
        end: day?.end ?? '',
        userId,
        name: user?.name ?? '',
        email: user?.email ?? '',
        organisation: (user?.organisationId ? organisations.get(user.organisationId) : undefined) ?? user?.organisationName ?? '',
        sector: user?.sector ?? '',
        status: record.status,
        trained: trained.get(userId)?.trained ?? false,
      };
    });
  }

  // The joined collections are read while the database sorts the attendance: both at once.
  for (const lookup of lookups) lookup.start();
  for await (const batch of attendanceBatches(query, batchSize)) yield await enrich(batch);
}

/** The same rows one by one (the benchmark's "enriched rows"). */
export async function* reportRows(query: Record<string, unknown>, lang: Language, batchSize = REPORT_BATCH_SIZE): AsyncGenerator<ReportRow> {
  for await (const batch of reportBatches(query, lang, batchSize)) yield* batch;
}

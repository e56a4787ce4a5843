/**
 * Who counts as trained (issue 6, point 4): present (or late) on every day of at least one
 * session, by the rule in settings.ts. Kept per person on every attendance change, so the
 * target is a count of documents, never a scan of attendance; a correction that un-trains
 * someone takes them out again.
 */
import mongoose from 'mongoose';
import { User } from '../accounts/model';
import { Organisation } from '../reference/model';
import { TrainingSession, type TrainingSessionDocument } from '../sessions/model';
import { Attendance, type AttendanceDocument, TrainedPerson, type TrainedPersonDocument } from './model';
import { getSettings, type ProgrammeSettings } from './settings';

/** The sessions whose days `records` attend well enough under `settings`, by the end of their last day. */
export function qualifyingSessions<Session extends Pick<TrainingSessionDocument, '_id' | 'days' | 'status' | 'lastEndsAt' | 'courses' | 'country' | 'city'>>(
  records: Array<Pick<AttendanceDocument, 'session' | 'day' | 'status'>>,
  sessions: Session[],
  settings: ProgrammeSettings,
) {
  return sessions
    .filter((session) => session.status !== 'cancelled')
    .filter((session) => {
      const attended = new Set(records.filter((record) => record.session.equals(session._id) && settings.countingStatuses.includes(record.status)).map((record) => record.day));
      return session.days.length > 0 && attended.size / session.days.length >= settings.requiredShare - 1e-9;
    })
    .sort((a, b) => a.lastEndsAt.getTime() - b.lastEndsAt.getTime());
}

/** What a person's account gives the breakdowns, when no session that trained them says otherwise. */
export interface TrainedAccount {
  country?: string | undefined;
  city?: string | undefined;
  sector?: string | undefined;
  organisationId?: string | undefined;
  organisationName?: string | undefined;
}

/**
 * One person's trained_people document from their attendance, their sessions and their account:
 * the single definition, used by the recount below and by the demo data (src/demo/generate.ts).
 */
export function trainedRecord(
  userId: mongoose.Types.ObjectId,
  records: Array<Pick<AttendanceDocument, 'session' | 'day' | 'status'>>,
  sessions: Array<Pick<TrainingSessionDocument, '_id' | 'days' | 'status' | 'lastEndsAt' | 'courses' | 'country' | 'city'>>,
  account: TrainedAccount | undefined,
  organisationType: string | undefined,
  rule: ProgrammeSettings,
  now: Date,
): TrainedPersonDocument {
  const qualifying = qualifyingSessions(records, sessions, rule);
  const first = qualifying[0];
  // Where the programme reached them: the first session that trained them, else their account.
  const country = first?.country ?? account?.country;
  const city = first?.city ?? account?.city;
  // A name typed freely is not a partner organisation: its type is unknown ('other').
  const type = organisationType ?? (account?.organisationName ? 'other' : undefined);
  return {
    _id: userId,
    trained: qualifying.length > 0,
    ...(first ? { trainedAt: first.lastEndsAt } : {}),
    sessions: qualifying.map((session) => session._id),
    ...(country ? { country } : {}),
    ...(city ? { city } : {}),
    ...(account?.sector ? { sector: account.sector } : {}),
    ...(type ? { organisationType: type } : {}),
    courses: [...new Set(qualifying.flatMap((session) => session.courses.map((course) => course.slug)))],
    updatedAt: now,
  };
}

/** The fields that matter, to write only documents that change. */
const comparable = (record: Partial<TrainedPersonDocument> | undefined) =>
  record
    ? JSON.stringify([record.trained, record.trainedAt?.getTime(), (record.sessions ?? []).map(String), record.country, record.city, record.sector, record.organisationType, record.courses ?? []])
    : '';

/** A fingerprint of each person's attendance: when it moves during a recount, that person is counted again. */
const fingerprints = (records: Array<Pick<AttendanceDocument, '_id' | 'user' | 'status' | 'recordedAt'>>) => {
  const byUser = new Map<string, string[]>();
  for (const record of [...records].sort((a, b) => a._id.localeCompare(b._id))) {
    const key = String(record.user);
    byUser.set(key, [...(byUser.get(key) ?? []), `${record._id}:${record.status}:${record.recordedAt.getTime()}`]);
  }
  return byUser;
};

/** People per round trip: enough to make a recount of everyone a handful of queries, small enough for `$in`. */
const BATCH = 500;

/**
 * Recounts these people from their attendance, a batch at a time: one read of their
 * attendance, sessions, accounts, organisations and current documents, then a write only for
 * those whose document changes. A person whose attendance moved meanwhile (a roll call saved
 * during the count) is counted again from the newer state. Returns who is trained now.
 */
export async function recountPeople(userIds: Array<mongoose.Types.ObjectId | string>, settings?: ProgrammeSettings): Promise<Map<string, boolean>> {
  const rule = settings ?? (await getSettings());
  const result = new Map<string, boolean>();
  const unique = [...new Set(userIds.map(String))];
  for (let start = 0; start < unique.length; start += BATCH) {
    let pending = unique.slice(start, start + BATCH);
    for (let round = 0; round < 3 && pending.length > 0; round += 1) {
      const ids = pending.map((id) => new mongoose.Types.ObjectId(id));
      const records = await Attendance.find({ user: mongoose.trusted({ $in: ids }) }).lean();
      const before = fingerprints(records);
      const sessionIds = [...new Set(records.map((record) => String(record.session)))];
      const [sessions, accounts, current] = await Promise.all([
        TrainingSession.find({ _id: mongoose.trusted({ $in: sessionIds }) }).lean(),
        User.find({ _id: mongoose.trusted({ $in: ids }) }).select({ country: 1, city: 1, sector: 1, organisationId: 1, organisationName: 1 }).lean(),
        TrainedPerson.find({ _id: mongoose.trusted({ $in: ids }) }).lean(),
      ]);
      const organisationIds = [...new Set(accounts.flatMap((account) => (account.organisationId ? [String(account.organisationId)] : [])))];
      const organisations = organisationIds.length ? await Organisation.find({ _id: mongoose.trusted({ $in: organisationIds }) }).select({ type: 1 }).lean() : [];
      const typeOf = new Map(organisations.map((organisation) => [String(organisation._id), organisation.type as string]));
      const accountOf = new Map(accounts.map((account) => [String(account._id), account]));
      const currentOf = new Map(current.map((document) => [String(document._id), document]));
      const sessionOf = new Map(sessions.map((session) => [String(session._id), session]));
      const now = new Date();

      const gone: mongoose.Types.ObjectId[] = [];
      const writes: Array<Parameters<typeof TrainedPerson.bulkWrite>[0][number]> = [];
      for (const id of ids) {
        const own = records.filter((record) => record.user.equals(id));
        if (own.length === 0) {
          if (currentOf.has(String(id))) gone.push(id);
          result.set(String(id), false);
          continue;
        }
        const account = accountOf.get(String(id));
        const sessionsOfPerson = [...new Set(own.map((record) => String(record.session)))].flatMap((sessionId) => sessionOf.get(sessionId) ?? []);
        const organisationType = account?.organisationId ? typeOf.get(String(account.organisationId)) : undefined;
        const { _id, ...fields } = trainedRecord(id, own, sessionsOfPerson, { ...account, organisationId: account?.organisationId ? String(account.organisationId) : undefined }, organisationType, rule, now);
        result.set(String(id), fields.trained);
        if (comparable(fields) === comparable(currentOf.get(String(id)))) continue;
        const absent = (['trainedAt', 'country', 'city', 'sector', 'organisationType'] as const).filter((field) => fields[field] === undefined);
        writes.push({ updateOne: { filter: { _id }, update: { $set: fields, ...(absent.length ? { $unset: Object.fromEntries(absent.map((field) => [field, 1])) } : {}) }, upsert: true } });
      }
      if (gone.length) await TrainedPerson.deleteMany({ _id: mongoose.trusted({ $in: gone }) });
      if (writes.length) await TrainedPerson.bulkWrite(writes, { ordered: false });

      // Another change landed while counting: count those people again from the newer state.
      const after = fingerprints(await Attendance.find({ user: mongoose.trusted({ $in: ids }) }).select({ user: 1, status: 1, recordedAt: 1 }).lean());
      pending = pending.filter((id) => (before.get(id) ?? []).join('|') !== (after.get(id) ?? []).join('|'));
    }
  }
  return result;
}

/** Recounts one person from their attendance; returns whether they are trained now. */
export async function recountPerson(userId: mongoose.Types.ObjectId | string, settings?: ProgrammeSettings): Promise<boolean> {
  return (await recountPeople([userId], settings)).get(String(userId)) ?? false;
}

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
import { Attendance, type AttendanceDocument, TrainedPerson } from './model';
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

/** A fingerprint of a person's attendance: when it moves during a recount, the recount runs again. */
async function fingerprint(user: mongoose.Types.ObjectId): Promise<string> {
  const records = await Attendance.find({ user }).select({ status: 1, recordedAt: 1 }).sort({ _id: 1 }).lean();
  return records.map((record) => `${record._id}:${record.status}:${record.recordedAt.getTime()}`).join('|');
}

/** Recounts one person from their attendance; returns whether they are trained now. */
export async function recountPerson(userId: mongoose.Types.ObjectId | string, settings?: ProgrammeSettings): Promise<boolean> {
  const user = new mongoose.Types.ObjectId(String(userId));
  const rule = settings ?? (await getSettings());
  for (let round = 0; round < 3; round += 1) {
    const before = await fingerprint(user);
    const records = await Attendance.find({ user }).lean();
    if (records.length === 0) {
      await TrainedPerson.deleteOne({ _id: user });
      return false;
    }
    const sessionIds = [...new Set(records.map((record) => String(record.session)))];
    const sessions = await TrainingSession.find({ _id: mongoose.trusted({ $in: sessionIds }) }).lean();
    const qualifying = qualifyingSessions(records, sessions, rule);
    const account = await User.findById(user).select({ country: 1, city: 1, sector: 1, organisationId: 1, organisationName: 1 }).lean();
    const organisation = account?.organisationId ? await Organisation.findById(account.organisationId).select({ type: 1 }).lean() : null;
    const first = qualifying[0];
    await TrainedPerson.updateOne(
      { _id: user },
      {
        $set: {
          trained: qualifying.length > 0,
          sessions: qualifying.map((session) => session._id),
          courses: [...new Set(qualifying.flatMap((session) => session.courses.map((course) => course.slug)))],
          // Where the programme reached them: the first session that trained them, else their account.
          country: first?.country ?? account?.country,
          city: first?.city ?? account?.city,
          sector: account?.sector,
          // A name typed freely is not a partner organisation: its type is unknown ('other').
          organisationType: organisation?.type ?? (account?.organisationName ? 'other' : undefined),
          updatedAt: new Date(),
          ...(first ? { trainedAt: first.lastEndsAt } : {}),
        },
        ...(first ? {} : { $unset: { trainedAt: 1 } }),
      },
      { upsert: true },
    );
    // Another change landed while counting: count again from the newer state.
    if ((await fingerprint(user)) === before) return qualifying.length > 0;
  }
  return (await TrainedPerson.findById(user).lean())?.trained ?? false;
}

/** After the rule changed: everyone who attended anything, counted again. */
export async function recountEveryone(): Promise<number> {
  const settings = await getSettings();
  const users = await Attendance.distinct('user');
  for (const user of users) await recountPerson(user, settings);
  await TrainedPerson.deleteMany({ _id: mongoose.trusted({ $nin: users }) });
  return users.length;
}

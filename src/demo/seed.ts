/**
 * Writes a demo run (src/demo/generate.ts) to the database: removes what an earlier run with
 * the same id left, then inserts everything in batches (insertMany, validated by the models)
 * and counts who is trained in bulk, by the same rule as recountPerson.
 *
 * A run is found by its accounts (email under `@demo-<run>.example`) and its sessions by their
 * creator (`createdBy`, one of the run's trainers).
 */
import mongoose, { type Model } from 'mongoose';
import { User } from '../accounts/model';
import { Attendance, AttendanceChange, TrainedPerson } from '../attendance/model';
import { getSettings } from '../attendance/settings';
import { importModules } from '../courses/import';
import { Course } from '../courses/model';
import { latestPublished } from '../courses/published';
import { recountSession } from '../enrolment/claims';
import { Enrolment, enrolmentIndexesReady, SeatClaim, WaitClaim } from '../enrolment/model';
import { Organisation } from '../reference/model';
import { seedReferenceData } from '../reference/seed';
import { TrainingSession } from '../sessions/model';
import { type DemoCourse, type DemoData, demoDomain, generateDemo, RUN_ID, trainedPeople } from './generate';

export interface DemoArgs {
  stakeholders: number;
  sessions: number;
  run: string;
  seed?: string;
}

export const DEFAULT_ARGS: DemoArgs = { stakeholders: 2000, sessions: 120, run: 'demo' };

/** `--stakeholders 2000 --sessions 120 --run demo --seed x` (also `--name=value`). */
export function parseDemoArgs(argv: string[]): DemoArgs {
  const args: DemoArgs = { ...DEFAULT_ARGS };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (name === 'stakeholders' || name === 'sessions') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error(`--${name} must be a whole number from 1 to 100000 (got ${value})`);
      args[name] = n;
    } else if (name === 'run') {
      if (!RUN_ID.test(value)) throw new Error(`--run must be lower-case letters, digits and dashes, at most 40 (got "${value}")`);
      args.run = value;
    } else if (name === 'seed') args.seed = value;
    else throw new Error(`unknown option --${name} (known: --stakeholders, --sessions, --run, --seed)`);
  }
  return args;
}

export type DemoCounts = Record<'users' | 'trainers' | 'sessions' | 'pastSessions' | 'enrolments' | 'seatClaims' | 'waitClaims' | 'attendance' | 'attendanceChanges' | 'attended' | 'trained', number>;

export interface DemoReport {
  run: string;
  removed: Record<string, number>;
  counts: DemoCounts;
  statuses: Record<string, number>;
  milliseconds: number;
  steps: Array<[string, number]>;
}

/** The published modules, each with its latest version; imports the module files when there are none. */
async function publishedCourses(): Promise<DemoCourse[]> {
  const load = async () => {
    const courses = await Course.find().sort({ order: 1, _id: 1 }).lean();
    const found: DemoCourse[] = [];
    for (const course of courses) {
      const latest = await latestPublished(course._id);
      if (latest) found.push({ slug: course._id, version: latest.version, title: course.title.en ?? course._id });
    }
    return found;
  };
  const courses = await load();
  if (courses.length > 0) return courses;
  await importModules();
  return load();
}

const inIds = (ids: Array<mongoose.Types.ObjectId>) => mongoose.trusted({ $in: ids });

/** Removes everything a run with this id created; what it removed, per collection. */
export async function removeDemoRun(run: string): Promise<Record<string, number>> {
  if (!RUN_ID.test(run)) throw new Error(`invalid run id "${run}"`);
  const domain = demoDomain(run).replace(/[.-]/g, (c) => `\\${c}`);
  const users = (await User.find({ email: mongoose.trusted({ $regex: `@${domain}$` }) }).select({ _id: 1 }).lean()).map((user) => user._id);
  if (users.length === 0) return {};
  const sessions = (await TrainingSession.find({ createdBy: inIds(users) }).select({ _id: 1 }).lean()).map((session) => session._id);
  // Seats the run's people took in other sessions (through the app): those sessions are recounted.
  const elsewhere = new Map<string, mongoose.Types.ObjectId>();
  for (const claim of [...(await SeatClaim.find({ user: inIds(users) }).select({ session: 1 }).lean()), ...(await WaitClaim.find({ user: inIds(users) }).select({ session: 1 }).lean())]) {
    elsewhere.set(String(claim.session), claim.session);
  }
  for (const id of sessions) elsewhere.delete(String(id));

  const removed: Record<string, number> = {};
  const drop = async (name: string, model: Model<never>, filter: object) => {
    removed[name] = (removed[name] ?? 0) + (await model.deleteMany(filter)).deletedCount;
  };
  const bySession = { session: inIds(sessions) };
  const byUser = { user: inIds(users) };
  for (const [name, model] of [
    ['attendanceChanges', AttendanceChange],
    ['attendance', Attendance],
    ['enrolments', Enrolment],
    ['seatClaims', SeatClaim],
    ['waitClaims', WaitClaim],
  ] as unknown as Array<[string, Model<never>]>) {
    await drop(name, model, bySession);
    await drop(name, model, byUser);
  }
  await drop('trainedPeople', TrainedPerson as unknown as Model<never>, { _id: inIds(users) });
  await drop('sessions', TrainingSession as unknown as Model<never>, { _id: inIds(sessions) });
  await drop('users', User as unknown as Model<never>, { _id: inIds(users) });
  for (const session of elsewhere.values()) await recountSession(session);
  return removed;
}

const BATCH = 1000;

async function insertAll(model: Model<never>, docs: object[]): Promise<void> {
  for (let i = 0; i < docs.length; i += BATCH) {
    // Validated and cast by the model; the generated createdAt/updatedAt are kept.
    await model.insertMany(docs.slice(i, i + BATCH) as never[], { ordered: true, timestamps: false });
  }
}

/** Removes the run's earlier data, generates it afresh and writes it. */
export async function seedDemo(args: DemoArgs, now: Date = new Date()): Promise<DemoReport> {
  const started = performance.now();
  const steps: Array<[string, number]> = [];
  let mark = started;
  const step = (name: string) => {
    const at = performance.now();
    steps.push([name, Math.round(at - mark)]);
    mark = at;
  };

  await seedReferenceData();
  const courses = await publishedCourses();
  if (courses.length === 0) throw new Error('no published module: check the modules/ folder (npm run modules:import)');
  await Promise.all([enrolmentIndexesReady(), User.createIndexes(), Attendance.createIndexes(), TrainedPerson.createIndexes()]);
  step('reference data, modules, indexes');

  const removed = await removeDemoRun(args.run);
  step('removing the earlier run');

  const data: DemoData = generateDemo({ run: args.run, seed: args.seed, stakeholders: args.stakeholders, sessions: args.sessions, now, courses });
  const settings = await getSettings();
  const organisationTypes = new Map((await Organisation.find().select({ type: 1 }).lean()).map((organisation) => [String(organisation._id), organisation.type as string]));
  const trained = trainedPeople(data, settings, organisationTypes, now);
  step('generating');

  // Accounts and sessions first: a failure after them leaves a run removeDemoRun still finds.
  await insertAll(User as unknown as Model<never>, data.users);
  await insertAll(TrainingSession as unknown as Model<never>, data.sessions);
  step('inserting people and sessions');
  await Promise.all([
    insertAll(SeatClaim as unknown as Model<never>, data.seatClaims),
    insertAll(WaitClaim as unknown as Model<never>, data.waitClaims),
    insertAll(Enrolment as unknown as Model<never>, data.enrolments),
  ]);
  step('inserting enrolments and claims');
  await Promise.all([insertAll(Attendance as unknown as Model<never>, data.attendance), insertAll(AttendanceChange as unknown as Model<never>, data.attendanceChanges)]);
  step('inserting attendance');
  await insertAll(TrainedPerson as unknown as Model<never>, trained);
  step('counting the trained');

  const statuses: Record<string, number> = { present: 0, late: 0, excused: 0, absent: 0 };
  for (const record of data.attendance) statuses[record.status] = (statuses[record.status] ?? 0) + 1;
  const trainers = data.users.filter((user) => user.roles.includes('trainer')).length;
  return {
    run: args.run,
    removed,
    counts: {
      users: data.users.length - trainers,
      trainers,
      sessions: data.sessions.length,
      pastSessions: data.sessions.filter((session) => session.lastEndsAt < now).length,
      enrolments: data.enrolments.length,
      seatClaims: data.seatClaims.length,
      waitClaims: data.waitClaims.length,
      attendance: data.attendance.length,
      attendanceChanges: data.attendanceChanges.length,
      attended: trained.length,
      trained: trained.filter((person) => person.trained).length,
    },
    statuses,
    milliseconds: Math.round(performance.now() - started),
    steps,
  };
}

/**
 * Reading the target and recording attendance with a programme's worth of data (issue 6,
 * points 4 and 7): the demo data (src/demo) is seeded into a throwaway database, then
 *
 *   - how long seeding took (the issue asks for under a minute at 2,000 people / 120 sessions);
 *   - the dashboard's reads — the target with its breakdowns, for everyone and for one country,
 *     and the trained-per-month series — which read the per-person records kept on write and
 *     never the attendance itself, so they should not grow with the attendance rows;
 *   - a roll call of one session day (everyone's status changed, trail and recount included);
 *   - recounting everyone after the rule changes (the admin settings page does this).
 *
 *   npx tsx bench/target.ts [--stakeholders 2000] [--sessions 120] [--reads 30]
 *   (or: npm run bench:target -- --stakeholders 2000)
 *
 * The database is MONGODB_URI when set, else an embedded FerretDB (bench/database.ts). Prints
 * numbers; asserts nothing. Not part of the jest suite.
 */
import { numberOption as option, openBenchDatabase, runBench } from './database';
import mongoose from 'mongoose';
import { User } from '../src/accounts/model';
import { toSessionUser } from '../src/accounts/session-user';
import { Attendance, TrainedPerson } from '../src/attendance/model';
import { recordAttendance } from '../src/attendance/roll-call';
import { targetStats, trainedPerMonth } from '../src/attendance/stats';
import { recountEveryone } from '../src/attendance/recount-job';
import { seedDemo } from '../src/demo/seed';
import { Enrolment } from '../src/enrolment/model';
import { TrainingSession } from '../src/sessions/model';

const STAKEHOLDERS = option('stakeholders', 2000);
const SESSIONS = option('sessions', 120);
const READS = option('reads', 30);

const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Runs `work` `times` times one after the other; the median and the slowest, in ms. */
async function timed(times: number, work: () => Promise<unknown>): Promise<{ median: number; max: number }> {
  const durations: number[] = [];
  for (let index = 0; index < times; index += 1) {
    const start = performance.now();
    await work();
    durations.push(performance.now() - start);
  }
  durations.sort((a, b) => a - b);
  return { median: durations[Math.floor(durations.length / 2)]!, max: durations[durations.length - 1]! };
}

async function main() {
  const bench = await openBenchDatabase('target');
  try {
    const seedStart = performance.now();
    const report = await seedDemo({ stakeholders: STAKEHOLDERS, sessions: SESSIONS, run: 'bench' });
    const seeded = performance.now() - seedStart;
    const [attendance, trained] = await Promise.all([Attendance.countDocuments(), TrainedPerson.countDocuments({ trained: true })]);
    console.log(`seed:demo ${STAKEHOLDERS} people, ${SESSIONS} sessions: ${ms(seeded)} (${report.counts.enrolments} enrolments, ${attendance} attendance rows, ${trained} trained)`);

    const country = (await TrainedPerson.findOne({ trained: true }).lean())?.country;
    for (const [label, work] of [
      ['target + breakdowns, all countries', () => targetStats(undefined)],
      [`target + breakdowns, ${country ?? '—'} only`, () => targetStats(country ? [country] : [])],
      ['trained per month, all countries', () => trainedPerMonth(undefined)],
    ] as const) {
      const { median, max } = await timed(READS, work);
      console.log(`${label}: median ${ms(median)}, slowest ${ms(max)} over ${READS} reads`);
    }

    // One day of a held session, everyone's status changed: the write path of a roll call.
    const held = await TrainingSession.findOne({ status: 'open', lastEndsAt: mongoose.trusted({ $lt: new Date() }) }).sort({ seatsTaken: -1 }).lean();
    const admin = toSessionUser(await User.create({ email: `bench-admin-${Date.now()}@example.org`, name: 'Bench Admin', passwordHash: 'x', roles: ['admin'], emailVerifiedAt: new Date() }));
    if (held) {
      const people = await Enrolment.find({ session: held._id, status: 'enrolled' }).select({ user: 1 }).lean();
      const before = await Attendance.find({ session: held._id, day: 0 }).lean();
      const statusOf = new Map(before.map((record) => [String(record.user), record.status]));
      const records = people.map((person) => ({ userId: String(person.user), status: statusOf.get(String(person.user)) === 'late' ? ('present' as const) : ('late' as const) }));
      const start = performance.now();
      await recordAttendance(admin, String(held._id), 1, records);
      console.log(`roll call of one day, ${records.length} people all changed: ${ms(performance.now() - start)}`);
    } else {
      console.log('roll call: no held session in the demo data (try more --sessions)');
    }

    const start = performance.now();
    const counted = await recountEveryone();
    console.log(`recount everyone after a rule change (${counted} people): ${ms(performance.now() - start)}`);
  } finally {
    await bench.close();
  }
}

runBench(main);

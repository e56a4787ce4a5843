/**
 * The key pages under load (issue 13, point 2): the demo data (src/demo) is seeded into a
 * throwaway database at each stakeholder count, then every page is fetched over real HTTP by 1
 * and by 10 clients, beside two baselines in the same run — a bare Express route (the floor of
 * HTTP in this process) and the app's /healthz (its middleware and one ping).
 *
 *   npm run bench:pages -- [--stakeholders 2000,20000] [--sessions 120] [--requests 50] [--seconds 10] [--no-reads]
 *
 * `--requests` is the number of requests at 1 client; 10 clients send four times as many, and a
 * batch stops sending after `--seconds` (the table gives the number sent). For
 * each page and concurrency: p50, p99, requests/s, and the database commands and reply bytes
 * per request (driver command monitoring, counted only while the batch runs and until its
 * commands have all answered; the app's background jobs may add a few). The export is timed
 * to its first body byte, then abandoned. `--no-reads` turns monitoring off (it costs the driver
 * a second decoding of each reply) to time the pages without it. Each count reseeds the demo run
 * in the same database (emptied of the previous count's data first), served by the same app.
 *
 * The database is MONGODB_URI when set (label it with BENCH_ENGINE), else an embedded FerretDB
 * over SQLite. Targets: page p50 ≤ 10× /healthz's on FerretDB/PostgreSQL, ≤ 20× on SQLite, and
 * ≤ 1.5× from the smaller count to the larger; misses are marked, yet the exit code is 0 — it
 * is a measurement. Not part of the jest suite.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import mongoose from 'mongoose';
import { createApiToken } from '../src/accounts/api-token';
import { User } from '../src/accounts/model';
import { Attendance, AttendanceChange, TrainedPerson } from '../src/attendance/model';
import { hashPassword } from '../src/accounts/passwords';
import { Course, CourseVersion } from '../src/courses/model';
import { seedDemo } from '../src/demo/seed';
import { Enrolment, SeatClaim, WaitClaim } from '../src/enrolment/model';
import { TrainingSession } from '../src/sessions/model';
import { deriveKey, encryptSecret, generateTotpSecret } from '../src/two-factor/codes';
import { BENCH_SESSION_SECRET, numberOption as option, openBenchDatabase, runBench, startBenchApp } from './database';
import { type CookieJar, signIn, timedGet } from './http-client';
import { printGrowth, printTable, type Row } from './pages-table';

/** `--stakeholders 2000,20000`: whole numbers of at least 1, smallest first. */
function countsOption(name: string, fallback: number[]): number[] {
  const index = process.argv.indexOf(`--${name}`);
  const inline = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  const raw = inline ? inline.split('=')[1] : index >= 0 ? process.argv[index + 1] : undefined;
  if (raw === undefined) return fallback;
  const values = raw.split(',').map(Number);
  if (values.some((value) => !Number.isInteger(value) || value < 1)) {
    console.error(`--${name} must be whole numbers of at least 1, separated by commas (got ${raw})`);
    process.exit(2);
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

const COUNTS = countsOption('stakeholders', [2000]);
const SESSIONS = option('sessions', 120);
const REQUESTS = option('requests', 50);
// A batch stops sending after this many seconds even short of its requests, so that slow pages
// (seconds each on a busy machine) keep a whole run within minutes; the table says how many went.
const BATCH_SECONDS = option('seconds', 10);
// Command monitoring makes the driver decode each reply once more: `--no-reads` times without it.
const COUNT_READS = !process.argv.includes('--no-reads');
const ENGINE = process.env.BENCH_ENGINE ?? (process.env.MONGODB_URI ? 'MONGODB_URI' : 'SQLite');
// FerretDB over SQLite is the small-install engine: twice the allowance of PostgreSQL.
const HEALTHZ_TARGET = /sqlite/i.test(ENGINE) ? 20 : 10;
const GROWTH_TARGET = 1.5;
const CONCURRENCY = [1, 10];
const WARM_UP = 2;
const PASSWORD = 'bench passphrase that is long enough';

type Who = 'anonymous' | 'stakeholder' | 'trainer' | 'admin';

interface PageSpec {
  name: string;
  url: string;
  who: Who;
  /** The API export: the admin's bearer token instead of the session cookie; timed to its first byte. */
  export?: boolean;
  baseline?: boolean;
}

/** Commands the driver sent and the bytes of their replies, since the start; `inFlight` not yet answered. */
const reads = { commands: 0, bytes: 0, inFlight: 0 };

function countReads(): void {
  const client = mongoose.connection.getClient();
  client.on('commandStarted', () => {
    reads.commands += 1;
    reads.inFlight += 1;
  });
  client.on('commandSucceeded', (event) => {
    reads.inFlight -= 1;
    // The decoded reply's BSON size: the driver does not report bytes on the wire.
    reads.bytes += mongoose.mongo.BSON.calculateObjectSize(event.reply as mongoose.mongo.Document);
  });
  client.on('commandFailed', () => {
    reads.inFlight -= 1;
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Until every command sent has answered (at most 2 s: a background job's slow command is not waited for). */
async function settle(): Promise<void> {
  for (let waited = 0; reads.inFlight > 0 && waited < 2000; waited += 5) await sleep(5);
}

interface Identity {
  jar?: CookieJar;
  bearer?: string;
}

/** `total` GETs of one page by `clients` clients, each sending its next request when answered. */
async function measure(page: PageSpec, identity: Identity, clients: number, total: number, agent: http.Agent): Promise<Row> {
  const options = { agent, jar: identity.jar, bearer: identity.bearer, firstByte: page.export };
  // Warmed once per page (compiled templates, caches), before its 1-client batch.
  if (clients === 1) for (let index = 0; index < WARM_UP; index += 1) await timedGet(page.url, options).catch(() => undefined);
  await settle();
  const latencies: number[] = [];
  const errors = new Map<number, number>();
  const before = { commands: reads.commands, bytes: reads.bytes };
  let next = 0;
  const start = performance.now();
  const deadline = start + BATCH_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total && performance.now() < deadline) {
        next += 1;
        const sent = performance.now();
        const answer = await timedGet(page.url, options).catch(() => ({ status: 0, ms: performance.now() - sent }));
        latencies.push(answer.ms);
        if (answer.status !== 200) errors.set(answer.status, (errors.get(answer.status) ?? 0) + 1);
      }
    }),
  );
  const wall = performance.now() - start;
  // Commands still answering belong to this batch (an abandoned export's last reads, say).
  await settle();
  latencies.sort((a, b) => a - b);
  const sent = latencies.length;
  return {
    page: page.name,
    clients,
    targeted: !page.baseline,
    requests: sent,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    perSecond: sent / (wall / 1000),
    commandsPerRequest: COUNT_READS ? (reads.commands - before.commands) / sent : NaN,
    kilobytesPerRequest: COUNT_READS ? (reads.bytes - before.bytes) / sent / 1024 : NaN,
    errors,
  };
}

/** A bench administrator with two-factor on (staff roles need it) and an API token for the export. */
async function createAdmin(passwordHash: string) {
  const email = 'bench-admin@example.org';
  const admin = await User.create({ email, name: 'Bench Admin', passwordHash, roles: ['admin'], country: 'BE', emailVerifiedAt: new Date() });
  const userId = String(admin._id);
  const secret = generateTotpSecret();
  await User.updateOne({ _id: admin._id }, { $set: { twoFactor: { secret: encryptSecret(secret, deriveKey(BENCH_SESSION_SECRET), userId), enabledAt: new Date(), recoveryCodeHashes: [] } } });
  return { id: admin._id, email, secret, token: (await createApiToken(userId, 'bench')).token };
}

/**
 * The demo run's people the signed-in pages are seen by: the trainer of the fullest held
 * session (roster and roll call of its first day) and a stakeholder enrolled in the fullest
 * upcoming one; both get the bench password (demo accounts have none). Also a module and its
 * first lesson.
 */
async function pickCast(passwordHash: string) {
  const now = new Date();
  const held = await TrainingSession.findOne({ status: 'open', lastEndsAt: mongoose.trusted({ $lt: now }) }).sort({ seatsTaken: -1 }).lean();
  const upcoming = await TrainingSession.findOne({ status: 'open', firstStartsAt: mongoose.trusted({ $gt: now }), seatsTaken: mongoose.trusted({ $gt: 0 }) }).sort({ seatsTaken: -1 }).lean();
  if (!held || !upcoming) throw new Error('the demo data has no held session or no upcoming session with enrolments (try more --sessions)');
  const enrolment = await Enrolment.findOne({ session: upcoming._id, status: 'enrolled' }).lean();
  const trainer = await User.findById(held.trainers[0]).lean();
  const stakeholder = enrolment && (await User.findById(enrolment.user).lean());
  if (!trainer || !stakeholder) throw new Error('no trainer or no enrolled stakeholder found in the demo data');
  await User.updateMany({ _id: mongoose.trusted({ $in: [trainer._id, stakeholder._id] }) }, { $set: { passwordHash } });
  const course = await Course.findOne().sort({ order: 1, _id: 1 }).lean();
  // Read directly, not through src/courses helpers: the pages' code is being reworked meanwhile.
  const version = course && (await CourseVersion.findOne({ course: course._id, status: 'published' }).sort({ versionKey: -1 }).lean());
  const lesson = version?.lessons[0]?.key;
  if (!course || !lesson) throw new Error('no published module with a lesson');
  console.log(`  seen as: trainer ${trainer.email} (held session ${String(held._id)}, ${held.seatsTaken} enrolled), learner ${stakeholder.email} (upcoming session ${String(upcoming._id)}), module ${course._id}, lesson ${lesson}`);
  return { held, upcoming, trainer, stakeholder, slug: course._id, lesson };
}

/**
 * Empties what the previous count seeded, all but the bench admin, before the next count, so
 * that the seeding time printed is the seeding alone (seedDemo would otherwise remove its earlier
 * run first). Deleting is slow on FerretDB/SQLite either way: about 70 s after 2,000 people.
 */
async function clearDemo(keep: mongoose.Types.ObjectId): Promise<void> {
  for (const model of [Attendance, AttendanceChange, TrainedPerson, Enrolment, SeatClaim, WaitClaim, TrainingSession]) await model.collection.deleteMany({});
  await User.deleteMany({ _id: mongoose.trusted({ $ne: keep }) });
}

function pagesFor(site: string, bare: string, cast: Awaited<ReturnType<typeof pickCast>>): PageSpec[] {
  const held = String(cast.held._id);
  const upcoming = String(cast.upcoming._id);
  return [
    { name: 'bare Express route', url: bare, who: 'anonymous', baseline: true },
    { name: '/healthz', url: `${site}/healthz`, who: 'anonymous', baseline: true },
    { name: 'home /', url: `${site}/`, who: 'anonymous' },
    { name: 'catalogue /modules', url: `${site}/modules`, who: 'anonymous' },
    { name: 'module /modules/:slug', url: `${site}/modules/${cast.slug}`, who: 'anonymous' },
    // Lessons are for signed-in learners: anonymous visitors get a 303 to the sign-in page.
    { name: 'lesson (learner)', url: `${site}/modules/${cast.slug}/lessons/${cast.lesson}`, who: 'stakeholder' },
    { name: 'session list /sessions', url: `${site}/sessions`, who: 'anonymous' },
    { name: 'session page /sessions/:id', url: `${site}/sessions/${upcoming}`, who: 'anonymous' },
    // No "my sessions" page exists: a learner sees their place on the session's own page (myPlace reads all their enrolments).
    { name: 'my place: session page (learner)', url: `${site}/sessions/${upcoming}`, who: 'stakeholder' },
    { name: "trainer's desk /desk", url: `${site}/desk`, who: 'trainer' },
    { name: 'roster /sessions/:id/roster', url: `${site}/sessions/${held}/roster`, who: 'trainer' },
    { name: 'roll call, day 1', url: `${site}/sessions/${held}/days/1/roll-call`, who: 'trainer' },
    { name: 'dashboard (admin)', url: `${site}/dashboard`, who: 'admin' },
    { name: 'export CSV, first byte (API)', url: `${site}/api/v1/reports/attendance?format=csv`, who: 'admin', export: true },
  ];
}

/** A tiny Express app in this process: what HTTP and Express cost without the app's middleware. */
async function startBareExpress(): Promise<{ url: string; server: http.Server }> {
  const bare = express();
  bare.get('/', (_req, res) => {
    res.send('ok');
  });
  const server = bare.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function main(): Promise<number> {
  const bench = await openBenchDatabase('pages', { monitorCommands: COUNT_READS });
  if (COUNT_READS) countReads();
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  let app: Awaited<ReturnType<typeof startBenchApp>> | undefined;
  let bare: Awaited<ReturnType<typeof startBareExpress>> | undefined;
  const runs: Array<{ count: number; rows: Row[] }> = [];
  let misses = 0;
  try {
    app = await startBenchApp(bench);
    bare = await startBareExpress();
    const passwordHash = await hashPassword(PASSWORD);
    const admin = await createAdmin(passwordHash);
    // Signed in once: the bench admin is not part of the demo run, so reseeding keeps its session.
    const adminJar = await signIn(app.site, agent, admin.email, PASSWORD, admin.secret);

    for (const count of COUNTS) {
      if (runs.length > 0) {
        const clearStart = performance.now();
        await clearDemo(admin.id);
        console.log(`\ncleared the ${runs.at(-1)!.count} stakeholders' data in ${((performance.now() - clearStart) / 1000).toFixed(1)} s`);
      }
      const seedStart = performance.now();
      const report = await seedDemo({ stakeholders: count, sessions: SESSIONS, run: 'bench' });
      const seconds = (performance.now() - seedStart) / 1000;
      console.log(`\nseeded ${count} stakeholders, ${SESSIONS} sessions in ${seconds.toFixed(1)} s (${report.counts.enrolments} enrolments, ${report.counts.attendance} attendance rows)`);
      console.log(`  steps: ${report.steps.map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`).join('; ')}`);

      const cast = await pickCast(passwordHash);
      const identities: Record<Who, Identity> = {
        anonymous: {},
        stakeholder: { jar: await signIn(app.site, agent, cast.stakeholder.email, PASSWORD) },
        trainer: { jar: await signIn(app.site, agent, cast.trainer.email, PASSWORD) },
        admin: { jar: adminJar },
      };
      const rows: Row[] = [];
      for (const page of pagesFor(app.site, bare.url, cast)) {
        const identity = page.export ? { bearer: admin.token } : identities[page.who];
        for (const clients of CONCURRENCY) {
          rows.push(await measure(page, identity, clients, clients === 1 ? REQUESTS : REQUESTS * 4, agent));
        }
      }
      misses += printTable(`${ENGINE}, ${count.toLocaleString('en')} stakeholders, ${SESSIONS} sessions (${REQUESTS} requests at 1 client, ${REQUESTS * 4} at 10, at most ${BATCH_SECONDS} s a batch)`, rows, HEALTHZ_TARGET);
      runs.push({ count, rows });
    }
    if (runs.length >= 2) misses += printGrowth(runs[0]!, runs.at(-1)!, GROWTH_TARGET);
    console.log(`\n${misses === 0 ? 'every page within its targets, no errors' : `${misses} row(s) missed a target or had errors`} (a measurement: the exit code stays 0)`);
    return 0;
  } finally {
    agent.destroy();
    await new Promise((resolve) => (bare ? bare.server.close(resolve) : resolve(undefined)));
    await app?.close();
    await bench.close();
  }
}

runBench(main);

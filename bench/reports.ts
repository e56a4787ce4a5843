/**
 * Attendance exports under volume (issue 6, point 8): N attendance rows written straight into
 * a throwaway database, then exported in each format over HTTP from the real app.
 *
 *   npx tsx bench/reports.ts [--rows 100000]      (or: npm run bench:reports -- --rows 100000)
 *
 * The database is MONGODB_URI when set (a database of its own is made there and dropped), else
 * an embedded server started as the app and the tests do (FerretDB unless LOCAL_DATABASE says
 * otherwise), in a temporary directory removed afterwards.
 *
 * Prints, per format: rows per second, time to first byte, total time, size, and the peak
 * resident memory (RSS, sampled every 50 ms) against the RSS just before the export; plus, in
 * the same run, the raw cursor read rate and the rate of the enriched rows without any writer.
 * Server and client share this process: the client only counts bytes. Not part of the jest suite.
 *
 * Then the targets of issue 13, point 3, each beside its measurement with "pass" or "MISS":
 * the first byte of every export within 1 s; CSV and XLSX of all rows at no less than half the
 * raw cursor rate of the same run (the faster of the two raw reads: mongoose's cursor one record
 * at a time, and the driver's a batch at a time as the exports read); every PDF's peak RSS under
 * 300 MB. Timings depend on the machine and what else runs on it: a missed target is printed,
 * not turned into a failure (the exit code is about wrong output only).
 */
import { numberOption as option, openBenchDatabase, runBench, startBenchApp } from './database';
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import mongoose from 'mongoose';
import { createApiToken } from '../src/accounts/api-token';
import { SECTORS, User } from '../src/accounts/model';
import { Attendance, attendanceId, ATTENDANCE_STATUSES, TrainedPerson } from '../src/attendance/model';
import { attendanceCursor } from '../src/reports/query';
import { attendanceBatches, reportRows } from '../src/reports/rows';
import { TrainingSession } from '../src/sessions/model';

const ROWS = option('rows', 100_000);
/** Two days per session, 1,250 people a day: 2,500 rows a session. */
const PEOPLE_PER_SESSION = 1_250;
const PEOPLE = 5_000;
const INSERT_BATCH = 5_000;

v8.setFlagsFromString('--expose-gc');
/** A full collection, so "before" and "after" compare what is live, not garbage waiting. */
const gc = vm.runInNewContext('gc') as () => void;

/** Issue 13, point 3. */
const TARGETS = { firstByteMs: 1_000, rateOfRaw: 0.5, pdfPeakRss: 300 * 1024 * 1024 };

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Peak RSS (and heap) while `work` runs, sampled every 50 ms. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; baseRss: number; peakRss: number; peakHeap: number; ms: number; liveAfter: number }> {
  gc();
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 50);
  const started = performance.now();
  try {
    const result = await work();
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    const ms = performance.now() - started;
    gc();
    return { result, baseRss, peakRss, peakHeap, ms, liveAfter: process.memoryUsage().heapUsed };
  } finally {
    clearInterval(timer);
  }
}

/** Downloads a URL, keeping only counts: status, time to first byte, bytes, CRLFs. */
function download(url: string, token: string): Promise<{ status: number; ttfb: number; bytes: number; lineEnds: number; contentType: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    http
      .get(url, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
        let ttfb = -1;
        let bytes = 0;
        let lineEnds = 0;
        res.on('data', (chunk: Buffer) => {
          if (ttfb < 0) ttfb = performance.now() - started;
          bytes += chunk.length;
          for (let index = chunk.indexOf(10); index >= 0; index = chunk.indexOf(10, index + 1)) lineEnds += 1;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ttfb, bytes, lineEnds, contentType: String(res.headers['content-type']) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function seed(): Promise<void> {
  const cities = [
    { city: 'be-brussels', country: 'BE' },
    { city: 'be-liege', country: 'BE' },
    { city: 'se-malmo', country: 'SE' },
  ];
  const courses = ['awareness', 'schools', 'family-support', 'local-strategy'];
  const people = Array.from({ length: PEOPLE }, (_, index) => ({
    _id: new mongoose.Types.ObjectId(),
    email: `bench-${index}@example.org`,
    name: index % 97 === 0 ? `Person "${index}"; with, punctuation` : `Person ${index}`,
    passwordHash: 'not used',
    roles: ['stakeholder'],
    language: 'en',
    status: 'active',
    country: 'BE',
    organisationName: `Organisation ${index % 50}`,
    sector: SECTORS[index % SECTORS.length],
    scopeCountries: [],
    sessionEpoch: 0,
    createdAt: new Date(),
    updatedAt: new Date(),
  }));
  for (let start = 0; start < people.length; start += INSERT_BATCH) await User.collection.insertMany(people.slice(start, start + INSERT_BATCH));
  await TrainedPerson.collection.insertMany(people.filter((_, index) => index % 2 === 0).map((person) => ({ _id: person._id, trained: true, sessions: [], courses: ['awareness'], updatedAt: new Date() })));

  const sessionCount = Math.ceil(ROWS / (2 * PEOPLE_PER_SESSION));
  let written = 0;
  const recorder = new mongoose.Types.ObjectId();
  for (let s = 0; s < sessionCount; s += 1) {
    const place = cities[s % cities.length]!;
    const first = new Date(Date.UTC(2030, 0, 7 + 7 * s));
    const dates = [0, 1].map((offset) => new Date(first.getTime() + offset * 86_400_000).toISOString().slice(0, 10));
    const days = dates.map((date) => ({ date, start: '09:00', end: '17:00', startsAt: new Date(`${date}T08:00:00Z`), endsAt: new Date(`${date}T16:00:00Z`) }));
    const session = await TrainingSession.create({
      title: `Bench session ${s + 1}`,
      courses: [{ slug: courses[s % courses.length]!, version: '1.0.0' }],
      language: 'en',
      ...place,
      venue: { name: 'Town hall', address: 'Main square 1', nameKey: 'town hall' },
      timezone: 'Europe/Brussels',
      days,
      capacity: 500,
      enrolmentDeadlineDate: dates[0]!,
      enrolmentDeadline: days[0]!.startsAt,
      trainers: [],
      firstStartsAt: days[0]!.startsAt,
      lastEndsAt: days[1]!.endsAt,
      createdBy: recorder,
    });
    const records = [];
    for (let day = 0; day < 2 && written + records.length < ROWS; day += 1) {
      for (let p = 0; p < PEOPLE_PER_SESSION && written + records.length < ROWS; p += 1) {
        const person = people[(s * 997 + p) % PEOPLE]!;
        records.push({
          _id: attendanceId(session._id, day, person._id),
          session: session._id,
          day,
          date: dates[day]!,
          user: person._id,
          status: ATTENDANCE_STATUSES[(p + day) % ATTENDANCE_STATUSES.length]!,
          recordedBy: recorder,
          recordedAt: new Date(),
          via: 'roll-call',
        });
      }
    }
    for (let start = 0; start < records.length; start += INSERT_BATCH) await Attendance.collection.insertMany(records.slice(start, start + INSERT_BATCH) as never[], { ordered: false });
    written += records.length;
  }
  await Attendance.syncIndexes();
}

async function main(): Promise<number> {
  const bench = await openBenchDatabase('reports');
  let app: Awaited<ReturnType<typeof startBenchApp>> | undefined;
  try {
    const seeding = await measured(seed);
    const count = await Attendance.countDocuments();
    console.log(`seeded ${count} attendance rows (${PEOPLE} people) in ${seconds(seeding.ms)}: ${Math.round(count / (seeding.ms / 1000))} rows/s inserted`);
    if (count !== ROWS) console.log(`WARNING: expected ${ROWS} rows`);

    app = await startBenchApp(bench);
    const base = app.api;
    const adminDoc = await User.create({ email: 'bench-admin@example.org', name: 'Bench Admin', passwordHash: 'not used', roles: ['admin'], country: 'BE', emailVerifiedAt: new Date() });
    const token = (await createApiToken(String(adminDoc._id), 'bench')).token;

    console.log(`\n${'what'.padEnd(26)} ${'rows/s'.padStart(9)} ${'first byte'.padStart(11)} ${'total'.padStart(9)} ${'size'.padStart(9)} ${'RSS before'.padStart(11)} ${'peak RSS'.padStart(9)} ${'peak heap'.padStart(10)} ${'heap after GC'.padStart(14)}`);
    const line = (what: string, rows: number, r: { ms: number; baseRss: number; peakRss: number; peakHeap: number; liveAfter: number }, ttfb?: number, bytes?: number) =>
      console.log(
        `${what.padEnd(26)} ${String(Math.round(rows / (r.ms / 1000))).padStart(9)} ${(ttfb === undefined ? '-' : `${ttfb.toFixed(0)} ms`).padStart(11)} ${seconds(r.ms).padStart(9)} ${(bytes === undefined ? '-' : mb(bytes)).padStart(9)} ${mb(r.baseRss).padStart(11)} ${mb(r.peakRss).padStart(9)} ${mb(r.peakHeap).padStart(10)} ${mb(r.liveAfter).padStart(14)}`,
      );

    const raw = await measured(async () => {
      let n = 0;
      for await (const _record of attendanceCursor({})) n += 1;
      return n;
    });
    line('raw cursor (sorted)', raw.result, raw);
    const rawBatches = await measured(async () => {
      let n = 0;
      for await (const batch of attendanceBatches({})) n += batch.length;
      return n;
    });
    line('raw cursor, driver batches', rawBatches.result, rawBatches);
    const rawRate = Math.max(raw.result / (raw.ms / 1000), rawBatches.result / (rawBatches.ms / 1000));
    const enriched = await measured(async () => {
      let n = 0;
      for await (const _row of reportRows({}, 'en')) n += 1;
      return n;
    });
    line('enriched rows, no file', enriched.result, enriched);

    const problems: string[] = [];
    const targets: string[] = [];
    const target = (what: string, measured: string, goal: string, met: boolean) => targets.push(`${met ? 'pass' : 'MISS'}  ${what.padEnd(24)} ${measured.padStart(12)}   target ${goal}`);
    // Each format twice: about half the rows (sessions are a week apart: `to` cuts by date), then all of
    // them. Flat memory means the same peak for both.
    const halfTo = (await Attendance.find().sort({ date: 1 }).skip(Math.floor(count / 2)).limit(1).select({ date: 1 }).lean())[0]?.date;
    const half = halfTo ? await Attendance.countDocuments({ date: mongoose.trusted({ $lt: halfTo }) }) : 0;
    const before = halfTo ? new Date(Date.parse(`${halfTo}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10) : undefined;
    for (const format of ['csv', 'xlsx', 'pdf'] as const) {
      for (const [label, rows, query] of [[`${format} (${half} rows)`, half, before ? `&to=${before}` : ''], [`${format} (all)`, count, '']] as const) {
        if (rows === 0) continue;
        const r = await measured(() => download(`${base}/reports/attendance?format=${format}${query}`, token));
        line(`export ${label}`, rows, r, r.result.ttfb, r.result.bytes);
        target(`${label}: first byte`, `${r.result.ttfb.toFixed(0)} ms`, `< ${TARGETS.firstByteMs} ms`, r.result.ttfb >= 0 && r.result.ttfb < TARGETS.firstByteMs);
        const rate = rows / (r.ms / 1000);
        if (format !== 'pdf' && rows === count) target(`${label}: rows/s`, String(Math.round(rate)), `>= ${Math.round(TARGETS.rateOfRaw * rawRate)} (half the raw ${Math.round(rawRate)})`, rate >= TARGETS.rateOfRaw * rawRate);
        if (format === 'pdf') target(`${label}: peak RSS`, mb(r.peakRss), `< ${mb(TARGETS.pdfPeakRss)}`, r.peakRss < TARGETS.pdfPeakRss);
        if (r.result.status !== 200) problems.push(`${format}: HTTP ${r.result.status}`);
        if (format === 'csv' && r.result.lineEnds !== rows + 1) problems.push(`csv: ${r.result.lineEnds} lines for ${rows} rows + header`);
      }
    }
    if (raw.result !== count || rawBatches.result !== count || enriched.result !== count) problems.push(`read ${raw.result} + ${rawBatches.result} raw and ${enriched.result} enriched rows of ${count}`);
    const missed = targets.filter((entry) => entry.startsWith('MISS')).length;
    console.log(`\ntargets (issue 13, point 3): ${missed === 0 ? 'all met' : `${missed} of ${targets.length} missed`}\n${targets.join('\n')}`);
    if (problems.length > 0) {
      console.log(`\nFAILED:\n- ${problems.join('\n- ')}`);
      return 1;
    }
    console.log('\nOK');
    return 0;
  } finally {
    await app?.close();
    await bench.close();
  }
}

runBench(main);

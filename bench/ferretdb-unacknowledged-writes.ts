/**
 * Why finds on FerretDB 1.24 sometimes get another command's answer (500s with
 * `BSON element "cursor" is missing`, "reading 'en'", API tokens answered 401).
 *
 * A write with `writeConcern: {w: 0}` goes out as an OP_MSG flagged `moreToCome` ("do not
 * answer"), and the driver reads nothing back. FerretDB 1.24 answers it anyway. The driver does
 * not compare `responseTo` with its request id, so that answer is read by the next command on
 * the same pooled connection, whose own answer is read by the one after, and so on. The app's
 * only such write is connect-mongo's expired-session cleanup (`autoRemove: 'interval'`,
 * src/http/session.ts), every 10 minutes.
 *
 * Part 1, the wire: the plain driver on a FerretDB with `--log-level=debug`, one connection;
 * a `w: 0` delete, then finds on two collections, without and with the work-around. Prints the
 * driver's command-monitoring events and FerretDB's request/response headers, then the
 * work-around's cost per command (sequential findOne, off and on alternated).
 *
 * Part 2, the app: the real app (bench/database.ts) over HTTP, 10 readers of /sessions and
 * /api/v1/sessions. connect-mongo's 10-minute cleanup timer is captured and run
 * every 2 s in the phases that say so; src/db/unacknowledged-writes.ts (the work-around: `w: 0`
 * sent as `w: 1` on FerretDB) is switched off or on per phase. Counts HTTP statuses, requests/s
 * and the answers that do not belong to their command (command monitoring: a find whose answer
 * has no cursor or another collection's, a write answered with a cursor...).
 *
 *   npx tsx bench/ferretdb-unacknowledged-writes.ts [--seconds 5] [--stakeholders 150] [--sessions 16]
 *
 * Only against an embedded FerretDB (MONGODB_URI is ignored). About 60 s in all.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { numberOption, openBenchDatabase, runBench, startBenchApp } from './database';
import { TOOLS_DIR } from '../src/db';
import { findFreePort, isPortOpen } from '../src/db/ports';
import { acknowledgeUnacknowledgedWrites } from '../src/db/unacknowledged-writes';
import { seedDemo } from '../src/demo/seed';

delete process.env.MONGODB_URI;
process.env.LOCAL_DATABASE = 'ferretdb';

const SECONDS = numberOption('seconds', 5);
const STAKEHOLDERS = numberOption('stakeholders', 150);
const SESSIONS = numberOption('sessions', 16);
const READERS = 10;
const CLEANUP_EVERY_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ferretDbBinary(): string {
  const candidates = [process.env.FERRETDB_PATH, path.join(TOOLS_DIR, 'bin', 'ferretdb'), path.join(os.homedir(), '.cache/liaise-learning/bin/ferretdb')];
  const found = candidates.find((candidate): candidate is string => Boolean(candidate && existsSync(candidate)));
  if (!found) throw new Error('no FerretDB binary (set FERRETDB_PATH)');
  return found;
}

type Reply = Record<string, unknown> & { cursor?: { ns?: string } };
type Check = { name: string; collection?: string; db: string; unacknowledged: boolean };

/** What a reply should look like for its command; a description of the mismatch, or undefined. */
function mismatch(check: Check, reply: Reply): string | undefined {
  if (check.unacknowledged) return undefined; // the driver reports a made-up {ok: 1}
  const cursorCommands = ['find', 'aggregate', 'getMore', 'listIndexes', 'listCollections'];
  const shape = JSON.stringify(reply).slice(0, 90);
  if (cursorCommands.includes(check.name)) {
    if (!reply.cursor) return `${check.name} ${check.collection ?? ''} answered ${shape}`;
    const ns = reply.cursor.ns;
    if (check.collection && ns && ns !== `${check.db}.${check.collection}`) return `${check.name} ${check.collection} answered with a cursor on ${ns}`;
    return undefined;
  }
  if (reply.cursor) return `${check.name} ${check.collection ?? ''} answered with a cursor on ${reply.cursor.ns}`;
  if (['insert', 'update', 'delete', 'count'].includes(check.name) && !('n' in reply)) return `${check.name} ${check.collection ?? ''} answered ${shape}`;
  if (check.name === 'findAndModify' && !('value' in reply)) return `findAndModify ${check.collection ?? ''} answered ${shape}`;
  return undefined;
}

/** Watches a client's commands; counts and samples replies that do not fit their command. */
function watchReplies(client: mongoose.mongo.MongoClient) {
  const pending = new Map<number, Check>();
  const state = { commands: 0, wrong: 0, samples: new Map<string, number>() };
  client.on('commandStarted', (event) => {
    const command = event.command as Record<string, unknown>;
    const collection = event.commandName === 'getMore' ? command.collection : command[event.commandName];
    pending.set(event.requestId, {
      name: event.commandName,
      collection: typeof collection === 'string' ? collection : undefined,
      db: event.databaseName,
      unacknowledged: (command.writeConcern as { w?: unknown } | undefined)?.w === 0,
    });
  });
  client.on('commandSucceeded', (event) => {
    const check = pending.get(event.requestId);
    pending.delete(event.requestId);
    if (!check) return;
    state.commands += 1;
    const wrong = mismatch(check, event.reply as Reply);
    if (wrong) {
      state.wrong += 1;
      state.samples.set(wrong, (state.samples.get(wrong) ?? 0) + 1);
    }
  });
  client.on('commandFailed', (event) => {
    if (pending.delete(event.requestId)) state.commands += 1;
  });
  return state;
}

/** The `w: 0` delete connect-mongo sends, then finds on one connection; what each find got. */
async function sequence(uri: string, workAround: boolean, log: { text: string }): Promise<void> {
  acknowledgeUnacknowledgedWrites(workAround);
  const client = new mongoose.mongo.MongoClient(uri, { maxPoolSize: 1, monitorCommands: true, serverSelectionTimeoutMS: 10_000 });
  const events: string[] = [];
  try {
    await client.connect();
    const db = client.db('wire');
    client.on('commandStarted', (event) => {
      const writeConcern = (event.command as { writeConcern?: unknown }).writeConcern;
      events.push(`  driver: request ${event.requestId} ${event.commandName} ${JSON.stringify(event.command[event.commandName])}${writeConcern ? ` writeConcern ${JSON.stringify(writeConcern)}` : ''}`);
    });
    client.on('commandSucceeded', (event) => events.push(`  driver: reply read for ${event.requestId} ${event.commandName}: ${JSON.stringify(event.reply).slice(0, 110)}`));
    log.text = '';
    // As connect-mongo's cleanup does (node_modules/connect-mongo/dist/index.cjs, setAutoRemove).
    await db.collection('sessions').deleteMany({ expires: { $lt: new Date() } }, { writeConcern: { w: 0 } });
    await sleep(20);
    const results: string[] = [];
    for (const name of ['courses', 'cities', 'courses', 'cities']) {
      try {
        results.push(`  db.${name}.find() -> ${JSON.stringify(await db.collection(name).find({}).toArray())}`);
      } catch (error) {
        results.push(`  db.${name}.find() -> ${(error as Error).name}: ${(error as Error).message}`);
      }
      await sleep(20);
    }
    console.log(events.join('\n'));
    console.log(results.join('\n'));
    console.log('  FerretDB (debug log; "id" is its message id, "response_to" the request it answers):');
    for (const line of log.text.split('\n')) {
      const header = /(Request|Response) header: (.*?)\s*\{/.exec(line);
      if (header) console.log(`    ${header[1]!.padEnd(8)} ${header[2]!.replace(/\s+/g, ' ')}`);
      const flags = /"FlagBits": "(\[.*?\])"/.exec(line);
      if (flags && flags[1] !== '[]') console.log(`             flags ${flags[1]}`);
    }
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** The work-around's cost where it acts: sequential finds on one connection, off and on alternated. */
async function commandCost(uri: string): Promise<void> {
  const client = new mongoose.mongo.MongoClient(uri, { maxPoolSize: 1, serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
    const cities = client.db('wire').collection('cities');
    const totals = { off: 0, on: 0 };
    const count = 400;
    for (let round = 0; round < 3; round += 1) {
      for (const workAround of [false, true]) {
        acknowledgeUnacknowledgedWrites(workAround);
        const start = performance.now();
        for (let index = 0; index < count; index += 1) await cities.findOne({ _id: 'paris' as never });
        totals[workAround ? 'on' : 'off'] += performance.now() - start;
      }
    }
    const per = (ms: number) => `${((ms / (3 * count)) * 1000).toFixed(0)} µs`;
    console.log(`  findOne on one connection, 3 × ${count} each: ${per(totals.off)} a command work-around off, ${per(totals.on)} on`);
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function wire(): Promise<void> {
  console.log('== Part 1: the wire (plain driver, one connection, FerretDB --log-level=debug)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'liaise-ferretdb-w0-'));
  const port = await findFreePort();
  const child = spawn(
    ferretDbBinary(),
    ['--handler=sqlite', `--sqlite-url=file:${dir}/`, `--state-dir=${dir}`, `--listen-addr=127.0.0.1:${port}`, '--debug-addr=-', '--telemetry=disable', '--log-level=debug', '--no-log-uuid'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = { text: '' };
  child.stdout.on('data', (chunk: Buffer) => (log.text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log.text += chunk.toString()));
  const uri = `mongodb://127.0.0.1:${port}/`;
  try {
    for (let tries = 0; tries < 100 && !(await isPortOpen(port)); tries += 1) await sleep(100);
    const setup = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
    await setup.connect();
    await setup.db('wire').collection('cities').insertOne({ _id: 'paris' as never, name: 'Paris' });
    await setup.db('wire').collection('courses').insertOne({ _id: 'awareness' as never, title: { en: 'Awareness' } });
    await setup.close();
    console.log('-- work-around off (as released):');
    await sequence(uri, false, log);
    console.log('-- work-around on (src/db/unacknowledged-writes.ts):');
    await sequence(uri, true, log);
    await commandCost(uri);
  } finally {
    acknowledgeUnacknowledgedWrites(true);
    child.kill();
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

interface PhaseResult {
  label: string;
  requests: number;
  perSecond: number;
  statuses: Map<string, number>;
  commands: number;
  wrong: number;
  samples: Map<string, number>;
}

runBench(async () => {
  await wire();

  console.log(`\n== Part 2: the app over HTTP (${READERS} readers, ${SECONDS} s a phase)`);
  // connect-mongo's cleanup timer (10 minutes) is kept here and run when a phase wants it.
  const cleanups: Array<() => void> = [];
  const realSetInterval = globalThis.setInterval;
  globalThis.setInterval = ((handler: () => void, ms?: number, ...rest: unknown[]) => {
    if (ms === 10 * 60 * 1000 && /runIntervalRemove/.test(String(handler))) {
      cleanups.push(handler);
      return realSetInterval(() => undefined, 2 ** 30).unref();
    }
    return realSetInterval(handler, ms, ...rest);
  }) as typeof setInterval;
  // Command monitoring on the app's one client (openDatabase calls mongoose.connect).
  const connect = mongoose.connect.bind(mongoose);
  mongoose.connect = ((uri: string, options?: mongoose.ConnectOptions) => connect(uri, { ...options, monitorCommands: true })) as typeof mongoose.connect;

  const bench = await openBenchDatabase('w0');
  const seedStart = performance.now();
  await seedDemo({ stakeholders: STAKEHOLDERS, sessions: SESSIONS, run: 'w0' });
  console.log(`seeded ${STAKEHOLDERS} people, ${SESSIONS} sessions in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  const watch = watchReplies(mongoose.connection.getClient() as unknown as mongoose.mongo.MongoClient);
  const app = await startBenchApp(bench);
  const base = app.api.replace(/\/api\/v1$/, '');
  // /modules is left out: it takes about 1 s of CPU a request here, so readers hardly overlap.
  const paths = ['/sessions', '/api/v1/sessions'];
  for (let tries = 0; tries < 50 && cleanups.length === 0; tries += 1) {
    await fetch(`${base}/modules`).then((response) => response.arrayBuffer());
    await sleep(100);
  }
  if (cleanups.length === 0) throw new Error("connect-mongo's cleanup timer was not seen");

  async function phase(label: string, workAround: boolean, cleanup: boolean): Promise<PhaseResult> {
    if (!acknowledgeUnacknowledgedWrites(workAround)) throw new Error('the work-around could not be switched');
    const before = { commands: watch.commands, wrong: watch.wrong, samples: new Map(watch.samples) };
    const statuses = new Map<string, number>();
    let requests = 0;
    const start = performance.now();
    const end = start + SECONDS * 1000;
    const timer = cleanup ? realSetInterval(() => cleanups.forEach((run) => run()), CLEANUP_EVERY_MS) : undefined;
    await Promise.all(
      Array.from({ length: READERS }, async (_, reader) => {
        for (let turn = reader; performance.now() < end; turn += 1) {
          const target = paths[turn % paths.length]!;
          const response = await fetch(base + target);
          await response.arrayBuffer();
          const key = `${target} ${response.status}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          requests += 1;
        }
      }),
    );
    clearInterval(timer);
    const seconds = (performance.now() - start) / 1000;
    const samples = new Map<string, number>();
    for (const [text, count] of watch.samples) {
      const earlier = before.samples.get(text) ?? 0;
      if (count > earlier) samples.set(text, count - earlier);
    }
    const result = { label, requests, perSecond: requests / seconds, statuses, commands: watch.commands - before.commands, wrong: watch.wrong - before.wrong, samples };
    const failed = [...statuses].filter(([key]) => !key.endsWith(' 200'));
    console.log(
      `${label.padEnd(44)} ${result.perSecond.toFixed(1).padStart(6)} req/s  ${String(requests).padStart(4)} requests, ` +
        `${failed.reduce((sum, [, count]) => sum + count, 0)} not 200 ${failed.length ? JSON.stringify(Object.fromEntries(failed)) : ''}; ` +
        `${result.wrong} of ${result.commands} replies not their command's`,
    );
    for (const [text, count] of [...samples].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`      ${String(count).padStart(4)} × ${text}`);
    return result;
  }

  const results: PhaseResult[] = [];
  try {
    await phase('warm-up (work-around on)', true, false);
    // Same load with and without the work-around, alternated, no cleanup: its cost.
    for (let round = 1; round <= 2; round += 1) {
      results.push(await phase(`no cleanup, work-around off (${round})`, false, false));
      results.push(await phase(`no cleanup, work-around on  (${round})`, true, false));
    }
    // connect-mongo's cleanup every 2 s: with the work-around, then (last: the damage stays) without.
    results.push(await phase('cleanup every 2 s, work-around on', true, true));
    results.push(await phase('cleanup every 2 s, work-around off', false, true));
  } finally {
    acknowledgeUnacknowledgedWrites(true);
    await app.close();
    await bench.close();
  }
  const mean = (label: string) => {
    const chosen = results.filter((result) => result.label.startsWith(label));
    return chosen.reduce((sum, result) => sum + result.perSecond, 0) / chosen.length;
  };
  const off = mean('no cleanup, work-around off');
  const on = mean('no cleanup, work-around on');
  console.log(`\nwithout cleanup: ${off.toFixed(1)} req/s work-around off, ${on.toFixed(1)} req/s on (${(((on - off) / off) * 100).toFixed(1)} %)`);
  const broken = results.find((result) => result.label === 'cleanup every 2 s, work-around off')!;
  const fixed = results.find((result) => result.label === 'cleanup every 2 s, work-around on')!;
  console.log(`with cleanup: ${broken.wrong} misrouted replies without the work-around, ${fixed.wrong} with it`);
  return broken.wrong > 0 && fixed.wrong === 0 ? 0 : 1;
});

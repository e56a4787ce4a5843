/**
 * Enrolment under load (issue 5, point 8): N people enrol at the same moment in a session of
 * `seats` seats, through the real app over HTTP, against a throwaway database.
 *
 *   npx tsx bench/enrolment.ts [--n 500] [--seats 20] [--trace]      (or: npm run bench:enrolment -- --n 500)
 *
 * The database is MONGODB_URI when set (a database of its own is made there and dropped), else
 * an embedded server started as the app and the tests do (FerretDB unless LOCAL_DATABASE says
 * otherwise), in a temporary directory removed afterwards.
 *
 * Requests go over node:http without a client timeout (see send()). Prints requests/s, p50/p99 latency, and the final counts from
 * `GET /api/v1/sessions/:id/enrolments`; exits 1 unless exactly `seats` people are enrolled and
 * the others wait with positions 1..N−seats, contiguous, in the order of their wait tickets.
 * Not part of the jest suite.
 */
import { numberOption as option, openBenchDatabase, runBench, startBenchApp } from './database';
import http from 'node:http';
import mongoose from 'mongoose';
import { createApiToken } from '../src/accounts/api-token';
import { User } from '../src/accounts/model';
import { toSessionUser } from '../src/accounts/session-user';
import { WaitClaim } from '../src/enrolment/model';
import { TrainingSession } from '../src/sessions/model';
import { defaultDays, scheduleSession } from '../src/sessions/schedule';

const N = option('n', 500);
const SEATS = option('seats', 20);
/** `--trace`: counts the database commands of the burst by kind, collection and filter keys (mongoose's debug hook). */
const TRACE = process.argv.includes('--trace');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Runs `work` over `items` with at most `limit` at a time. */
async function inBatches<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

/**
 * One request over node:http with its own keep-alive agent and no timeout: fetch (undici) gives
 * up after 300 s without response headers, which would turn a slow server into lost requests.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
function send(method: 'GET' | 'POST', url: string, token: string, body?: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = { text };
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface ListItem {
  userId: string;
  status: 'enrolled' | 'waitlisted';
  position?: number;
}

async function main(): Promise<number> {
  const bench = await openBenchDatabase('enrolment');
  let app: Awaited<ReturnType<typeof startBenchApp>> | undefined;
  try {
    app = await startBenchApp(bench);
    const base = app.api;

    // The session and its trainer (who reads the list at the end).
    const trainerDoc = await User.create({ email: 'bench-trainer@example.org', name: 'Bench Trainer', passwordHash: 'not used', roles: ['trainer'], country: 'BE', emailVerifiedAt: new Date() });
    const trainerToken = (await createApiToken(String(trainerDoc._id), 'bench')).token;
    const { session } = await scheduleSession(toSessionUser(trainerDoc.toObject()), {
      title: 'Benchmark session',
      courses: ['awareness'],
      language: 'fr',
      city: 'be-brussels',
      venue: { name: 'Hôtel de Ville', address: 'Grand-Place 1' },
      days: defaultDays('2036-03-10'),
      capacity: SEATS,
    });
    const sessionId = String(session._id);

    // N verified stakeholders, each with an API token.
    const setupStart = performance.now();
    const people = await User.insertMany(
      Array.from({ length: N }, (_, i) => ({ email: `bench-${i}@example.org`, name: `Bench Person ${i}`, passwordHash: 'not used', roles: ['stakeholder'], country: 'BE', emailVerifiedAt: new Date() })),
    );
    const tokens = await inBatches(people, 25, async (person) => (await createApiToken(String(person._id), 'bench')).token);
    console.log(`setup: ${N} accounts with tokens, a session of ${SEATS} seats (${((performance.now() - setupStart) / 1000).toFixed(1)} s)`);

    // Mongoose's debug hook sees every collection operation: one database command each (cursors aside). The filter's keys tell whether it is by `_id`.
    const commands = new Map<string, number>();
    if (TRACE) {
      mongoose.set('debug', (collection: string, method: string, filter?: unknown) => {
        const shape = Array.isArray(filter) ? '[…]' : filter && typeof filter === 'object' ? `{${Object.keys(filter).join(',')}}` : '';
        const key = `${method} ${collection} ${shape}`;
        commands.set(key, (commands.get(key) ?? 0) + 1);
      });
    }

    // All at once.
    const latencies: number[] = new Array(N);
    const answers: Array<{ status: number; body: { status?: string; position?: number; type?: string } }> = new Array(N);
    const start = performance.now();
    await Promise.all(
      tokens.map(async (token, i) => {
        const sent = performance.now();
        try {
          const res = await send('POST', `${base}/sessions/${sessionId}/enrolments`, token, '{}');
          answers[i] = { status: res.status, body: res.body as { status?: string } };
        } catch (error) {
          answers[i] = { status: 0, body: { type: error instanceof Error ? error.message : String(error) } };
        }
        latencies[i] = performance.now() - sent;
      }),
    );
    const wall = performance.now() - start;
    if (TRACE) {
      mongoose.set('debug', false);
      const total = [...commands.values()].reduce((sum, count) => sum + count, 0);
      console.log(`database commands during the burst: ${total} (${(total / N).toFixed(1)} per enrolment)`);
      for (const [key, count] of [...commands].sort((a, b) => b[1] - a[1])) console.log(`  ${(count / N).toFixed(2).padStart(7)}  ${key}`);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const byStatus = new Map<number, number>();
    for (const answer of answers) byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);

    console.log('');
    console.log(`requests:     ${N} concurrent POST /api/v1/sessions/:id/enrolments in ${(wall / 1000).toFixed(2)} s`);
    console.log(`throughput:   ${(N / (wall / 1000)).toFixed(1)} requests/s`);
    console.log(`latency:      p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1)!)}`);
    console.log(`answers:      ${[...byStatus].map(([status, count]) => `${status}: ${count}`).join(', ')}`);

    // The final list, every page.
    const items: ListItem[] = [];
    for (let page = 1; ; page += 1) {
      const res = await send('GET', `${base}/sessions/${sessionId}/enrolments?page=${page}&pageSize=100`, trainerToken);
      if (res.status !== 200) throw new Error(`GET enrolments answered ${res.status}`);
      const body = res.body as { items: ListItem[]; total: number };
      items.push(...body.items);
      if (items.length >= body.total || body.items.length === 0) break;
    }
    const enrolled = items.filter((item) => item.status === 'enrolled');
    const waiting = items.filter((item) => item.status === 'waitlisted');
    const positions = waiting.map((item) => item.position);
    const tickets = await WaitClaim.find({ session: session._id }).sort({ n: 1 }).lean();
    const ticketOrder = tickets.map((ticket) => String(ticket.user));
    const counters = await TrainingSession.findById(session._id).select({ seatsTaken: 1, waitlisted: 1 }).lean();

    const problems: string[] = [];
    if ((byStatus.get(201) ?? 0) !== N) problems.push(`${N - (byStatus.get(201) ?? 0)} requests were not answered 201`);
    const answeredEnrolled = answers.filter((answer) => answer.body.status === 'enrolled').length;
    if (answeredEnrolled !== Math.min(SEATS, N)) problems.push(`${answeredEnrolled} requests were told "enrolled", expected ${Math.min(SEATS, N)}`);
    if (enrolled.length !== Math.min(SEATS, N)) problems.push(`${enrolled.length} enrolled, expected ${Math.min(SEATS, N)}`);
    if (waiting.length !== Math.max(0, N - SEATS)) problems.push(`${waiting.length} waiting, expected ${Math.max(0, N - SEATS)}`);
    if (new Set(items.map((item) => item.userId)).size !== items.length) problems.push('someone is listed twice');
    if (!positions.every((position, index) => position === index + 1)) problems.push('the waiting positions are not 1..N−seats in order');
    if (waiting.map((item) => item.userId).join() !== ticketOrder.join()) problems.push('the waiting list is not in the order of the wait tickets');
    if (counters?.seatsTaken !== enrolled.length || counters?.waitlisted !== waiting.length) problems.push(`the session's counters say ${counters?.seatsTaken} taken, ${counters?.waitlisted} waiting`);

    console.log(`final list:   ${enrolled.length} enrolled, ${waiting.length} waiting (positions ${positions.length ? `${positions[0]}..${positions.at(-1)}` : 'none'}), ${tickets.length} wait tickets; session counters ${counters?.seatsTaken}/${counters?.waitlisted}`);
    if (problems.length > 0) {
      console.log(`\nFAILED:\n- ${problems.join('\n- ')}`);
      return 1;
    }
    console.log(`\nOK: exactly ${Math.min(SEATS, N)} enrolled, the other ${Math.max(0, N - SEATS)} waiting in ticket order.`);
    return 0;
  } finally {
    agent.destroy();
    await app?.close();
    await bench.close();
  }
}

runBench(main);

/**
 * A query budget per page (issue 13, point 1): each key page and API call makes a bounded number
 * of database round trips, and the same number with ten times the people and sessions. On
 * FerretDB every query not on `_id` scans its whole collection, so a page that reads more as the
 * programme grows gets slower for everyone; this test is where that shows first.
 */
import type { Express } from 'express';
import request from 'supertest';
import mongoose from 'mongoose';
import { createApiToken } from '../../src/accounts/api-token';
import { User } from '../../src/accounts/model';
import { seedDemo } from '../../src/demo/seed';
import { importModules } from '../../src/courses/import';
import { Course, CourseVersion } from '../../src/courses/model';
import { Enrolment, SeatClaim, WaitClaim } from '../../src/enrolment/model';
import { seedReferenceData } from '../../src/reference/seed';
import { TrainingSession } from '../../src/sessions/model';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { signInAccount } from '../support/personas';
import { countingRoundTrips } from '../support/round-trips';

jest.setTimeout(300_000);
const db = useTestDatabase(__filename, { monitorCommands: true });

interface PageCase {
  name: string;
  who: 'anonymous' | 'learner' | 'trainer' | 'coordinator' | 'api';
  path: () => string;
  /**
   * Database commands allowed for one request: a fixed number, plus one point query per person
   * or module the page lists where it names them (`seated`, `waiting`: the session's people).
   */
  budget: (people: { seated: number; waiting: number; modules: number }) => number;
  /**
   * Reads allowed that are not by `_id` alone (FerretDB scans the whole collection for those),
   * each with why it is still there. Any other is a failure.
   */
  scans?: string[];
  status?: number;
}

/** Signed in: the browser session and the account, both by id. */
const SIGNED_IN = 2;

const PAGES: PageCase[] = [
  { name: 'home', who: 'anonymous', path: () => '/', budget: () => 0 },
  { name: 'catalogue', who: 'anonymous', path: () => '/modules', budget: () => 0 },
  { name: 'catalogue, signed in', who: 'learner', path: () => '/modules', budget: ({ modules }) => SIGNED_IN + modules },
  { name: 'module', who: 'anonymous', path: () => '/modules/awareness', budget: () => 0 },
  { name: 'lesson', who: 'learner', path: () => lessonPath, budget: () => SIGNED_IN + 1 },
  { name: 'session list', who: 'anonymous', path: () => '/sessions', budget: () => 0 },
  { name: 'session page', who: 'anonymous', path: () => `/sessions/${sessionId}`, budget: () => 1 },
  // The learner's place in it: their seat or ticket, read by session and person; a ticket's rank is counted.
  {
    name: 'session page, signed in',
    who: 'learner',
    path: () => `/sessions/${sessionId}`,
    budget: () => SIGNED_IN + 4,
    scans: ['find session_seats', 'find session_waiting_list', 'aggregate session_waiting_list'],
  },
  { name: 'trainer’s desk', who: 'trainer', path: () => '/desk', budget: () => SIGNED_IN },
  // The session's seats, waiting list and invitations are read by session.
  {
    name: 'roster',
    who: 'trainer',
    path: () => `/sessions/${sessionId}/roster`,
    budget: ({ seated, waiting }) => SIGNED_IN + 5 + seated + waiting,
    scans: ['find session_invitations', 'find session_seats', 'find session_waiting_list'],
  },
  // Who holds a seat, and the day's trail of changes, are read by session. Per person: their
  // account and their record of the day; the trail adds whoever recorded it.
  {
    name: 'roll call',
    who: 'trainer',
    path: () => `/sessions/${sessionId}/days/1/roll-call`,
    budget: ({ seated }) => SIGNED_IN + 4 + 2 * seated,
    scans: ['find session_seats', 'find attendance_changes'],
  },
  // The recount job collection holds one document at most.
  { name: 'dashboard', who: 'coordinator', path: () => '/dashboard', budget: () => SIGNED_IN + 1, scans: ['find recount_jobs'] },
  { name: 'API: sessions', who: 'api', path: () => '/api/v1/sessions', budget: () => 2 },
  { name: 'API: courses', who: 'api', path: () => '/api/v1/courses', budget: () => 2 },
];

let app: Express;
let counting: ReturnType<typeof countingRoundTrips>;
const agents: Partial<Record<PageCase['who'], ReturnType<typeof request.agent>>> = {};
let apiToken = '';
let sessionId = '';
let lessonPath = '';
let people = { seated: 0, waiting: 0, modules: 0 };


async function commandsOf(page: PageCase): Promise<string[]> {
  const agent = page.who === 'api' ? request(counting.handler) : agents[page.who]!;
  const pending = agent.get(page.path());
  const res = await (page.who === 'api' ? pending.set('Authorization', `Bearer ${apiToken}`) : pending);
  expect({ page: page.name, status: res.status }).toEqual({ page: page.name, status: page.status ?? 200 });
  return counting.last();
}

async function measureAll(): Promise<Map<string, string[]>> {
  const counts = new Map<string, string[]>();
  for (const page of PAGES) {
    // Twice: the first request of a page may fill a cache; the budget is for every one after.
    await commandsOf(page);
    counts.set(page.name, await commandsOf(page));
  }
  return counts;
}

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  app = await buildTestApp(db.database());
  counting = countingRoundTrips(app);
  await seedDemo({ stakeholders: 40, sessions: 6, run: 'small' });
  const held = await TrainingSession.findOne({ seatsTaken: mongoose.trusted({ $gt: 0 }), firstStartsAt: mongoose.trusted({ $lt: new Date() }) }).sort({ firstStartsAt: -1 }).lean();
  if (!held) throw new Error('the demo data has no held session with people in it');
  sessionId = String(held._id);
  const learner = await Enrolment.findOne({ session: held._id, status: 'enrolled' }).lean();
  const coordinator = await User.create({ email: 'coordinator@example.org', name: 'Coordinator', passwordHash: 'x', roles: ['coordinator'], country: 'BE', emailVerifiedAt: new Date() });
  agents.anonymous = request.agent(counting.handler);
  agents.learner = await signInAccount(counting.handler, String(learner!.user));
  agents.trainer = await signInAccount(counting.handler, String(held.trainers[0]));
  agents.coordinator = await signInAccount(counting.handler, String(coordinator._id));
  apiToken = (await createApiToken(String(learner!.user), 'round trips')).token;
  const awareness = await CourseVersion.findOne({ course: 'awareness', status: 'published' }).select({ lessons: 1 }).lean();
  lessonPath = `/modules/awareness/lessons/${awareness!.lessons[0]!.key}`;
  people = {
    seated: await SeatClaim.countDocuments({ session: held._id }),
    waiting: await WaitClaim.countDocuments({ session: held._id }),
    modules: await Course.countDocuments(),
  };
  expect(people.seated).toBeGreaterThan(0);
});

it('keeps every key page within its round-trip budget, reading by key, and the same with ten times the people and sessions', async () => {
  const small = await measureAll();
  await seedDemo({ stakeholders: 400, sessions: 60, run: 'large' });
  const large = await measureAll();
  for (const page of PAGES) {
    const commands = large.get(page.name)!;
    const scans = [...new Set(commands.filter((command) => !command.endsWith(' by id')))];
    expect({ page: page.name, commands: commands.length }).toEqual({ page: page.name, commands: small.get(page.name)!.length });
    expect({ page: page.name, withinBudget: commands.length <= page.budget(people), commands }).toEqual({ page: page.name, withinBudget: true, commands });
    expect({ page: page.name, scans: scans.filter((scan) => !(page.scans ?? []).includes(scan)) }).toEqual({ page: page.name, scans: [] });
  }
});

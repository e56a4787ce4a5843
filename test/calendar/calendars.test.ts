/**
 * Session calendars and personal feeds (issue 5, point 4), read back with a real iCalendar
 * parser (ical.js), against the real database and the real page stack (sessions, sign-in,
 * CSRF). The calendar routers are mounted on a small app in front of the real one, as app.ts
 * will mount them.
 */
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import type ICALModule from 'ical.js' with { 'resolution-mode': 'import' };
import mongoose from 'mongoose';
import request from 'supertest';
import { createPassport, sessionAuthentication } from '../../src/accounts/authentication';
import { User } from '../../src/accounts/model';
import { CalendarFeed, hashFeedToken } from '../../src/calendar/feed';
import { calendarApi, calendarPages } from '../../src/calendar/routes';
import { sessionCalendar } from '../../src/calendar/session-calendar';
import { importModules } from '../../src/courses/import';
import { Course, CourseVersion } from '../../src/courses/model';
import { apiRouter } from '../../src/http/api-router';
import { csrfProtection } from '../../src/http/csrf';
import { errorHandler, notFoundHandler } from '../../src/http/error-handler';
import { sessionMiddleware } from '../../src/http/session';
import { createI18n } from '../../src/i18n';
import { applyUserLanguage, languageMiddleware } from '../../src/i18n/middleware';
import { seedReferenceData } from '../../src/reference/seed';
import { TrainingSession, type TrainingSessionDocument } from '../../src/sessions/model';
import { type ScheduleInput, scheduleSession } from '../../src/sessions/schedule';
import { buildTestApp, TEST_SESSION_SECRET, testConfig } from '../support/app';
import { actor } from '../support/course-authors';
import { csrfTokenIn } from '../support/forms';
import { testLogger } from '../support/logger';
import { signedInAgent } from '../profile/helpers';
import { useTestDatabase } from '../support/database';

// ical.js is an ES module with a CommonJS build: Jest runs CommonJS, so it is required (typed from its ESM types).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js') as typeof ICALModule;

const db = useTestDatabase(__filename);
const NOW = new Date('2027-01-15T10:00:00Z');
const BASE_URL = 'https://learning.example.org';
const trainer = actor(['trainer']);

let app: Express;
let t: Awaited<ReturnType<typeof createI18n>>;

/** The real app behind the calendar routers, with the same page stack in front of them. */
async function calendarApp(): Promise<Express> {
  const real = await buildTestApp(db.database());
  const config = testConfig();
  const front = express();
  front.use(cookieParser());
  front.use(languageMiddleware(t, { secureCookies: false }));
  front.use('/api/v1', apiRouter([calendarApi({ baseUrl: BASE_URL })]));
  front.use(sessionMiddleware({ config, database: db.database(), secret: TEST_SESSION_SECRET }));
  front.use(sessionAuthentication(createPassport()));
  front.use(applyUserLanguage);
  front.use(express.urlencoded({ extended: false }));
  front.use(csrfProtection);
  front.use(calendarPages({ baseUrl: BASE_URL }));
  front.use(real);
  front.use(notFoundHandler);
  front.use(errorHandler({ log: testLogger, showStacks: true }));
  return front;
}

function input(overrides: Partial<ScheduleInput> = {}): ScheduleInput {
  return {
    title: 'Awareness in Setúbal',
    courses: ['awareness', 'schools'],
    language: 'pt',
    city: 'pt-setubal',
    timezone: 'Europe/Lisbon',
    venue: { name: 'Casa da Cultura', address: 'Largo José Afonso' },
    days: [
      { date: '2027-05-10', start: '09:00', end: '17:00' },
      { date: '2027-05-11', start: '09:30', end: '13:00' },
    ],
    capacity: 20,
    ...overrides,
  };
}

async function schedule(overrides: Partial<ScheduleInput> = {}, by = trainer): Promise<TrainingSessionDocument> {
  return (await scheduleSession(by, input(overrides), NOW)).session;
}

const en = () => ({ lang: 'en' as const, t: t.getFixedT('en'), baseUrl: BASE_URL });

interface ParsedEvent {
  uid: string;
  sequence: number;
  summary: string;
  location: string;
  description: string;
  status: string;
  url: string;
  tzid: string;
  start: string;
  end: string;
  localStart: string;
}

/** The calendar as ical.js reads it: METHOD, zones and each event's fields and instants. */
function parse(text: string): { method: string; zones: string[]; events: ParsedEvent[] } {
  const root = new ICAL.Component(ICAL.parse(text));
  const events = root.getAllSubcomponents('vevent').map((component) => {
    const event = new ICAL.Event(component);
    const start = component.getFirstProperty('dtstart')!;
    return {
      uid: event.uid,
      sequence: event.sequence,
      summary: event.summary,
      location: event.location,
      description: event.description,
      status: String(component.getFirstPropertyValue('status')),
      url: String(component.getFirstPropertyValue('url')),
      tzid: String(start.getParameter('tzid')),
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      localStart: event.startDate.toString(),
    };
  });
  return {
    method: String(root.getFirstPropertyValue('method')),
    zones: root.getAllSubcomponents('vtimezone').map((zone) => String(zone.getFirstPropertyValue('tzid'))),
    events,
  };
}

beforeAll(async () => {
  t = await createI18n();
  await seedReferenceData();
  await Course.deleteMany({});
  await CourseVersion.deleteMany({});
  expect((await importModules()).problems).toEqual([]);
  app = await calendarApp();
});

beforeEach(async () => {
  await TrainingSession.deleteMany({});
  await mongoose.connection.collection('enrolments').deleteMany({});
});

describe('a session as iCalendar', () => {
  it('a 2-day session in Lisbon: 2 VEVENTs with TZID Europe/Lisbon at its instants, location, description, stable UIDs', async () => {
    const session = await schedule();
    const id = String(session._id);
    const text = await sessionCalendar(session, en());
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const parsed = parse(text);
    expect(parsed.method).toBe('PUBLISH');
    expect(parsed.zones).toEqual(['Europe/Lisbon']);
    expect(parsed.events).toHaveLength(2);
    expect(parsed.events.map((event) => event.tzid)).toEqual(['Europe/Lisbon', 'Europe/Lisbon']);
    expect(parsed.events.map((event) => event.start)).toEqual(session.days.map((day) => day.startsAt.toISOString()));
    expect(parsed.events.map((event) => event.end)).toEqual(session.days.map((day) => day.endsAt.toISOString()));
    expect(parsed.events.map((event) => event.localStart)).toEqual(['2027-05-10T09:00:00', '2027-05-11T09:30:00']);
    expect(parsed.events.map((event) => event.uid)).toEqual([`${id}-2027-05-10@liaise-learning`, `${id}-2027-05-11@liaise-learning`]);
    expect(parsed.events.map((event) => event.summary)).toEqual(['Awareness in Setúbal (day 1 of 2)', 'Awareness in Setúbal (day 2 of 2)']);
    const [first] = parsed.events;
    expect(first!.location).toBe('Casa da Cultura, Largo José Afonso, Setúbal');
    expect(first!.description).toContain('version 1.1.0');
    expect(first!.description).toContain('version 1.0.0');
    expect(first!.description).toContain(`${BASE_URL}/sessions/${id}`);
    expect(first!.url).toBe(`${BASE_URL}/sessions/${id}`);
    expect(first!.status).toBe('CONFIRMED');
    expect(first!.sequence).toBe(0);
    // Written again later: the same UIDs.
    expect(parse(await sessionCalendar(session, { ...en(), now: new Date('2027-02-01T00:00:00Z') })).events.map((event) => event.uid)).toEqual(
      parsed.events.map((event) => event.uid),
    );
  });

  it('the city is named in the requested language', async () => {
    const session = await schedule();
    const [event] = parse(await sessionCalendar(session, { lang: 'el', t: t.getFixedT('el'), baseUrl: BASE_URL })).events;
    expect(event!.location).toBe('Casa da Cultura, Largo José Afonso, Σετούμπαλ');
  });

  it('across the March change to summer time each day keeps its wall-clock time and its instant', async () => {
    // Lisbon switches on Sunday 28 March 2027 at 01:00 UTC.
    const session = await schedule({
      days: [
        { date: '2027-03-27', start: '09:00', end: '17:00' },
        { date: '2027-03-28', start: '09:00', end: '17:00' },
        { date: '2027-03-29', start: '09:00', end: '17:00' },
      ],
    });
    const { events } = parse(await sessionCalendar(session, en()));
    expect(events.map((event) => event.start)).toEqual(['2027-03-27T09:00:00.000Z', '2027-03-28T08:00:00.000Z', '2027-03-29T08:00:00.000Z']);
    expect(events.map((event) => event.start)).toEqual(session.days.map((day) => day.startsAt.toISOString()));
    expect(events.map((event) => event.localStart)).toEqual(['2027-03-27T09:00:00', '2027-03-28T09:00:00', '2027-03-29T09:00:00']);
  });

  it('SEQUENCE follows the session; a cancelled session is METHOD:CANCEL, STATUS:CANCELLED, with the same UIDs', async () => {
    const session = await schedule();
    const before = parse(await sessionCalendar(session, en()));
    await TrainingSession.updateOne({ _id: session._id }, { $inc: { sequence: 1 }, $set: { 'days.1.start': '10:00' } });
    const changed = parse(await sessionCalendar((await TrainingSession.findById(session._id).lean<TrainingSessionDocument>())!, en()));
    expect(changed.events.map((event) => event.sequence)).toEqual([1, 1]);
    expect(changed.events[1]!.localStart).toBe('2027-05-11T10:00:00');
    await TrainingSession.updateOne({ _id: session._id }, { $inc: { sequence: 1 }, $set: { status: 'cancelled' } });
    const cancelled = parse(await sessionCalendar((await TrainingSession.findById(session._id).lean<TrainingSessionDocument>())!, en()));
    expect(cancelled.method).toBe('CANCEL');
    expect(cancelled.events.map((event) => event.status)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(cancelled.events.map((event) => event.sequence)).toEqual([2, 2]);
    expect(cancelled.events.map((event) => event.uid)).toEqual(before.events.map((event) => event.uid));
  });

  it('a title with commas, semicolons, newlines and 200 characters of Greek is escaped, folded and read back identical', async () => {
    const greek = 'Αβγδεζηθικλμνξοπρστυφχψω'.repeat(9).slice(0, 200);
    expect(greek).toHaveLength(200);
    const session = await schedule({ title: 'Placeholder', days: [{ date: '2027-05-10', start: '09:00', end: '17:00' }] });
    // The form keeps titles to 200 characters on one line; the calendar must survive anything stored.
    const title = `Safety, schools; and\nnights \\ ${greek}`;
    await TrainingSession.collection.updateOne({ _id: session._id }, { $set: { title } });
    const text = await sessionCalendar((await TrainingSession.findById(session._id).lean<TrainingSessionDocument>())!, en());
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(text).toContain('SUMMARY:Safety\\, schools\\; and\\nnights \\\\ ');
    const [event] = parse(text).events;
    expect(event!.summary).toBe(title);
  });
});

describe('GET /api/v1/sessions/:id.ics', () => {
  it('serves any session publicly as text/calendar, and 404 for unknown or malformed ids', async () => {
    const session = await schedule();
    const res = await request(app).get(`/api/v1/sessions/${String(session._id)}.ics`).expect(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('.ics');
    expect(parse(res.text).events).toHaveLength(2);
    await TrainingSession.updateOne({ _id: session._id }, { $set: { status: 'cancelled' }, $inc: { sequence: 1 } });
    expect(parse((await request(app).get(`/api/v1/sessions/${String(session._id)}.ics`).expect(200)).text).method).toBe('CANCEL');
    await request(app).get(`/api/v1/sessions/${new mongoose.Types.ObjectId().toHexString()}.ics`).expect(404);
    await request(app).get('/api/v1/sessions/not-an-id.ics').expect(404);
  });

  it('does not take GET /sessions/:id, which a sessions router mounted after it still answers', async () => {
    const session = await schedule();
    const id = String(session._id);
    const sessions = express.Router().get('/sessions/:id', (req, res) => void res.json({ id: req.params.id }));
    const both = express().use(cookieParser(), languageMiddleware(t, { secureCookies: false })).use('/api/v1', apiRouter([calendarApi({ baseUrl: BASE_URL }), sessions]));
    expect((await request(both).get(`/api/v1/sessions/${id}`).expect(200)).body).toEqual({ id });
    expect((await request(both).get(`/api/v1/sessions/${id}.ics`).expect(200)).headers['content-type']).toContain('text/calendar');
  });
});

describe('personal calendar feed', () => {
  async function withFeed(email: string) {
    const agent = await signedInAgent(app, email);
    const user = (await User.findOne({ email }).lean())!;
    const token = csrfTokenIn((await agent.get('/profile').expect(200)).text);
    const created = await agent.post('/profile/calendar-feed').type('form').send({ _csrf: token }).expect(303);
    expect(created.headers.location).toBe('/profile#calendar');
    const feed = (await CalendarFeed.findOne({ user: user._id }).lean())!;
    return { agent, user, feed, csrf: token };
  }

  /** The URL the profile page is given once, from the session (as the page will read it). */
  async function shownUrl(userId: mongoose.Types.ObjectId): Promise<string> {
    const stored = await mongoose.connection.collection('sessions').find({}).toArray();
    const urls = stored
      .map((row) => (row as unknown as { session: { newCalendarFeedUrl?: string; passport?: { user?: string } } }).session)
      .filter((data) => data.newCalendarFeedUrl && JSON.stringify(data.passport ?? {}).includes(String(userId)))
      .map((data) => data.newCalendarFeedUrl!);
    expect(urls).toHaveLength(1);
    return urls[0]!;
  }

  it('create → the URL lists only that user’s sessions (enrolled or teaching); revoke → 404; a second create replaces the first', async () => {
    const { agent, user, feed, csrf } = await withFeed('feed-owner@example.org');
    const url = await shownUrl(user._id);
    expect(url).toMatch(new RegExp(`^${BASE_URL}/calendar/[A-Za-z0-9_-]{43}\\.ics$`));
    const path = url.slice(BASE_URL.length);
    // Only the hash is stored.
    expect(feed.tokenHash).toBe(hashFeedToken(path.slice('/calendar/'.length, -'.ics'.length)));

    const enrolled = await schedule({ title: 'Enrolled session' });
    const waitlisted = await schedule({ title: 'Waitlisted session' }, actor(['trainer']));
    const other = await schedule({ title: 'Someone else’s session' }, actor(['trainer']));
    const teacher = await User.create({ email: 'teaching@example.org', name: 'Teaching', passwordHash: 'x', roles: ['trainer'], emailVerifiedAt: new Date() });
    const teaching = await schedule({ title: 'Taught session', days: [{ date: '2027-06-01', start: '09:00', end: '12:00' }] }, { ...actor(['trainer']), id: String(user._id) });
    const enrolments = mongoose.connection.collection('enrolments');
    await enrolments.insertMany([
      { session: enrolled._id, user: user._id, status: 'enrolled' },
      { session: waitlisted._id, user: user._id, status: 'waitlisted' },
      { session: other._id, user: teacher._id, status: 'enrolled' },
    ]);

    const res = await request(app).get(path).expect(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toBe('private, max-age=300');
    const parsed = parse(res.text);
    expect(parsed.method).toBe('PUBLISH');
    expect(parsed.zones).toEqual(['Europe/Lisbon']);
    expect(parsed.events.map((event) => event.summary)).toEqual(['Enrolled session (day 1 of 2)', 'Enrolled session (day 2 of 2)', 'Taught session']);
    expect(parsed.events.map((event) => event.uid)).toContain(`${String(teaching._id)}-2027-06-01@liaise-learning`);

    // A cancelled session stays in the feed, marked cancelled.
    await TrainingSession.updateOne({ _id: enrolled._id }, { $set: { status: 'cancelled' }, $inc: { sequence: 1 } });
    const afterCancel = parse((await request(app).get(path).expect(200)).text);
    expect(afterCancel.events.slice(0, 2).map((event) => [event.status, event.sequence])).toEqual([['CANCELLED', 1], ['CANCELLED', 1]]);

    // A second create replaces the first token.
    await agent.post('/profile/calendar-feed').type('form').send({ _csrf: csrf }).expect(303);
    const second = (await shownUrl(user._id)).slice(BASE_URL.length);
    expect(second).not.toBe(path);
    await request(app).get(path).expect(404);
    await request(app).get(second).expect(200);
    expect(await CalendarFeed.countDocuments({ user: user._id })).toBe(1);

    // Revoked: 404.
    await agent.post('/profile/calendar-feed/revoke').type('form').send({ _csrf: csrf }).expect(303);
    await request(app).get(second).expect(404);
    expect((await CalendarFeed.findOne({ user: user._id }).lean())!.revokedAt).toBeInstanceOf(Date);
  });

  it('unknown tokens are 404; the forms need a signed-in person and a CSRF token', async () => {
    await request(app).get(`/calendar/${'A'.repeat(43)}.ics`).expect(404);
    await request(app).get('/calendar/short.ics').expect(404);
    const anonymous = await request(app).post('/profile/calendar-feed').type('form').send({});
    expect(anonymous.status).toBe(403);
    const { agent } = await withFeed('feed-csrf@example.org');
    await agent.post('/profile/calendar-feed/revoke').type('form').send({ _csrf: 'forged' }).expect(403);
  });
});

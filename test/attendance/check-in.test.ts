/**
 * Self check-in (issue 6, point 2), against the real app and database: a trainer opens a day's
 * code, an enrolled person checks in with it and is marked present (via check-in, in the
 * trail); a replay is harmless; other days' and sessions' codes, expired codes and people not
 * enrolled are refused; wrong codes are rate-limited; the code is stored only hashed.
 */
import { createHash } from 'node:crypto';
import type { Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { toSessionUser } from '../../src/accounts/session-user';
import { CheckInCode, openCheckInCode } from '../../src/attendance/check-in';
import { Attendance, AttendanceChange } from '../../src/attendance/model';
import { importModules } from '../../src/courses/import';
import { enrol } from '../../src/enrolment/service';
import { seedReferenceData } from '../../src/reference/seed';
import { TrainingSession } from '../../src/sessions/model';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn } from '../support/forms';
import { type SignedInPersona, signInPersona } from '../support/personas';

const db = useTestDatabase(__filename);
let app: Express;
let trainer: SignedInPersona;

/** Scheduling happens "in 2027", for days in 2031; the days are then moved around the real now. */
const SCHEDULED_AT = new Date('2027-01-15T10:00:00Z');
const HOUR = 3_600_000;
const CODE = /^[A-HJ-NP-Z2-9]{6}$/;

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  app = await buildTestApp(db.database(), { BASE_URL: 'http://learning.example.org' });
  trainer = await signInPersona(app, 'trainer');
});

const asUser = async (persona: SignedInPersona) => toSessionUser((await User.findById(persona.userId).lean())!);

let serial = 0;
/**
 * A session of two days whose day 1 runs from an hour ago to six hours from now and day 2 is
 * tomorrow, with `people` enrolled.
 */
async function sessionToday(people: SignedInPersona[]): Promise<string> {
  serial += 1;
  const { session } = await scheduleSession(
    await asUser(trainer),
    {
      title: `Check-in ${serial}`,
      courses: ['awareness'],
      language: 'en',
      city: 'be-liege',
      venue: { name: `Salle ${serial}`, address: 'Place du Marché 1, Liège' },
      days: defaultDays(`2031-0${1 + (serial % 9)}-${String(10 + serial).padStart(2, '0')}`),
      capacity: 20,
    },
    SCHEDULED_AT,
  );
  const id = String(session._id);
  for (const person of people) await enrol(await asUser(person), id, undefined, SCHEDULED_AT);
  const now = Date.now();
  await TrainingSession.updateOne(
    { _id: session._id },
    {
      $set: {
        'days.0.startsAt': new Date(now - HOUR),
        'days.0.endsAt': new Date(now + 6 * HOUR),
        'days.1.startsAt': new Date(now + 24 * HOUR),
        'days.1.endsAt': new Date(now + 30 * HOUR),
      },
    },
  );
  return id;
}

const api = (persona: SignedInPersona) => ({
  post: (path: string, body: object) => request(app).post(`/api/v1${path}`).set('Authorization', `Bearer ${persona.token!}`).send(body),
});

async function openCode(id: string, day = 1, body: object = {}) {
  const res = await api(trainer).post(`/sessions/${id}/days/${day}/check-in-code`, body).expect(201);
  return res.body as { code: string; validFrom: string; validUntil: string; url: string };
}

describe('opening a check-in code', () => {
  it('gives a short code, a link and a window of 30 minutes by default; the code is stored hashed only', async () => {
    const id = await sessionToday([]);
    const before = Date.now();
    const opened = await openCode(id);
    expect(opened.code).toMatch(CODE);
    expect(opened.url).toBe(`http://learning.example.org/check-in?session=${id}&day=1&code=${opened.code}`);
    const minutes = (Date.parse(opened.validUntil) - before) / 60_000;
    expect(minutes).toBeGreaterThanOrEqual(29.9);
    expect(minutes).toBeLessThanOrEqual(30.1);

    const stored = await CheckInCode.find({ session: new mongoose.Types.ObjectId(id) }).lean();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(opened.code);
    expect(stored[0]!.codeHash).toBe(createHash('sha256').update(`${id}:0:${opened.code}`).digest('hex'));
  });

  it('clips the window to the end of the day, refuses other days and people other than the staff', async () => {
    const learner = await signInPersona(app, 'stakeholder');
    const id = await sessionToday([learner]);
    const session = (await TrainingSession.findById(id).lean())!;
    const long = await openCode(id, 1, { minutes: 240 });
    expect(Date.parse(long.validUntil)).toBeLessThanOrEqual(session.days[0]!.startsAt.getTime() + 7 * HOUR);
    // Clipped: a day ending in 20 minutes gives 20 minutes, not 30.
    await TrainingSession.updateOne({ _id: id }, { $set: { 'days.0.endsAt': new Date(Date.now() + 20 * 60_000) } });
    const short = await openCode(id);
    expect(Date.parse(short.validUntil)).toBe((await TrainingSession.findById(id).lean())!.days[0]!.endsAt.getTime());

    const tomorrow = await api(trainer).post(`/sessions/${id}/days/2/check-in-code`, {}).expect(409);
    expect(tomorrow.body.type).toBe('/problems/outside-day');
    await api(trainer).post(`/sessions/${id}/days/3/check-in-code`, {}).expect(404);
    const tooLong = await api(trainer).post(`/sessions/${id}/days/1/check-in-code`, { minutes: 241 }).expect(400);
    expect(tooLong.body.errors[0].path).toBe('minutes');
    await api(trainer).post(`/sessions/${id}/days/1/check-in-code`, { minutes: 4 }).expect(400);
    await api(learner).post(`/sessions/${id}/days/1/check-in-code`, {}).expect(403);
    await request(app).post(`/api/v1/sessions/${id}/days/1/check-in-code`).send({}).expect(401);
  });
});

describe('checking in', () => {
  it('marks an enrolled person present, via check-in, in the trail; a replay changes nothing', async () => {
    const learner = await signInPersona(app, 'stakeholder');
    const id = await sessionToday([learner]);
    const { code } = await openCode(id);
    // Case and spaces do not matter.
    const typed = `${code.slice(0, 3).toLowerCase()} ${code.slice(3)}`;
    const res = await api(learner).post(`/sessions/${id}/days/1/check-in`, { code: typed }).expect(200);
    expect(res.body).toEqual({ status: 'present', already: false });

    const records = await Attendance.find({ session: new mongoose.Types.ObjectId(id) }).lean();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ day: 0, status: 'present', via: 'check-in' });
    expect(String(records[0]!.user)).toBe(learner.userId);
    expect(String(records[0]!.recordedBy)).toBe(learner.userId);

    const again = await api(learner).post(`/sessions/${id}/days/1/check-in`, { code }).expect(200);
    expect(again.body).toEqual({ status: 'present', already: true });
    // Two at once (a double tap) do not write the trail twice either.
    await Promise.all([api(learner).post(`/sessions/${id}/days/1/check-in`, { code }), api(learner).post(`/sessions/${id}/days/1/check-in`, { code })]);
    const trail = await AttendanceChange.find({ session: new mongoose.Types.ObjectId(id) }).lean();
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ from: null, to: 'present', via: 'check-in' });
  });

  it('keeps what the staff recorded (late stays late)', async () => {
    const learner = await signInPersona(app, 'stakeholder');
    const id = await sessionToday([learner]);
    await request(app)
      .put(`/api/v1/sessions/${id}/days/1/attendance`)
      .set('Authorization', `Bearer ${trainer.token!}`)
      .send({ records: [{ userId: learner.userId, status: 'late' }] })
      .expect(200);
    const { code } = await openCode(id);
    const res = await api(learner).post(`/sessions/${id}/days/1/check-in`, { code }).expect(200);
    expect(res.body).toEqual({ status: 'late', already: true });
  });

  it('refuses another day’s or another session’s code, a replaced code, an expired code and people not enrolled', async () => {
    const learner = await signInPersona(app, 'stakeholder');
    const stranger = await signInPersona(app, 'stakeholder');
    const id = await sessionToday([learner]);
    const otherId = await sessionToday([learner]);
    const session = (await TrainingSession.findById(id).lean())!;

    // Day 2's code, opened during day 2 (the service takes "now").
    const dayTwo = await openCheckInCode(await asUser(trainer), id, 2, 30, new Date(session.days[1]!.startsAt.getTime() + 60_000));
    const wrongDay = await api(learner).post(`/sessions/${id}/days/1/check-in`, { code: dayTwo.code }).expect(400);
    expect(wrongDay.body.errors).toEqual([{ path: 'code', message: 'This code is not right for this session day. Check it and try again.' }]);
    // The other session's code for day 1.
    const other = await openCode(otherId);
    await api(learner).post(`/sessions/${id}/days/1/check-in`, { code: other.code }).expect(400);
    // A code replaced by a new one.
    const first = await openCode(id);
    const second = await openCode(id);
    if (first.code !== second.code) await api(learner).post(`/sessions/${id}/days/1/check-in`, { code: first.code }).expect(400);
    // Not enrolled, even with the right code.
    const refused = await api(stranger).post(`/sessions/${id}/days/1/check-in`, { code: second.code }).expect(403);
    expect(refused.body.type).toBe('/problems/not-enrolled');
    // Day 2 has not started: its code is not valid now (the window is that of day 2).
    await api(learner).post(`/sessions/${id}/days/2/check-in`, { code: dayTwo.code }).expect(409);
    // Expired: opened for 5 minutes at the day's start, an hour ago.
    const old = await openCheckInCode(await asUser(trainer), id, 1, 5, session.days[0]!.startsAt);
    const expired = await api(learner).post(`/sessions/${id}/days/1/check-in`, { code: old.code }).expect(409);
    expect(expired.body.type).toBe('/problems/check-in-closed');
    expect(expired.body.errors[0].message).toBe('This check-in code is no longer valid. Ask your trainer for a new one.');
    expect(await Attendance.countDocuments({ session: session._id })).toBe(0);
    await request(app).post(`/api/v1/sessions/${id}/days/1/check-in`).send({ code: old.code }).expect(401);
  });

  it('allows 10 wrong codes per person in 15 minutes, then answers 429 with Retry-After', async () => {
    const learner = await signInPersona(app, 'stakeholder');
    const patient = await signInPersona(app, 'stakeholder');
    const id = await sessionToday([learner, patient]);
    const { code } = await openCode(id);
    const wrong = code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    for (let attempt = 0; attempt < 10; attempt += 1) await api(learner).post(`/sessions/${id}/days/1/check-in`, { code: wrong }).expect(400);
    const blocked = await api(learner).post(`/sessions/${id}/days/1/check-in`, { code }).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // The web form shares the counter.
    const page = await learner.agent.get(`/check-in?session=${id}&day=1&code=${code}`).expect(200);
    await learner.agent.post('/check-in').type('form').send({ _csrf: csrfTokenIn(page.text), session: id, day: '1', code }).expect(429);
    // Someone else in the same room (same address) is not affected.
    await api(patient).post(`/sessions/${id}/days/1/check-in`, { code }).expect(200);
  });
});

describe('the pages', () => {
  it('shows the staff the code with its QR image, and lets a person check in from the link', async () => {
    const learner = await signInPersona(app, 'stakeholder');
    const id = await sessionToday([learner]);
    const empty = await trainer.agent.get(`/sessions/${id}/days/1/check-in-code`).expect(200);
    expect(empty.text).toContain('No check-in code is open for this day.');
    const opened = await trainer.agent.post(`/sessions/${id}/days/1/check-in-code`).type('form').send({ _csrf: csrfTokenIn(empty.text), minutes: '45' }).expect(200);
    expect(opened.headers['cache-control']).toBe('no-store');
    const code = /data-code="([A-Z0-9]{6})"/.exec(opened.text)![1]!;
    expect(code).toMatch(CODE);
    expect(opened.text).toContain('<svg');
    expect(opened.text).toContain(`http://learning.example.org/check-in?session=${id}&amp;day=1&amp;code=${code}`);
    const later = await trainer.agent.get(`/sessions/${id}/days/1/check-in-code`).expect(200);
    expect(later.text).not.toContain(code);
    expect(later.text).toContain('A code is open until');
    const bad = await trainer.agent.post(`/sessions/${id}/days/1/check-in-code`).type('form').send({ _csrf: csrfTokenIn(empty.text), minutes: 'many' }).expect(400);
    expect(bad.text).toContain('id="error-minutes"');
    await learner.agent.get(`/sessions/${id}/days/1/check-in-code`).expect(403);

    // The QR link: signed out, sign in first and come back.
    const visitor = await request(app).get(`/check-in?session=${id}&day=1&code=${code}`).expect(303);
    expect(visitor.headers.location).toBe(`/sign-in?returnTo=${encodeURIComponent(`/check-in?session=${id}&day=1&code=${code}`)}`);
    const form = await learner.agent.get(`/check-in?session=${id}&day=1&code=${code}`).expect(200);
    expect(form.text).toContain(`value="${code}"`);
    const wrong = await learner.agent.post('/check-in').type('form').send({ _csrf: csrfTokenIn(form.text), session: id, day: '1', code: 'ZZZZZ2' }).expect(400);
    expect(wrong.text).toContain('id="error-code"');
    expect(wrong.text).toContain('value="ZZZZZ2"');
    const done = await learner.agent.post('/check-in').type('form').send({ _csrf: csrfTokenIn(form.text), session: id, day: '1', code }).expect(303);
    expect(done.headers.location).toBe(`/sessions/${id}?check-in=present#check-in`);
    expect(await Attendance.countDocuments({ session: new mongoose.Types.ObjectId(id), status: 'present', via: 'check-in' })).toBe(1);
  });
});

/**
 * Sessions on the web (issue 5): a trainer schedules with the form (errors keep the values),
 * people find sessions by filters and on a month calendar, enrol and leave from the session
 * page, and the session's staff manage the roster (add by email, remove, CSV export), edit and
 * cancel; a trainer's desk lists their sessions.
 */
import type { Express } from 'express';
import { parse } from 'csv-parse/sync';
import { User } from '../../src/accounts/model';
import { importModules } from '../../src/courses/import';
import { seedReferenceData } from '../../src/reference/seed';
import { TrainingSession } from '../../src/sessions/model';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, submitForm } from '../support/forms';
import { type SignedInPersona, signInPersona } from '../support/personas';

const db = useTestDatabase(__filename);
let app: Express;
let trainer: SignedInPersona;
let learner: SignedInPersona;
let other: SignedInPersona;

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
  trainer = await signInPersona(app, 'trainer');
  learner = await signInPersona(app, 'stakeholder');
  other = await signInPersona(app, 'stakeholder');
});

const form = (overrides: Record<string, string | string[]> = {}) => ({
  title: 'Preventie in Vilvoorde',
  courses: ['awareness', 'family-support'],
  language: 'nl',
  city: 'be-vilvoorde',
  'venue.name': 'Stadhuis',
  'venue.address': 'Grote Markt 1, 1800 Vilvoorde',
  timezone: '',
  'days.0.date': '2031-03-10',
  'days.0.start': '09:00',
  'days.0.end': '17:00',
  'days.1.date': '2031-03-11',
  'days.1.start': '09:00',
  'days.1.end': '16:00',
  capacity: '2',
  enrolmentDeadline: '',
  ...overrides,
});

async function schedule(overrides: Record<string, string | string[]> = {}): Promise<string> {
  const res = await submitForm(trainer.agent, '/sessions/new', '/sessions/new', form(overrides));
  expect(res.status).toBe(303);
  return /^\/sessions\/([a-f0-9]{24})\?done=scheduled/.exec(res.headers.location!)![1]!;
}

describe('scheduling with the form', () => {
  it('keeps every value and shows each error next to its field', async () => {
    const shape = await submitForm(trainer.agent, '/sessions/new', '/sessions/new', form({ capacity: 'veel' }));
    expect(shape.status).toBe(400);
    expect(shape.text).toContain('id="error-capacity"');
    expect(shape.text).toContain('value="veel"');
    const res = await submitForm(trainer.agent, '/sessions/new', '/sessions/new', form({ 'days.1.end': '08:00', enrolmentDeadline: '2031-03-12' }));
    expect(res.status).toBe(400);
    for (const id of ['days.1.end', 'enrolmentDeadline']) expect(res.text).toContain(`id="error-${id}"`);
    expect(res.text).toContain('value="Preventie in Vilvoorde"');
    expect(res.text).toContain('value="08:00"');
    expect(await TrainingSession.countDocuments({ title: 'Preventie in Vilvoorde' })).toBe(0);
  });

  it('schedules, then shows the session with times in its zone and a calendar file', async () => {
    const id = await schedule();
    const page = await trainer.agent.get(`/sessions/${id}?lang=nl`).expect(200);
    expect(page.text).toContain('Europe/Brussels');
    expect(page.text).toContain(`href="/api/v1/sessions/${id}.ics"`);
    expect(page.text).toContain('09:00–16:00');
    // The language chosen sticks (a cookie): back to English for the other tests.
    await trainer.agent.get('/sessions?lang=en').expect(200);
  });
});

describe('finding sessions', () => {
  it('filters the list and shows the month calendar', async () => {
    const id = await schedule({ title: 'Scholen in Luik', city: 'be-liege', language: 'fr', courses: ['schools'], 'days.0.date': '2031-04-07', 'days.1.date': '2031-04-08' });
    const list = await learner.agent.get('/sessions?city=be-liege&language=fr').expect(200);
    expect(list.text).toContain('Scholen in Luik');
    expect(list.text).not.toContain('Preventie in Vilvoorde');
    await learner.agent.get('/sessions?from=2031-02-31').expect(400);
    const month = await learner.agent.get('/sessions/calendar?month=2031-04').expect(200);
    expect(month.text).toContain(`href="/sessions/${id}"`);
    const march = await learner.agent.get('/sessions/calendar?month=2031-03&city=be-liege').expect(200);
    expect(march.text).not.toContain(`href="/sessions/${id}"`);
  });
});

describe('enrolment and the roster', () => {
  it('enrols from the session page, then the waiting list, then promotes when someone leaves', async () => {
    const id = await schedule({ 'days.0.date': '2031-05-05', 'days.1.date': '2031-05-06' });
    const enrol = async (who: SignedInPersona) => {
      const res = await submitForm(who.agent, `/sessions/${id}`, `/sessions/${id}/enrol`, {});
      return res.headers.location;
    };
    expect(await enrol(learner)).toBe(`/sessions/${id}?enrolment=enrolled#enrolment`);
    expect(await enrol(learner)).toBe(`/sessions/${id}?enrolment=already-enrolled#enrolment`);
    // The trainer adds by email someone from an earlier session of theirs: the last seat. Then the session is full.
    const earlier = await schedule({ 'days.0.date': '2031-04-21', 'days.1.date': '2031-04-22' });
    expect((await submitForm(other.agent, `/sessions/${earlier}`, `/sessions/${earlier}/enrol`, {})).headers.location).toBe(`/sessions/${earlier}?enrolment=enrolled#enrolment`);
    const added = await submitForm(trainer.agent, `/sessions/${id}/roster`, `/sessions/${id}/roster`, { email: (await User.findById(other.userId).lean())!.email });
    expect(added.headers.location).toBe(`/sessions/${id}/roster?done=added`);
    const late = await signInPersona(app, 'stakeholder');
    expect(await enrol(late)).toBe(`/sessions/${id}?enrolment=waitlisted#enrolment`);
    expect((await late.agent.get(`/sessions/${id}`).expect(200)).text).toMatch(/position 1\b/);
    const left = await submitForm(learner.agent, `/sessions/${id}`, `/sessions/${id}/leave`, {});
    expect(left.headers.location).toBe(`/sessions/${id}?enrolment=left#enrolment`);
    expect((await late.agent.get(`/sessions/${id}`).expect(200)).text).toContain('You are enrolled in this session.');

    const csv = await trainer.agent.get(`/sessions/${id}/roster.csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="?roster-2031-05-05-[a-f0-9]{6}\.csv"?/);
    const rows = parse(csv.text, { bom: true }) as string[][];
    expect(rows[0]).toEqual(['Name', 'Email', 'Organisation', 'Sector', 'Status', 'Waiting position']);
    expect(rows.slice(1).map((row) => row[4])).toEqual(['enrolled', 'enrolled']);

    // Anyone else is invited, known or not.
    const unknown = await submitForm(trainer.agent, `/sessions/${id}/roster`, `/sessions/${id}/roster`, { email: 'nobody-here@example.org' });
    expect(unknown.headers.location).toBe(`/sessions/${id}/roster?done=invited`);
    const invalid = await submitForm(trainer.agent, `/sessions/${id}/roster`, `/sessions/${id}/roster`, { email: 'not an address' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('value="not an address"');
    await learner.agent.get(`/sessions/${id}/roster`).expect(403);
  });

  it('keeps a spreadsheet from running a name as a formula', async () => {
    const id = await schedule({ 'days.0.date': '2031-06-02', 'days.1.date': '2031-06-03' });
    const sneaky = await signInPersona(app, 'stakeholder');
    await User.updateOne({ _id: sneaky.userId }, { $set: { name: '=HYPERLINK("http://evil.example","x")' } });
    await submitForm(sneaky.agent, `/sessions/${id}`, `/sessions/${id}/enrol`, {});
    const rows = parse((await trainer.agent.get(`/sessions/${id}/roster.csv`).expect(200)).text, { bom: true }) as string[][];
    expect(rows[1]![0]).toBe('\'=HYPERLINK("http://evil.example","x")');
  });
});

describe('the trainer’s desk, editing and cancelling', () => {
  it('lists my sessions, edits one (values kept on errors) and cancels it after a confirmation', async () => {
    const id = await schedule({ title: 'Bureau-sessie', 'days.0.date': '2031-07-07', 'days.1.date': '2031-07-08' });
    const deskPage = await trainer.agent.get('/desk').expect(200);
    expect(deskPage.text).toContain('Bureau-sessie');
    await learner.agent.get('/desk').expect(403);

    const edit = await trainer.agent.get(`/sessions/${id}/edit`).expect(200);
    const token = csrfTokenIn(edit.text);
    const refused = await trainer.agent.post(`/sessions/${id}/edit`).type('form').send({ ...form({ title: 'Bureau-sessie', 'days.0.date': '2031-07-07', 'days.1.date': '2031-07-08' }), capacity: '0', _csrf: token });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('id="error-capacity"');
    const saved = await trainer.agent.post(`/sessions/${id}/edit`).type('form').send({ ...form({ title: 'Bureau-sessie', 'days.0.date': '2031-07-07', 'days.1.date': '2031-07-08' }), capacity: '30', _csrf: token });
    expect(saved.headers.location).toBe(`/sessions/${id}?done=saved`);
    expect((await TrainingSession.findById(id).lean())!.capacity).toBe(30);

    const confirm = await trainer.agent.get(`/sessions/${id}/cancel`).expect(200);
    const cancelled = await trainer.agent.post(`/sessions/${id}/cancel`).type('form').send({ _csrf: csrfTokenIn(confirm.text) }).expect(303);
    expect(cancelled.headers.location).toBe(`/sessions/${id}?done=cancelled`);
    expect((await trainer.agent.get(`/sessions/${id}`).expect(200)).text).toContain('This session has been cancelled.');
  });
});

describe('moving a session to another country', () => {
  it('with the time zone left empty, takes the new country’s zone, as when scheduling', async () => {
    const id = await schedule({ title: 'Moved', 'days.0.date': '2031-09-08', 'days.1.date': '2031-09-09' });
    expect((await TrainingSession.findById(id).lean())!.timezone).toBe('Europe/Brussels');
    const edit = await trainer.agent.get(`/sessions/${id}/edit`).expect(200);
    const saved = await trainer.agent
      .post(`/sessions/${id}/edit`)
      .type('form')
      .send({ ...form({ title: 'Moved', city: 'pt-setubal', 'days.0.date': '2031-09-08', 'days.1.date': '2031-09-09' }), _csrf: csrfTokenIn(edit.text) });
    expect(saved.status).toBe(303);
    expect((await TrainingSession.findById(id).lean())).toMatchObject({ city: 'pt-setubal', timezone: 'Europe/Lisbon' });
  });
});

describe('the pinned versions', () => {
  it('are shown to everyone and changed only by a coordinator', async () => {
    const id = await schedule({ title: 'Pinned', 'days.0.date': '2031-08-04', 'days.1.date': '2031-08-05' });
    const ownEdit = await trainer.agent.get(`/sessions/${id}/edit`).expect(200);
    expect(ownEdit.text).not.toContain('name="version.awareness"');
    const coordinator = await signInPersona(app, 'coordinatorInScope');
    const edit = await coordinator.agent.get(`/sessions/${id}/edit`).expect(200);
    expect(edit.text).toContain('name="version.awareness"');
    const saved = await coordinator.agent
      .post(`/sessions/${id}/edit`)
      .type('form')
      .send({ ...form({ title: 'Pinned', 'days.0.date': '2031-08-04', 'days.1.date': '2031-08-05', trainers: [trainer.userId!] }), 'version.awareness': '1.0.0', _csrf: csrfTokenIn(edit.text) });
    expect(saved.status).toBe(303);
    expect((await TrainingSession.findById(id).lean())!.courses).toEqual([{ slug: 'awareness', version: '1.0.0' }, { slug: 'family-support', version: '1.0.0' }]);
    // A trainer sending a version anyway is refused, the pin unchanged.
    const forced = await trainer.agent.post(`/sessions/${id}/edit`).type('form').send({ ...form({ title: 'Pinned', 'days.0.date': '2031-08-04', 'days.1.date': '2031-08-05' }), 'version.awareness': '1.1.0', _csrf: csrfTokenIn(ownEdit.text) });
    expect(forced.status).toBe(400);
    expect((await TrainingSession.findById(id).lean())!.courses[0]).toEqual({ slug: 'awareness', version: '1.0.0' });
  });
});

/**
 * Administrators change the programme's target and the rule of who counts as trained
 * (issue 6, point 4), through the API and the page: the count follows the rule at once, the
 * target shows where coordinators follow it, the change is in the audit log, coordinators read
 * but do not write, bad input is refused field by field in the reader's language.
 */
import type { Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import enSettings from '../../locales/en/settings.json';
import frErrors from '../../locales/fr/errors.json';
import { invalidate } from '../../src/cache/shared-cache';
import { recordAttendance } from '../../src/attendance/roll-call';
import { DEFAULT_SETTINGS, getSettings, saveSettings } from '../../src/attendance/settings';
import { recountEveryone } from '../../src/attendance/recount-job';
import { importModules } from '../../src/courses/import';
import { enrol } from '../../src/enrolment/service';
import { auditEventSchema } from '../../src/openapi/responses';
import { seedReferenceData } from '../../src/reference/seed';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { buildTestApp } from '../support/app';
import { actor } from '../support/course-authors';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, submitForm } from '../support/forms';
import { createTargetAccount, type SignedInPersona, signInPersona } from '../support/personas';

const db = useTestDatabase(__filename);
let app: Express;
let admin: SignedInPersona;
let coordinator: SignedInPersona;
let stakeholder: SignedInPersona;
let anonymous: SignedInPersona;

const RULE = '/api/v1/settings/programme';
const EXCUSED_COUNTS = { target: 200, countingStatuses: ['present', 'late', 'excused'], requiredShare: 1 };

/**
 * A two-day session held last winter: one person present both days (trained by default), one
 * present then excused (trained only when excused counts), one present then absent.
 */
async function heldSession() {
  const acting = { ...actor(['admin']), id: admin.userId!, name: 'admin' };
  const trainer = await createTargetAccount({ roles: ['trainer'] });
  const { session } = await scheduleSession(
    acting,
    { title: 'Held', courses: ['awareness'], language: 'fr', city: 'be-brussels', venue: { name: 'Hôtel de Ville', address: 'Grand-Place 1' }, days: defaultDays('2026-02-02'), capacity: 10, trainers: [trainer] },
    new Date('2026-01-01'),
  );
  const [always, excused, absent] = [await createTargetAccount(), await createTargetAccount(), await createTargetAccount()];
  for (const userId of [always, excused, absent]) await enrol(acting, String(session._id), { userId });
  await recordAttendance(acting, String(session._id), 1, [always, excused, absent].map((userId) => ({ userId, status: 'present' as const })));
  await recordAttendance(acting, String(session._id), 2, [
    { userId: always, status: 'present' },
    { userId: excused, status: 'excused' },
    { userId: absent, status: 'absent' },
  ]);
}

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
  // One after another: signing in several people at once from one address trips the sign-in limits.
  admin = await signInPersona(app, 'admin');
  coordinator = await signInPersona(app, 'coordinatorInScope');
  stakeholder = await signInPersona(app, 'stakeholder');
  anonymous = await signInPersona(app, 'anonymous');
  await heldSession();
});

beforeEach(async () => {
  await saveSettings(DEFAULT_SETTINGS, admin.userId!);
  await recountEveryone();
});

let address = 0;
const nextAddress = () => {
  address += 1;
  return `10.7.${(address >> 8) & 255}.${address & 255}`;
};
function api(method: 'get' | 'put', path: string, who?: SignedInPersona) {
  const call = request(app)[method](path).set('X-Forwarded-For', nextAddress());
  return who?.token ? call.set('Authorization', `Bearer ${who.token}`) : call;
}
const target = async () => (await api('get', '/api/v1/stats/target', coordinator).expect(200)).body as { target: number; trained: number };

describe('the rule through the API', () => {
  it('counting excused days trains the person who was excused on day two, at once, and going back un-trains them', async () => {
    expect((await target()).trained).toBe(1);

    const changed = await api('put', RULE, admin).send(EXCUSED_COUNTS).expect(200);
    expect(changed.body).toMatchObject({ ...EXCUSED_COUNTS, trainedBefore: 1, trained: 2, recounted: true, updatedBy: admin.userId });
    expect((await target()).trained).toBe(2);
    const read = await api('get', RULE, coordinator).expect(200);
    expect(read.body).toMatchObject({ countingStatuses: ['present', 'late', 'excused'], updatedBy: admin.userId });
    expect(Date.parse(read.body.updatedAt)).toBeGreaterThan(Date.now() - 60_000);

    const back = await api('put', RULE, admin).send({ target: 200, countingStatuses: ['late', 'present'], requiredShare: 1 }).expect(200);
    expect(back.body).toMatchObject({ countingStatuses: ['present', 'late'], trainedBefore: 2, trained: 1, recounted: true });
    expect((await target()).trained).toBe(1);
  });

  it('half the days is enough once the share is 50 %: all three who came on day one are trained', async () => {
    const res = await api('put', RULE, admin).send({ ...DEFAULT_SETTINGS, requiredShare: 0.5 }).expect(200);
    expect(res.body).toMatchObject({ trained: 3, recounted: true });
    expect((await target()).trained).toBe(3);
  });

  it('a new target shows on the target coordinators follow, and counts nobody again', async () => {
    const res = await api('put', RULE, admin).send({ ...DEFAULT_SETTINGS, target: 350 }).expect(200);
    expect(res.body).toMatchObject({ target: 350, trainedBefore: 1, trained: 1, recounted: false });
    expect(await target()).toMatchObject({ target: 350, trained: 1 });
  });

  it('writes each change to the audit log, with what it was and what it became', async () => {
    await api('put', RULE, admin).send({ ...EXCUSED_COUNTS, target: 250 }).expect(200);
    const log = await api('get', '/api/v1/audit-events?action=programme.settings-changed', admin).expect(200);
    const event = log.body.items[0];
    expect(auditEventSchema.safeParse(event).error).toBeUndefined();
    expect(event).toMatchObject({
      actor: { type: 'user', id: admin.userId },
      target: { type: 'settings', id: 'programme' },
      before: { target: 200, countingStatuses: ['present', 'late'] },
      after: { target: 250, countingStatuses: ['present', 'late', 'excused'] },
    });
    expect(event.before).not.toHaveProperty('requiredShare');
    // The administrators' audit page names the change and links to the settings.
    const page = await admin.agent.get('/admin/audit?action=programme.settings-changed').expect(200);
    expect(page.text).toContain('Programme settings changed');
    expect(page.text).toContain('<a href="/admin/programme">Programme settings</a>');
    expect(page.text).toContain('Statuses that count: Present and Late → Present, Late, and Excused');
  });

  it('lets coordinators read but not change it; stakeholders get nothing; anonymous callers must sign in', async () => {
    expect((await api('get', RULE, coordinator).expect(200)).body).toMatchObject(DEFAULT_SETTINGS);
    for (const [who, status] of [[coordinator, 403], [stakeholder, 403], [anonymous, 401]] as const) {
      const res = await api('put', RULE, who).send(EXCUSED_COUNTS);
      expect({ who: who.persona, status: res.status, type: res.type }).toEqual({ who: who.persona, status, type: 'application/problem+json' });
    }
    await api('get', RULE, stakeholder).expect(403);
    await api('get', RULE, anonymous).expect(401);
    expect(await getSettings()).toEqual(DEFAULT_SETTINGS);
    expect((await target()).trained).toBe(1);
  });

  it.each([
    ['an unknown field', { ...DEFAULT_SETTINGS, colour: 'red' }, ['']],
    ['a target of 0', { ...DEFAULT_SETTINGS, target: 0 }, ['target']],
    ['a target over a million', { ...DEFAULT_SETTINGS, target: 1_000_001 }, ['target']],
    ['a fractional target', { ...DEFAULT_SETTINGS, target: 2.5 }, ['target']],
    ['a target as text', { ...DEFAULT_SETTINGS, target: '200' }, ['target']],
    ['no status', { ...DEFAULT_SETTINGS, countingStatuses: [] }, ['countingStatuses']],
    ['an unknown status', { ...DEFAULT_SETTINGS, countingStatuses: ['present', 'asleep'] }, ['countingStatuses.1']],
    ['one status not in a list', { ...DEFAULT_SETTINGS, countingStatuses: 'present' }, ['countingStatuses']],
    ['a share under 10 %', { ...DEFAULT_SETTINGS, requiredShare: 0.05 }, ['requiredShare']],
    ['a share over 100 %', { ...DEFAULT_SETTINGS, requiredShare: 1.5 }, ['requiredShare']],
    ['a share as text', { ...DEFAULT_SETTINGS, requiredShare: '1' }, ['requiredShare']],
    ['nothing', {}, ['countingStatuses', 'requiredShare', 'target']],
  ])('refuses %s with 400 naming the field, changing nothing', async (_label, body, paths) => {
    const res = await api('put', RULE, admin).send(body).expect(400);
    expect(res.type).toBe('application/problem+json');
    // One error per field: a value of the wrong type is not also measured against the list's bounds.
    expect(res.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(paths);
    expect(await getSettings()).toEqual(DEFAULT_SETTINGS);
  });

  it('explains the refusal in the language asked for', async () => {
    const res = await api('put', `${RULE}?lang=fr`, admin).send({ ...DEFAULT_SETTINGS, target: 0, colour: 'red' }).expect(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'target', message: frErrors.field['too-small'].replace('{{minimum}}', '1') },
        { path: '', message: frErrors.field.unknown.replace('{{fields}}', 'colour') },
      ]),
    );
  });
});

describe('the programme settings page', () => {
  it('shows the rule in words, the count and the defaults; saving a new rule says how the count moved', async () => {
    const page = await admin.agent.get('/admin/programme').expect(200);
    expect(page.text).toContain('A person counts as trained when present or late on every day of a session.');
    expect(page.text).toContain('People who count as trained now: 1.');
    expect(page.text).toMatch(/Last changed by admin \d+ on /);
    expect(page.text).toContain('<a href="/admin/programme">Programme settings</a>');

    const saved = await submitForm(admin.agent, '/admin/programme', '/admin/programme', { target: '200', countingStatuses: ['present', 'late', 'excused'], requiredShare: '1' });
    expect(saved.status).toBe(303);
    const after = await admin.agent.get(saved.headers.location!).expect(200);
    expect(after.text).toContain('The settings were saved and everyone was counted again. People who count as trained: 1 → 2.');
    expect(after.text).toContain('A person counts as trained when present, late, or excused on every day of a session.');
    expect(after.text).toMatch(/Last changed by admin \d+ on /);
    expect(after.text).toMatch(/<input type="checkbox" id="field-countingStatuses-excused" name="countingStatuses" value="excused" checked>/);
    expect((await target()).trained).toBe(2);

    // The target alone: saved, nobody counted again.
    const targetOnly = await submitForm(admin.agent, '/admin/programme', '/admin/programme', { target: '300', countingStatuses: ['present', 'late', 'excused'], requiredShare: '1' });
    const confirmed = await admin.agent.get(targetOnly.headers.location!).expect(200);
    expect(confirmed.text).toContain('The settings were saved. People who count as trained: 2.');
    expect(await target()).toMatchObject({ target: 300, trained: 2 });
  });

  it('says when nobody has changed the settings yet', async () => {
    // Straight in the collection, past the model: the kept copy must be dropped by hand (cache/shared-cache.ts).
    await mongoose.connection.collection('programme_settings').deleteMany({});
    await invalidate('settings');
    const page = await admin.agent.get('/admin/programme').expect(200);
    expect(page.text).toContain(enSettings.now.defaults);
    expect(page.text).toContain('A person counts as trained when present or late on every day of a session.');
  });

  it('offers every day, 75 % and 50 % of the days, and saves the share chosen', async () => {
    const page = await admin.agent.get('/admin/programme').expect(200);
    expect(page.text).toContain('<option value="1" selected>Every day (100%)</option>');
    expect(page.text).toContain('<option value="0.75">At least three quarters of the days (75%)</option>');
    expect(page.text).toContain('<option value="0.5">At least half of the days (50%)</option>');
    expect((await submitForm(admin.agent, '/admin/programme', '/admin/programme', { target: '200', countingStatuses: ['present', 'late'], requiredShare: '0.5' })).status).toBe(303);
    expect(await getSettings()).toEqual({ ...DEFAULT_SETTINGS, requiredShare: 0.5 });
    expect((await target()).trained).toBe(3);
  });

  it('offers a share set through the API too, so saving the page does not change it unasked', async () => {
    await api('put', RULE, admin).send({ ...DEFAULT_SETTINGS, requiredShare: 0.6 }).expect(200);
    const page = await admin.agent.get('/admin/programme').expect(200);
    expect(page.text).toContain('<option value="0.6" selected>At least 60% of the days</option>');
    expect(page.text).toContain('on at least 60% of the days of a session.');
  });

  it('a bad target gets its error next to the field, in French, with what was typed kept', async () => {
    const form = await admin.agent.get('/admin/programme?lang=fr').expect(200);
    const res = await admin.agent
      .post('/admin/programme?lang=fr')
      .type('form')
      .send({ _csrf: csrfTokenIn(form.text), target: '0', countingStatuses: ['present', 'excused'], requiredShare: '0.75' })
      .expect(400);
    expect(res.text).toContain(`<p class="field-error" id="error-target">${frErrors.field['too-small'].replace('{{minimum}}', '1')}</p>`);
    expect(res.text).toMatch(/name="target" type="number"\s+value="0"/);
    expect(res.text).toContain('value="excused" checked');
    expect(res.text).toContain('<option value="0.75" selected>');
    expect(await getSettings()).toEqual(DEFAULT_SETTINGS);
    // The choice of French stays with the person: back to English for the next cases.
    await admin.agent.get('/admin/programme?lang=en').expect(200);
  });

  it('no status ticked: asks for one, next to the statuses', async () => {
    const res = await submitForm(admin.agent, '/admin/programme', '/admin/programme', { target: '200', requiredShare: '1' });
    expect(res.status).toBe(400);
    expect(res.text).toContain(`<p class="field-error" id="error-countingStatuses">${enSettings.errors['statuses-required']}</p>`);
    expect(await getSettings()).toEqual(DEFAULT_SETTINGS);
  });

  it('is for administrators only: others are refused, anonymous visitors sent to sign in, and no one else sees the link', async () => {
    await coordinator.agent.get('/admin/programme').expect(403);
    const dashboard = await coordinator.agent.get('/dashboard').expect(200);
    expect(dashboard.text).not.toContain('href="/admin/programme"');
    await stakeholder.agent.get('/admin/programme').expect(403);
    const refused = await stakeholder.agent
      .post('/admin/programme')
      .type('form')
      .send({ _csrf: csrfTokenIn((await stakeholder.agent.get('/privacy').expect(200)).text), target: '5', countingStatuses: 'absent', requiredShare: '0.5' })
      .expect(403);
    expect(refused.type).toBe('text/html');
    const signIn = await anonymous.agent.get('/admin/programme').expect(303);
    expect(signIn.headers.location).toBe('/sign-in?returnTo=%2Fadmin%2Fprogramme');
    expect(await getSettings()).toEqual(DEFAULT_SETTINGS);
  });
});

describe('the dashboard', () => {
  it('states the rule in force next to the target, in one sentence', async () => {
    const before = await coordinator.agent.get('/dashboard').expect(200);
    expect(before.text).toContain('A person counts as trained when present or late on every day of a session.');
    await api('put', RULE, admin).send({ target: 200, countingStatuses: ['present', 'late', 'excused'], requiredShare: 0.75 }).expect(200);
    const after = await coordinator.agent.get('/dashboard').expect(200);
    expect(after.text).toContain('A person counts as trained when present, late, or excused on at least 75% of the days of a session.');
    const french = await coordinator.agent.get('/dashboard?lang=fr').expect(200);
    // French writes "75 %" with a narrow no-break space, as Intl does.
    const percent = new Intl.NumberFormat('fr', { style: 'percent' }).format(0.75);
    expect(french.text).toContain(`Une personne compte comme formée lorsqu’elle est présente, en retard ou excusée au moins ${percent} des journées d’une session.`);
  });
});

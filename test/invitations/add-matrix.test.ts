/**
 * Issue 11, point 4: who may add whom, and how, for each role, through each way of adding
 * someone (API by id, API by email, the roster form, the CSV import), for a person they may
 * see and one they may not. "enrolled": on the roster at once; "invited": asked by mail, not
 * on the roster; "forbidden": refused before anyone is looked up.
 */
import type { Express } from 'express';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { toSessionUser } from '../../src/accounts/session-user';
import { importModules } from '../../src/courses/import';
import { Enrolment } from '../../src/enrolment/model';
import { enrol } from '../../src/enrolment/service';
import { seedReferenceData } from '../../src/reference/seed';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { submitForm } from '../support/forms';
import { type Persona, type SignedInPersona, signInPersona, TARGET_COUNTRY } from '../support/personas';

const db = useTestDatabase(__filename);
let app: Express;
const people = new Map<Persona, SignedInPersona>();
let sessionId: string;
let earlierId: string;

type Target = 'in-country' | 'on-trainer-roster' | 'abroad';
type Way = 'api-id' | 'api-email' | 'roster-form' | 'csv';
type Outcome = 'enrolled' | 'invited' | 'forbidden';
const ROLES = ['stakeholder', 'trainer', 'coordinatorInScope', 'coordinatorOutOfScope', 'admin'] as const;

/** What each role gets for each person: the same whichever way they use. */
const EXPECTED: Record<(typeof ROLES)[number], Record<Target, Outcome>> = {
  stakeholder: { 'in-country': 'forbidden', 'on-trainer-roster': 'forbidden', abroad: 'forbidden' },
  trainer: { 'in-country': 'invited', 'on-trainer-roster': 'enrolled', abroad: 'invited' },
  coordinatorInScope: { 'in-country': 'enrolled', 'on-trainer-roster': 'enrolled', abroad: 'invited' },
  // Not staff of a session outside their countries.
  coordinatorOutOfScope: { 'in-country': 'forbidden', 'on-trainer-roster': 'forbidden', abroad: 'forbidden' },
  admin: { 'in-country': 'enrolled', 'on-trainer-roster': 'enrolled', abroad: 'enrolled' },
};

beforeAll(async () => {
  await seedReferenceData();
  expect((await importModules()).problems).toEqual([]);
  app = await buildTestApp(db.database());
  for (const role of ROLES) people.set(role, await signInPersona(app, role));
  const trainer = toSessionUser((await User.findById(people.get('trainer')!.userId).lean())!);
  const base = { courses: ['awareness'], language: 'fr' as const, city: 'be-brussels', venue: { name: 'Salle', address: 'Rue 1' }, capacity: 200 };
  earlierId = String((await scheduleSession(trainer, { ...base, title: 'Earlier', days: defaultDays('2031-01-13') })).session._id);
  sessionId = String((await scheduleSession(trainer, { ...base, title: 'Matrix', days: defaultDays('2031-02-10') })).session._id);
});

let serial = 0;
async function newTarget(target: Target) {
  serial += 1;
  const person = await User.create({
    email: `add-matrix-${serial}@example.org`,
    name: `Add Matrix ${serial}`,
    passwordHash: 'not used',
    roles: ['stakeholder'],
    country: target === 'abroad' ? 'DE' : TARGET_COUNTRY,
    emailVerifiedAt: new Date(),
  });
  if (target === 'on-trainer-roster') await enrol(toSessionUser(person), earlierId);
  return { id: String(person._id), email: person.email };
}

async function add(who: SignedInPersona, way: Way, person: { id: string; email: string }): Promise<Outcome | `unexpected ${number}`> {
  if (way === 'api-id' || way === 'api-email') {
    const res = await request(app)
      .post(`/api/v1/sessions/${sessionId}/enrolments`)
      .set('Authorization', `Bearer ${who.token}`)
      .send(way === 'api-id' ? { userId: person.id } : { email: person.email });
    return res.status === 201 ? 'enrolled' : res.status === 202 ? 'invited' : res.status === 403 ? 'forbidden' : `unexpected ${res.status}`;
  }
  if (way === 'roster-form') {
    const page = await who.agent.get(`/sessions/${sessionId}/roster`);
    if (page.status === 403) return 'forbidden';
    const res = await submitForm(who.agent, `/sessions/${sessionId}/roster`, `/sessions/${sessionId}/roster`, { email: person.email });
    const done = /done=([a-z]+)/.exec(res.headers.location ?? '')?.[1];
    return done === 'added' ? 'enrolled' : done === 'invited' ? 'invited' : `unexpected ${res.status}`;
  }
  const res = await request(app)
    .post(`/api/v1/sessions/${sessionId}/enrolments/import`)
    .set('Authorization', `Bearer ${who.token}`)
    .attach('file', Buffer.from(`name,email\nSomeone,${person.email}\n`), { filename: 'list.csv', contentType: 'text/csv' });
  if (res.status === 403) return 'forbidden';
  const outcome = res.body.rows?.[0]?.outcome as string | undefined;
  return outcome === 'enrolled' || outcome === 'invited' ? outcome : `unexpected ${res.status}`;
}

describe.each(ROLES)('%s', (role) => {
  it.each(['api-id', 'api-email', 'roster-form', 'csv'] as const)('adding through %s: enrols whom they may see, invites the others', async (way) => {
    const got: Record<string, string> = {};
    for (const target of ['in-country', 'on-trainer-roster', 'abroad'] as const) {
      const person = await newTarget(target);
      const outcome = await add(people.get(role)!, way, person);
      got[target] = outcome;
      // Invited or refused: not on the roster.
      const enrolled = Boolean(await Enrolment.exists({ session: sessionId, user: person.id, status: 'enrolled' }));
      expect({ target, enrolled }).toEqual({ target, enrolled: outcome === 'enrolled' });
    }
    expect(got).toEqual(EXPECTED[role]);
  });
});

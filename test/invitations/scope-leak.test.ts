/**
 * Issue 11, point 4: a coordinator limited to some countries reads no field of a person
 * outside them, through any route, after trying every way to add that person to a session of
 * theirs (API by id and by email, the roster form, the CSV import). Every GET route of the app
 * is requested with the ids filled in (as a page with the web session and as the API with a
 * token); none may show the person's name, organisation or, where the coordinator never typed
 * it, their address.
 */
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { toSessionUser } from '../../src/accounts/session-user';
import { Enrolment } from '../../src/enrolment/model';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { useTestDatabase } from '../support/database';
import { useMailSite } from '../support/mail-site';
import { csrfTokenIn, submitForm } from '../support/forms';
import { type SignedInPersona, signInPersona } from '../support/personas';
import { listRoutes } from '../support/routes';

const db = useTestDatabase(__filename);
const site = useMailSite(db);

/** Someone in Germany, with details that cannot appear by chance. */
async function germanStakeholder(tag: string) {
  const person = await User.create({
    email: `zelda-${tag}@unseen.example.de`,
    name: `Zelda Quuxhausen ${tag}`,
    passwordHash: 'not used',
    roles: ['stakeholder'],
    country: 'DE',
    organisationName: `Geheimverein ${tag}`,
    emailVerifiedAt: new Date(),
  });
  return { id: String(person._id), email: person.email, name: person.name, organisation: person.organisationName! };
}

/** The GET routes with their parameters filled in, the ones the coordinator's data gives. */
function concretePaths(ids: { session: string; person: string; invitation: string }): string[] {
  const fill: Record<string, string[]> = {
    ':id': [ids.session, ids.person, ids.invitation],
    ':userId': [ids.person],
    ':slug': ['awareness'],
    ':version': ['latest'],
    ':key': ['signs-and-context'],
    ':day': ['1'],
    ':token': ['unknown'],
    ':name': ['file.pdf'],
  };
  const paths: string[] = [];
  for (const route of listRoutes(site.app).filter((entry) => entry.startsWith('GET '))) {
    let variants = [route.slice(4)];
    for (const [param, values] of Object.entries(fill)) {
      variants = variants.flatMap((path) => (path.includes(param) ? values.map((value) => path.replace(param, value)) : [path]));
    }
    paths.push(...variants);
  }
  // Searches and exports, where a leak would hide in a query.
  paths.push('/admin/users?q=zelda', '/api/v1/users?q=zelda', '/reports/attendance?format=csv', '/api/v1/reports/attendance?format=csv', `/api/v1/sessions?country=DE`);
  return paths;
}

it('a coordinator of Sweden learns nothing of a German stakeholder, whichever way they try to add them', async () => {
  const coordinator: SignedInPersona = await signInPersona(site.app, 'coordinatorOutOfScope'); // scoped to SE
  const teacher = toSessionUser((await User.findById(coordinator.userId).lean())!);
  const { session } = await scheduleSession(teacher, {
    title: 'Malmö session',
    courses: ['awareness'],
    language: 'sv',
    city: 'se-malmo',
    venue: { name: 'Stadshuset', address: 'August Palms plats 1' },
    days: defaultDays('2031-09-08'),
    capacity: 10,
    trainers: [coordinator.userId!],
  });
  const sessionId = String(session._id);
  const byId = await germanStakeholder('by-id');
  const byEmail = await germanStakeholder('by-email');
  const auth = { Authorization: `Bearer ${coordinator.token}` };

  // Every way in: the API by id and by email, the roster form, the CSV import (with a name of the coordinator's own).
  const answers = [
    await request(site.app).post(`/api/v1/sessions/${sessionId}/enrolments`).set(auth).send({ userId: byId.id }).expect(202),
    await request(site.app).post(`/api/v1/sessions/${sessionId}/enrolments`).set(auth).send({ email: byEmail.email }).expect(202),
  ];
  const form = await submitForm(coordinator.agent, `/sessions/${sessionId}/roster`, `/sessions/${sessionId}/roster`, { email: byEmail.email });
  expect(form.status).toBe(303);
  const roster = await coordinator.agent.get(`/sessions/${sessionId}/roster`).expect(200);
  const action = /action="(\/sessions\/[a-f0-9]+\/roster\/import\?_csrf=[^"]+)"/.exec(roster.text)![1]!.replace(/&amp;/g, '&');
  const imported = await coordinator.agent.post(action).attach('file', Buffer.from(`name,email\nTyped By Coordinator,${byEmail.email}\n`), 'list.csv').expect(200);
  expect(csrfTokenIn(imported.text)).toBeTruthy();
  const invitations = await request(site.app).get(`/api/v1/sessions/${sessionId}/invitations`).set(auth).expect(200);
  expect(invitations.body.total).toBe(2);
  expect(await Enrolment.countDocuments({ session: sessionId })).toBe(0);

  const seen: string[] = [...answers.map((res) => JSON.stringify(res.body)), imported.text];
  const paths = concretePaths({ session: sessionId, person: byId.id, invitation: invitations.body.items[0].id });
  for (const path of paths) {
    const res = path.startsWith('/api/') ? await request(site.app).get(path).set(auth) : await coordinator.agent.get(path);
    expect(res.status).toBeLessThan(500);
    seen.push(`${path} → ${res.status}\n${res.text ?? ''}`);
  }
  for (const body of seen) {
    for (const person of [byId, byEmail]) {
      expect(body).not.toContain(person.name);
      expect(body).not.toContain(person.organisation);
    }
    // The address nobody typed stays unknown too.
    expect(body).not.toContain(byId.email);
  }
  expect(paths.length).toBeGreaterThan(80);
});

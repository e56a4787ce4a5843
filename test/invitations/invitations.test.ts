/**
 * Adding people to a session (issue 11, point 1): staff enrol directly only the people they
 * may already see; anyone else is invited by mail and answers on a page. Through the real site.app,
 * with a real SMTP server: the API, the roster form, the invitation page and its bad uses.
 */
import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { toSessionUser } from '../../src/accounts/session-user';
import { Enrolment } from '../../src/enrolment/model';
import { SessionInvitation } from '../../src/invitations/model';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { addDays } from '../../src/sessions/time-zones';
import { useTestDatabase } from '../support/database';
import { useMailSite } from '../support/mail-site';
import { csrfTokenIn, firstLinkIn, pathOf, submitForm } from '../support/forms';
import { type SignedInPersona, signInPersona } from '../support/personas';
import enMail from '../../locales/en/mail.json';
import frMail from '../../locales/fr/mail.json';

const db = useTestDatabase(__filename);
const site = useMailSite(db);

let serial = 0;
/** A session in `city`, taught by `teacher`, its days far apart from every other one's. */
async function newSession(teacher: SignedInPersona, city = 'be-brussels') {
  serial += 1;
  const user = toSessionUser((await User.findById(teacher.userId).lean())!);
  const { session } = await scheduleSession(user, {
    title: `Invitation session ${serial}`,
    courses: ['awareness'],
    language: 'fr',
    city,
    venue: { name: 'Salle', address: 'Rue 1' },
    days: defaultDays(addDays('2031-03-02', serial * 4)),
    capacity: 10,
    trainers: [teacher.userId!],
  });
  return String(session._id);
}

const auth = (who: SignedInPersona) => ({ Authorization: `Bearer ${who.token}` });
const addByApi = (sessionId: string, who: SignedInPersona, body: Record<string, string>) => request(site.app).post(`/api/v1/sessions/${sessionId}/enrolments`).set(auth(who)).send(body);
const invitationsTo = (address: string) => site.smtp.messages.filter((message: ParsedMail) => (message.text ?? '').includes('/session-invitation?token=') && JSON.stringify(message.to ?? '').includes(address));
async function invitationLinkTo(address: string): Promise<string> {
  const mail = await site.smtp.waitForMessage((message) => (message.text ?? '').includes('/session-invitation?token=') && JSON.stringify(message.to ?? '').includes(address));
  return pathOf(firstLinkIn(mail.text ?? '', '/session-invitation'));
}
const isOnRoster = async (sessionId: string, userId: string) => Boolean(await Enrolment.exists({ session: sessionId, user: userId, status: 'enrolled' }));

describe('who is enrolled directly, who is invited', () => {
  it('a coordinator enrols the people of their countries directly and invites the others, answering the same for known and unknown addresses', async () => {
    const coordinator = await signInPersona(site.app, 'coordinatorOutOfScope'); // scoped to SE
    const sessionId = await newSession(coordinator, 'se-malmo');
    const belgian = await signInPersona(site.app, 'stakeholder'); // an account in BE
    const swede = await User.create({ email: `swede-${serial}@example.org`, name: 'Sven Svensson', passwordHash: 'x', roles: ['stakeholder'], country: 'SE', emailVerifiedAt: new Date() });

    const direct = await addByApi(sessionId, coordinator, { email: swede.email }).expect(201);
    expect(direct.body).toEqual({ userId: String(swede._id), status: 'enrolled' });

    const known = await addByApi(sessionId, coordinator, { email: belgian.email! }).expect(202);
    const unknown = await addByApi(sessionId, coordinator, { email: 'nobody-at-all@example.org' }).expect(202);
    const byId = await addByApi(sessionId, coordinator, { userId: belgian.userId! }).expect(202);
    for (const res of [known, unknown, byId]) {
      expect(res.body.status).toBe('invited');
      expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'invitationId', 'status']);
    }
    // Nothing of the Belgian account reached the coordinator: not enrolled, not on the roster.
    expect(await isOnRoster(sessionId, belgian.userId!)).toBe(false);
    const roster = await request(site.app).get(`/api/v1/sessions/${sessionId}/enrolments`).set(auth(coordinator)).expect(200);
    expect(roster.body.items.map((item: { userId: string }) => item.userId)).toEqual([String(swede._id)]);
    const invitations = await request(site.app).get(`/api/v1/sessions/${sessionId}/invitations`).set(auth(coordinator)).expect(200);
    expect(invitations.body.items.map((item: { contact: string; status: string }) => [item.contact, item.status])).toEqual([
      [belgian.email, 'pending'],
      ['nobody-at-all@example.org', 'pending'],
      [belgian.userId, 'pending'],
    ]);
    expect(JSON.stringify(invitations.body)).not.toContain('stakeholder ');

    // The known and the unknown address each get an invitation naming the session and who asks.
    for (const address of [belgian.email!, 'nobody-at-all@example.org']) {
      const link = await invitationLinkTo(address);
      expect(link).toMatch(/^\/session-invitation\?token=/);
    }
    const mail = invitationsTo('nobody-at-all@example.org')[0]!;
    expect(mail.subject).toContain(`Invitation session ${serial}`);
    expect(mail.subject).toContain('coordinatorOutOfScope');
    // Nobody's language is known for an address without an account: the session's (French) is used.
    expect(mail.text).toContain(frMail['session-invitation'].action);
    expect(invitationsTo(belgian.email!)[0]!.text).toContain(enMail['session-invitation'].action);
  });

  it('a trainer enrols directly the people already on one of their rosters, and invites everyone else', async () => {
    const trainer = await signInPersona(site.app, 'trainer');
    const earlier = await newSession(trainer);
    const later = await newSession(trainer);
    const regular = await signInPersona(site.app, 'stakeholder');
    const stranger = await signInPersona(site.app, 'stakeholder');
    await request(site.app).post(`/api/v1/sessions/${earlier}/enrolments`).set(auth(regular)).send({}).expect(201);

    await addByApi(later, trainer, { email: regular.email! }).expect(201);
    await addByApi(later, trainer, { email: stranger.email! }).expect(202);
    expect(await isOnRoster(later, regular.userId!)).toBe(true);
    expect(await isOnRoster(later, stranger.userId!)).toBe(false);

    // An administrator even: a trainer cannot enrol (and so see) one.
    const admin = await signInPersona(site.app, 'admin');
    await addByApi(later, trainer, { userId: admin.userId! }).expect(202);
    expect(await isOnRoster(later, admin.userId!)).toBe(false);
  });

  it('inviting the same person again finds the first invitation and sends nothing new', async () => {
    const trainer = await signInPersona(site.app, 'trainer');
    const sessionId = await newSession(trainer);
    const first = await addByApi(sessionId, trainer, { email: 'twice@example.org' }).expect(202);
    await invitationLinkTo('twice@example.org');
    const second = await addByApi(sessionId, trainer, { email: 'TWICE@example.org' }).expect(202);
    expect(second.body.invitationId).toBe(first.body.invitationId);
    expect(await SessionInvitation.countDocuments({ session: sessionId })).toBe(1);
    expect(invitationsTo('twice@example.org')).toHaveLength(1);
  });

  it('on the roster form: the trainer sees only the address they typed until the person accepts', async () => {
    const trainer = await signInPersona(site.app, 'trainer');
    const sessionId = await newSession(trainer);
    const invitee = await signInPersona(site.app, 'stakeholder');
    await User.updateOne({ _id: invitee.userId }, { $set: { organisationName: 'Secret Organisation', name: 'Hidden Person' } });
    const added = await submitForm(trainer.agent, `/sessions/${sessionId}/roster`, `/sessions/${sessionId}/roster`, { email: invitee.email! });
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe(`/sessions/${sessionId}/roster?done=invited`);
    const roster = await trainer.agent.get(`/sessions/${sessionId}/roster?done=invited`).expect(200);
    expect(roster.text).toContain('An invitation has been sent.');
    expect(roster.text).toContain(invitee.email);
    expect(roster.text).not.toContain('Hidden Person');
    expect(roster.text).not.toContain('Secret Organisation');

    // The person accepts: now they are on the roster, with their details.
    const link = await invitationLinkTo(invitee.email!);
    const page = await invitee.agent.get(link).expect(200);
    await invitee.agent.post('/session-invitation').type('form').send({ _csrf: csrfTokenIn(page.text), token: new URLSearchParams(link.split('?')[1]).get('token'), answer: 'accept' }).expect(303);
    const after = await trainer.agent.get(`/sessions/${sessionId}/roster`).expect(200);
    expect(after.text).toContain('Hidden Person');
    expect(after.text).toContain('Secret Organisation');
  });
});

describe('answering an invitation', () => {
  async function invited() {
    const trainer = await signInPersona(site.app, 'trainer');
    const sessionId = await newSession(trainer);
    const invitee = await signInPersona(site.app, 'stakeholder');
    await User.updateOne({ _id: invitee.userId }, { $unset: { emailVerifiedAt: 1 } });
    await addByApi(sessionId, trainer, { email: invitee.email! }).expect(202);
    const link = await invitationLinkTo(invitee.email!);
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;
    const answer = async (who: SignedInPersona, value: 'accept' | 'decline') => {
      const page = await who.agent.get('/sessions').expect(200);
      return who.agent.post('/session-invitation').type('form').send({ _csrf: csrfTokenIn(page.text), token, answer: value });
    };
    return { trainer, sessionId, invitee, link, token, answer };
  }

  it('shows who invites to what, asks a visitor to sign in or create an account, and enrols the invited person who accepts', async () => {
    const { sessionId, invitee, link, answer } = await invited();
    const visitor = await request(site.app).get(link).expect(200);
    expect(visitor.text).toContain('trainer');
    expect(visitor.text).toContain(`Invitation session ${serial}`);
    expect(visitor.text).toContain(`/sign-in?returnTo=${encodeURIComponent(link)}`);
    expect(visitor.text).toContain('/register?invitation=');

    const page = await invitee.agent.get(link).expect(200);
    expect(page.text).toContain('Accept and enrol');
    const accepted = await answer(invitee, 'accept');
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toBe(`/sessions/${sessionId}?enrolment=enrolled#enrolment`);
    expect(await isOnRoster(sessionId, invitee.userId!)).toBe(true);
    // The link came to their mailbox: answering it confirms the address.
    expect((await User.findById(invitee.userId).lean())!.emailVerifiedAt).toBeInstanceOf(Date);
    await site.smtp.waitForMessage((message) => JSON.stringify(message.to ?? '').includes(invitee.email!) && (message.attachments ?? []).some((file) => file.filename === 'invite.ics'));
  });

  it('a link used twice says it was answered and changes nothing', async () => {
    const { sessionId, invitee, link, answer } = await invited();
    await answer(invitee, 'decline').then((res) => expect(res.headers.location).toBe(`/sessions/${sessionId}?enrolment=declined#enrolment`));
    const again = await answer(invitee, 'accept');
    expect(again.status).toBe(409);
    expect(again.text).toContain('This invitation has already been answered');
    expect((await invitee.agent.get(link).expect(409)).text).toContain('already been answered');
    expect(await isOnRoster(sessionId, invitee.userId!)).toBe(false);
    expect((await SessionInvitation.findOne({ session: sessionId }).lean())!.status).toBe('declined');
  });

  it('another signed-in person is told the invitation is not theirs, and nothing changes', async () => {
    const { sessionId, link, answer } = await invited();
    const other = await signInPersona(site.app, 'stakeholder');
    expect((await other.agent.get(link).expect(403)).text).toContain('This invitation is for another account');
    const tried = await answer(other, 'accept');
    expect(tried.status).toBe(403);
    expect(await Enrolment.countDocuments({ session: sessionId })).toBe(0);
    expect((await SessionInvitation.findOne({ session: sessionId }).lean())!.status).toBe('pending');
  });

  it('after the deadline the link says the time to answer has passed, and nothing changes', async () => {
    const { sessionId, invitee, link, answer } = await invited();
    await SessionInvitation.updateOne({ session: sessionId }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await invitee.agent.get(link).expect(410)).text).toContain('The time to answer has passed');
    expect((await answer(invitee, 'accept')).status).toBe(410);
    expect(await isOnRoster(sessionId, invitee.userId!)).toBe(false);
  });

  it('an accept and a decline at the same moment: one answer wins, and the enrolment follows it', async () => {
    const { sessionId, invitee, answer } = await invited();
    const results = await Promise.all([answer(invitee, 'accept'), answer(invitee, 'decline'), answer(invitee, 'accept')]);
    expect(results.filter((res) => res.status === 303)).toHaveLength(1);
    const status = (await SessionInvitation.findOne({ session: sessionId }).lean())!.status;
    expect(await isOnRoster(sessionId, invitee.userId!)).toBe(status === 'accepted');
  });

  it('a withdrawn invitation, a made-up token and a missing one are links that do not work, in the reader’s language', async () => {
    const { trainer, sessionId, invitee, link } = await invited();
    const id = (await SessionInvitation.findOne({ session: sessionId }).lean())!._id;
    expect((await submitForm(trainer.agent, `/sessions/${sessionId}/roster`, `/sessions/${sessionId}/invitations/${String(id)}/withdraw`, {})).status).toBe(303);
    expect((await invitee.agent.get(link).expect(404)).text).toContain('This invitation link does not work');
    await request(site.app).get('/session-invitation?token=made-up').set('Accept-Language', 'fr').expect(404);
    const french = await request(site.app).get('/session-invitation').set('Accept-Language', 'fr').expect(404);
    expect(french.text).not.toContain('This invitation link does not work');
    expect(french.text).toContain('<html lang="fr"');
  });
});

/**
 * Session mails (issue 5, point 6) received through a real SMTP server, against the real
 * database: enrolment (with the .ics), waiting list (with the position), promotion (with the
 * .ics), change of time or place and cancellation (to everyone enrolled or waiting), each in
 * the recipient's language with the session's times in its own zone.
 */
import type { i18n } from 'i18next';
import type ICALModule from 'ical.js' with { 'resolution-mode': 'import' };
import type { ParsedMail } from 'mailparser';
import { User } from '../../src/accounts/model';
import { type SessionUser, toSessionUser } from '../../src/accounts/session-user';
import { importModules } from '../../src/courses/import';
import { Course, CourseVersion } from '../../src/courses/model';
import { cancelEnrolment, enrol } from '../../src/enrolment/service';
import { createI18n } from '../../src/i18n';
import type { Language } from '../../src/i18n/languages';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { type SessionMails, startSessionMails, stopSessionMails } from '../../src/notifications/session-mails';
import { seedReferenceData } from '../../src/reference/seed';
import { cancelSession, updateSession } from '../../src/sessions/change';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { testConfig } from '../support/app';
import { useTestDatabase } from '../support/database';
import { testLogger } from '../support/logger';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js') as typeof ICALModule;

useTestDatabase(__filename);

const NOW = new Date('2027-01-15T10:00:00Z');
const BASE_URL = 'https://learning.example.org';

let smtp: TestSmtpServer;
let i18next: i18n;
let mails: SessionMails;
let serial = 0;

async function person(language: Language, roles: SessionUser['roles'] = ['stakeholder']): Promise<SessionUser> {
  serial += 1;
  const created = await User.create({
    email: `mail-${serial}@example.org`,
    name: `Person ${serial}`,
    passwordHash: 'not used',
    roles,
    language,
    emailVerifiedAt: new Date(),
  });
  return toSessionUser(created);
}

function mailer(): Mailer {
  return createMailer({ smtpUrl: smtp.url, from: 'LIAISE Learning <no-reply@learning.example.org>', dataDir: '/nonexistent', isProduction: false, log: testLogger });
}

const to = (user: SessionUser) => (message: ParsedMail) => message.to !== undefined && JSON.stringify(message.to).includes(user.email);
const mailsTo = (user: SessionUser) => smtp.messages.filter(to(user));

/** The subject as i18next renders it in `lng` (English where a string is not translated yet). */
const subjectIn = (lng: Language, kind: string, values: Record<string, string>) =>
  i18next.getFixedT(lng, 'mail')(`session-${kind}.subject`, { ...values, interpolation: { escapeValue: false } });

function invite(message: ParsedMail) {
  const attachment = message.attachments.find((file) => file.filename === 'invite.ics');
  if (!attachment) return undefined;
  const root = new ICAL.Component(ICAL.parse(attachment.content.toString('utf8')));
  return {
    contentType: attachment.contentType,
    method: String(root.getFirstPropertyValue('method')),
    events: root.getAllSubcomponents('vevent').map((component) => {
      const event = new ICAL.Event(component);
      return {
        sequence: event.sequence,
        summary: event.summary,
        status: String(component.getFirstPropertyValue('status')),
        tzid: String(component.getFirstProperty('dtstart')!.getParameter('tzid')),
        start: event.startDate.toJSDate().toISOString(),
      };
    }),
  };
}

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  i18next = await createI18n();
  await seedReferenceData();
  await Course.deleteMany({});
  await CourseVersion.deleteMany({});
  expect((await importModules()).problems).toEqual([]);
  mails = startSessionMails({ mailer: mailer(), config: testConfig({ BASE_URL }), log: testLogger, i18n: i18next });
});

afterAll(async () => {
  await mails?.idle();
  stopSessionMails();
  await smtp?.stop();
});

describe('session mails through SMTP', () => {
  it('enrolment, waiting list, promotion, change and cancellation, each in the recipient’s language', async () => {
    const trainer = await person('en', ['trainer']);
    const dutch = await person('nl');
    const greek = await person('el');
    const english = await person('en');
    const { session } = await scheduleSession(
      trainer,
      {
        title: 'Awareness in Setúbal',
        courses: ['awareness'],
        language: 'pt',
        city: 'pt-setubal',
        venue: { name: 'Casa da Cultura', address: 'Largo José Afonso, Setúbal' },
        days: defaultDays('2027-06-08'),
        capacity: 1,
      },
      NOW,
    );
    const id = String(session._id);
    const title = session.title;

    // Enrolment: a seat, the .ics attached, Dutch dates at Lisbon's wall-clock times.
    expect((await enrol(dutch, id, undefined, NOW)).status).toBe('enrolled');
    const enrolled = await smtp.waitForMessage(to(dutch));
    expect(enrolled.subject).toBe(subjectIn('nl', 'enrolled', { title }));
    expect(enrolled.html).toContain('<html lang="nl"');
    expect(enrolled.text).toContain('dinsdag 8 juni 2027');
    expect(enrolled.text).toContain('09:00–17:00');
    expect(enrolled.text).toContain('Europe/Lisbon (UTC+01:00)');
    expect(enrolled.text).toContain(`${BASE_URL}/sessions/${id}`);
    const enrolledInvite = invite(enrolled)!;
    expect(enrolledInvite.contentType).toMatch(/^text\/calendar/);
    expect(enrolledInvite.method).toBe('PUBLISH');
    expect(enrolledInvite.events).toHaveLength(2);
    expect(enrolledInvite.events[0]).toMatchObject({ sequence: 0, status: 'CONFIRMED', tzid: 'Europe/Lisbon', start: '2027-06-08T08:00:00.000Z' });

    // Waiting list: the position, no calendar yet.
    const greekResult = await enrol(greek, id, undefined, NOW);
    expect(greekResult).toMatchObject({ status: 'waitlisted', position: 1 });
    const waiting = await smtp.waitForMessage(to(greek));
    expect(waiting.subject).toBe(subjectIn('el', 'waitlisted', { title }));
    expect(waiting.html).toContain('<html lang="el"');
    expect(waiting.text).toContain('Τρίτη 8 Ιουνίου 2027');
    expect(waiting.text).toContain(i18next.getFixedT('el', 'mail')('session-waitlisted.intro', { title, position: 1, interpolation: { escapeValue: false } }));
    expect(invite(waiting)).toBeUndefined();

    expect(await enrol(english, id, undefined, NOW)).toMatchObject({ status: 'waitlisted', position: 2 });
    const englishWaiting = await smtp.waitForMessage(to(english));
    expect(englishWaiting.subject).toBe(`You are on the waiting list: ${title}`);
    expect(englishWaiting.text).toContain('at position 2.');
    expect(englishWaiting.text).toContain('Tuesday, June 8, 2027');

    // Promotion: the Dutch person leaves, the Greek one gets the seat and the .ics.
    const cancelled = await cancelEnrolment(dutch, id, 'me', NOW);
    expect(cancelled.promotedUsers).toEqual([greek.id]);
    const promoted = await smtp.waitForMessage((message) => to(greek)(message) && message.subject === subjectIn('el', 'promoted', { title }));
    expect(promoted.html).toContain('<html lang="el"');
    expect(invite(promoted)!.method).toBe('PUBLISH');
    await mails.idle();

    // Change of time and place: to the enrolled and the waiting, with the new times and SEQUENCE.
    const before = smtp.messages.length;
    const { session: changed } = await updateSession(
      trainer,
      id,
      { days: [{ date: '2027-06-09', start: '10:00', end: '16:00' }], venue: { name: 'Fórum Luísa Todi', address: 'Av. Luísa Todi 65, Setúbal' } },
      NOW,
    );
    expect(changed.sequence).toBeGreaterThan(0);
    const greekChange = await smtp.waitForMessage((message) => to(greek)(message) && message.subject === subjectIn('el', 'changed', { title }));
    const englishChange = await smtp.waitForMessage((message) => to(english)(message) && message.subject === `Changed: ${title}`);
    expect(englishChange.text).toContain('The dates or times have changed.');
    expect(englishChange.text).toContain('The place has changed.');
    expect(englishChange.text).toContain('Wednesday, June 9, 2027, 10:00–16:00');
    expect(englishChange.text).toContain('Fórum Luísa Todi');
    expect(greekChange.text).toContain('Τετάρτη 9 Ιουνίου 2027');
    expect(greekChange.text).toContain('10:00–16:00');
    for (const message of [greekChange, englishChange]) {
      const calendar = invite(message)!;
      expect(calendar.method).toBe('PUBLISH');
      expect(calendar.events).toEqual([expect.objectContaining({ sequence: changed.sequence, start: '2027-06-09T09:00:00.000Z', tzid: 'Europe/Lisbon' })]);
    }
    await mails.idle();
    expect(smtp.messages.slice(before).filter(to(dutch))).toEqual([]);
    expect(smtp.messages.slice(before)).toHaveLength(2);

    // Cancellation: everyone enrolled or waiting, METHOD:CANCEL.
    const afterChange = smtp.messages.length;
    const gone = await cancelSession(trainer, id);
    const greekCancel = await smtp.waitForMessage((message) => to(greek)(message) && message.subject === subjectIn('el', 'cancelled', { title }));
    const englishCancel = await smtp.waitForMessage((message) => to(english)(message) && message.subject === `Cancelled: ${title}`);
    expect(greekCancel.html).toContain('<html lang="el"');
    for (const message of [greekCancel, englishCancel]) {
      const calendar = invite(message)!;
      expect(calendar.contentType).toMatch(/^text\/calendar/);
      expect(calendar.method).toBe('CANCEL');
      expect(calendar.events).toEqual([expect.objectContaining({ sequence: gone.sequence, status: 'CANCELLED' })]);
    }
    await mails.idle();
    expect(smtp.messages.slice(afterChange)).toHaveLength(2);
    expect(mailsTo(dutch).map((message) => message.subject)).toEqual([subjectIn('nl', 'enrolled', { title })]);
  });

  it('a mail that cannot be sent is logged and never fails the enrolment', async () => {
    const errors: unknown[] = [];
    const log = Object.assign(Object.create(testLogger) as typeof testLogger, { error: (...args: unknown[]) => void errors.push(args) });
    const failing = startSessionMails({
      mailer: { send: () => Promise.reject(new Error('mail server down')), describe: () => 'broken' },
      config: testConfig({ BASE_URL }),
      log,
      i18n: i18next,
    });
    try {
      const trainer = await person('en', ['trainer']);
      const { session } = await scheduleSession(
        trainer,
        {
          title: 'Awareness again',
          courses: ['awareness'],
          language: 'pt',
          city: 'pt-setubal',
          venue: { name: 'Casa da Cultura 2', address: 'Largo José Afonso, Setúbal' },
          days: defaultDays('2027-06-20'),
          capacity: 5,
        },
        NOW,
      );
      await expect(enrol(await person('nl'), String(session._id), undefined, NOW)).resolves.toMatchObject({ status: 'enrolled' });
      await failing.idle();
      expect(errors).toHaveLength(1);
    } finally {
      failing.stop();
      // The first test's listeners again, for anything after this one.
      mails = startSessionMails({ mailer: mailer(), config: testConfig({ BASE_URL }), log: testLogger, i18n: i18next });
    }
  });
});

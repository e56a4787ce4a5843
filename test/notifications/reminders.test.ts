/**
 * Reminders two days before day 1 (issue 5, point 6), through a real SMTP server against the
 * real database (FerretDB): two scheduler instances running at once send one reminder per
 * enrolled person, a claim left by a crashed instance is taken over once its lease has run
 * out, and nobody is reminded of a cancelled session or a place they gave up.
 */
import type { i18n } from 'i18next';
import type ICALModule from 'ical.js' with { 'resolution-mode': 'import' };
import type { ParsedMail } from 'mailparser';
import mongoose from 'mongoose';
import { User } from '../../src/accounts/model';
import { type SessionUser, toSessionUser } from '../../src/accounts/session-user';
import { importModules } from '../../src/courses/import';
import { Course, CourseVersion } from '../../src/courses/model';
import { cancelEnrolment, enrol } from '../../src/enrolment/service';
import { createI18n } from '../../src/i18n';
import type { Language } from '../../src/i18n/languages';
import { createMailer, type Mailer } from '../../src/mail/mailer';
import { MailJob, REMINDER_LEASE_MS, reminderJobKey, startReminderScheduler, type ReminderScheduler } from '../../src/notifications/reminders';
import { seedReferenceData } from '../../src/reference/seed';
import { cancelSession } from '../../src/sessions/change';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { testConfig } from '../support/app';
import { useTestDatabase } from '../support/database';
import { testLogger } from '../support/logger';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js') as typeof ICALModule;

useTestDatabase(__filename);

/** When sessions are scheduled and people enrol. */
const CREATED = new Date('2027-01-15T10:00:00Z');
/** When the schedulers run: day 1 of 2027-06-08 (09:00 in Lisbon, 08:00 UTC) is 44 hours away. */
const RUN_AT = new Date('2027-06-06T12:00:00Z');

let smtp: TestSmtpServer;
let i18next: i18n;
let serial = 0;
const schedulers: ReminderScheduler[] = [];

async function person(language: Language, roles: SessionUser['roles'] = ['stakeholder']): Promise<SessionUser> {
  serial += 1;
  const created = await User.create({ email: `reminded-${serial}@example.org`, name: `Person ${serial}`, passwordHash: 'not used', roles, language, emailVerifiedAt: new Date() });
  return toSessionUser(created);
}

let venue = 0;
async function session(date: string, capacity: number) {
  venue += 1;
  const trainer = await person('en', ['trainer']);
  const { session: created } = await scheduleSession(
    trainer,
    {
      title: `Awareness ${venue}`,
      courses: ['awareness'],
      language: 'pt',
      city: 'pt-setubal',
      venue: { name: `Casa da Cultura ${venue}`, address: 'Largo José Afonso, Setúbal' },
      days: defaultDays(date),
      capacity,
    },
    CREATED,
  );
  return { id: String(created._id), session: created, trainer };
}

function mailer(): Mailer {
  return createMailer({ smtpUrl: smtp.url, from: 'LIAISE Learning <no-reply@learning.example.org>', dataDir: '/nonexistent', isProduction: false, log: testLogger });
}

/** An instance of the app's scheduler with its own mailer and clock; never ticks by itself in a test. */
function instance(owner: string, now: () => Date): ReminderScheduler {
  const scheduler = startReminderScheduler({ mailer: mailer(), config: testConfig(), log: testLogger, i18n: i18next, intervalMs: 3_600_000, now, owner });
  schedulers.push(scheduler);
  return scheduler;
}

const recipientsOf = (messages: ParsedMail[]) => messages.map((message) => (Array.isArray(message.to) ? message.to[0] : message.to)!.value[0]!.address).sort();

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  i18next = await createI18n();
  await seedReferenceData();
  await Course.deleteMany({});
  await CourseVersion.deleteMany({});
  expect((await importModules()).problems).toEqual([]);
});

afterAll(async () => {
  for (const scheduler of schedulers) await scheduler.stop();
  await smtp?.stop();
});

describe('reminder scheduler', () => {
  it('two instances running at once, several times: one reminder per enrolled person, none for the waiting, the gone or a cancelled session', async () => {
    const dutch = await person('nl');
    const greek = await person('el');
    const leaver = await person('en');
    const promoted = await person('en');
    const waiting = await person('en');
    const due = await session('2027-06-08', 3);
    for (const user of [dutch, greek, leaver, promoted, waiting]) await enrol(user, due.id, undefined, CREATED);
    expect((await cancelEnrolment(leaver, due.id, 'me', CREATED)).promotedUsers).toEqual([promoted.id]);

    const cancelledOne = await session('2027-06-07', 5);
    const ofCancelled = await person('en');
    await enrol(ofCancelled, cancelledOne.id, undefined, CREATED);
    await cancelSession(cancelledOne.trainer, cancelledOne.id);

    const later = await session('2027-06-12', 5);
    const ofLater = await person('en');
    await enrol(ofLater, later.id, undefined, CREATED);

    const one = instance('one', () => RUN_AT);
    const two = instance('two', () => RUN_AT);
    let sent = 0;
    for (let round = 0; round < 4; round += 1) {
      const summaries = await Promise.all([one.runOnce(), two.runOnce(), one.runOnce(), two.runOnce()]);
      sent += summaries[0]!.sent + summaries[1]!.sent;
    }
    // A restart: a new instance finds everything already sent.
    expect((await instance('restarted', () => RUN_AT).runOnce()).sent).toBe(0);

    expect(sent).toBe(3);
    expect(recipientsOf(smtp.messages)).toEqual([dutch.email, greek.email, promoted.email].sort());
    const jobs = await MailJob.find({ session: new mongoose.Types.ObjectId(due.id) }).lean();
    expect(jobs).toHaveLength(3);
    expect(jobs.every((job) => job.sentAt && job.attempt === 1 && job._id === job.job)).toBe(true);

    // In each person's language, with the session's local time and the calendar.
    const byAddress = (user: SessionUser) => smtp.messages.find((message) => JSON.stringify(message.to).includes(user.email))!;
    const greekMail = byAddress(greek);
    expect(greekMail.html).toContain('<html lang="el"');
    expect(greekMail.subject).toBe(
      i18next.getFixedT('el', 'mail')('session-reminder.subject', { title: due.session.title, date: 'Τρίτη 8 Ιουνίου 2027', interpolation: { escapeValue: false } }),
    );
    expect(byAddress(dutch).text).toContain('dinsdag 8 juni 2027');
    expect(byAddress(promoted).subject).toBe(`Reminder: ${due.session.title} starts on Tuesday, June 8, 2027`);
    expect(byAddress(promoted).text).toContain('starts on Tuesday, June 8, 2027 at 09:00.');
    const attachment = byAddress(dutch).attachments.find((file) => file.filename === 'invite.ics')!;
    const calendar = new ICAL.Component(ICAL.parse(attachment.content.toString('utf8')));
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(calendar.getAllSubcomponents('vevent')).toHaveLength(2);
  });

  it('takes over a claim a crashed instance left once its lease has run out, and never before', async () => {
    const due = await session('2027-06-08', 5);
    const crashedOn = await person('en');
    const stillHeld = await person('en');
    for (const user of [crashedOn, stillHeld]) await enrol(user, due.id, undefined, CREATED);
    const claim = (user: SessionUser, claimedAt: Date) => ({
      _id: reminderJobKey(due.id, user.id),
      job: reminderJobKey(due.id, user.id),
      attempt: 1,
      session: due.session._id,
      user: new mongoose.Types.ObjectId(user.id),
      startsAt: due.session.firstStartsAt,
      claimedAt,
      leaseUntil: new Date(claimedAt.getTime() + REMINDER_LEASE_MS),
      owner: 'crashed',
    });
    // Claimed 11 minutes ago and never sent; claimed 1 minute ago by an instance still at work.
    await MailJob.create(claim(crashedOn, new Date(RUN_AT.getTime() - 11 * 60_000)));
    await MailJob.create(claim(stillHeld, new Date(RUN_AT.getTime() - 60_000)));

    const before = smtp.messages.length;
    let clock = RUN_AT;
    const one = instance('one-b', () => clock);
    const two = instance('two-b', () => clock);
    await Promise.all([one.runOnce(), two.runOnce()]);
    await Promise.all([one.runOnce(), two.runOnce()]);
    expect(recipientsOf(smtp.messages.slice(before))).toEqual([crashedOn.email]);
    const taken = await MailJob.findById(`${reminderJobKey(due.id, crashedOn.id)}:attempt2`).lean();
    expect(taken).toMatchObject({ attempt: 2, sentAt: expect.any(Date) });
    expect(['one-b', 'two-b']).toContain(taken!.owner);

    // Ten minutes later the second lease has run out too: taken over, once.
    clock = new Date(RUN_AT.getTime() + 10 * 60_000);
    await Promise.all([one.runOnce(), two.runOnce(), one.runOnce()]);
    await Promise.all([one.runOnce(), two.runOnce()]);
    expect(recipientsOf(smtp.messages.slice(before))).toEqual([crashedOn.email, stillHeld.email].sort());
    expect(await MailJob.countDocuments({ session: due.session._id, sentAt: mongoose.trusted({ $exists: true }) })).toBe(2);
  });

  it('sends nothing once day 1 has begun, and nothing to someone who cancelled before the run', async () => {
    const due = await session('2027-06-08', 5);
    const gone = await person('en');
    await enrol(gone, due.id, undefined, CREATED);
    await cancelEnrolment(gone, due.id, 'me', CREATED);
    const stayed = await person('en');
    await enrol(stayed, due.id, undefined, CREATED);
    const before = smtp.messages.length;
    // Day 1 began at 08:00 UTC: too late for a reminder.
    expect((await instance('late', () => new Date('2027-06-08T08:30:00Z')).runOnce()).sent).toBe(0);
    // Still 49 hours away: not yet.
    expect((await instance('early', () => new Date('2027-06-06T07:00:00Z')).runOnce()).sent).toBe(0);
    expect(smtp.messages.length).toBe(before);
    await instance('on-time', () => RUN_AT).runOnce();
    expect(recipientsOf(smtp.messages.slice(before))).toEqual([stayed.email]);
  });
});

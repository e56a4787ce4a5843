/**
 * The mails about training sessions (issue 5, point 6): rendering in the recipient's language
 * with the session's days in its own time zone, the `.ics` attachment, and delivery to one
 * person. Strings live in `locales/<lng>/mail.json` under `session` (shared) and
 * `session-<kind>`; the HTML in `views/mail/session-<kind>.ejs` inside `views/mail/layout.ejs`.
 */
import type { i18n } from 'i18next';
import { DateTime } from 'luxon';
import type mongoose from 'mongoose';
import addressparser from 'nodemailer/lib/addressparser';
import { User, type UserDocument } from '../accounts/model';
import { type CalendarSession, lookUpNames, sessionCalendar, sessionUrl } from '../calendar/session-calendar';
import type { Config } from '../config';
import { FALLBACK_LANGUAGE, isSupportedLanguage, type Language } from '../i18n/languages';
import type { Logger } from '../logger';
import type { MailAttachment, Mailer } from '../mail/mailer';
import { renderMailHtml } from '../mail/templates';
import type { TrainingSessionDocument } from '../sessions/model';

export const SESSION_MAIL_KINDS = ['enrolled', 'waitlisted', 'promoted', 'reminder', 'changed', 'cancelled'] as const;
export type SessionMailKind = (typeof SESSION_MAIL_KINDS)[number];

/** What the mails need of a session (the calendar's fields and the session's language). */
export type MailSession = CalendarSession & Pick<TrainingSessionDocument, 'firstStartsAt'>;

/** What every sender of session mails needs. */
export interface SessionMailContext {
  mailer: Mailer;
  config: Pick<Config, 'baseUrl' | 'mailFrom' | 'defaultLanguage'>;
  log: Logger;
  i18n: i18n;
}

/** The attachment's name and the mails that carry one (the waiting list does not: no seat yet). */
export const INVITE_FILENAME = 'invite.ics';
const WITH_CALENDAR: ReadonlySet<SessionMailKind> = new Set(['enrolled', 'promoted', 'reminder', 'changed', 'cancelled']);

export interface SessionMailExtras {
  /** Waiting list: the rank, from 1. */
  position?: number;
  /** Change: what changed. */
  time?: boolean;
  place?: boolean;
}

export interface Recipient {
  name: string;
  email: string;
  language: Language;
}

export interface RenderedSessionMail {
  subject: string;
  text: string;
  html: string;
  attachments: MailAttachment[];
}

/** A day as people read it, in the session's zone: `{date, start, end}` in `lang`. */
function localDay(day: { startsAt: Date; endsAt: Date }, zone: string, lang: Language) {
  const start = DateTime.fromJSDate(day.startsAt, { zone }).setLocale(lang);
  const end = DateTime.fromJSDate(day.endsAt, { zone }).setLocale(lang);
  const time = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
  return {
    date: start.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
    start: start.toLocaleString(time),
    end: end.toLocaleString(time),
    offset: start.toFormat("'UTC'ZZ"),
  };
}

/** The organiser of the `.ics` (RFC 5546 wants one): the sender of the mails. */
function organizerOf(mailFrom: string): { name?: string; email: string } | undefined {
  const [first] = addressparser(mailFrom);
  if (!first?.address) return undefined;
  return { ...(first.name ? { name: first.name } : {}), email: first.address };
}

/**
 * Renders one session mail for one person in `lang` (an unsupported language gets the
 * fallback; a missing string falls back to English), with the `.ics` where promised:
 * METHOD:PUBLISH with the session's SEQUENCE, METHOD:CANCEL once it is cancelled.
 */
export async function renderSessionMail(
  context: SessionMailContext,
  kind: SessionMailKind,
  recipient: Pick<Recipient, 'name'>,
  lang: string,
  session: MailSession,
  extras: SessionMailExtras = {},
): Promise<RenderedSessionMail> {
  const language: Language = isSupportedLanguage(lang) ? lang : FALLBACK_LANGUAGE;
  const t = context.i18n.getFixedT(language, 'mail');
  const first = session.days[0];
  if (!first) throw new Error('a session without days has nothing to tell');
  const firstDay = localDay(first, session.timezone, language);
  const values: Record<string, string> = {
    name: recipient.name,
    title: session.title,
    date: firstDay.date,
    time: firstDay.start,
    ...(extras.position !== undefined ? { position: String(extras.position) } : {}),
  };
  // As renderMail: values inserted as they are and never read as i18next syntax.
  const translate = (key: string, more: Record<string, string | number> = {}): string =>
    t(key, { ...values, ...more, interpolation: { escapeValue: false, skipOnVariables: true } });
  const part = (key: string) => translate(`session-${kind}.${key}`);

  const names = await lookUpNames(language);
  const many = session.days.length > 1;
  const days = session.days.map((day, index) => {
    const local = localDay(day, session.timezone, language);
    return many ? translate('session.day-numbered', { ...local, day: index + 1 }) : translate('session.day', local);
  });
  const place = [session.venue.name, session.venue.address, names.cities.get(session.city) ?? session.city].filter(Boolean);
  const withCalendar = WITH_CALENDAR.has(kind);
  const cancelled = session.status === 'cancelled';
  const calendarNote = withCalendar
    ? translate(cancelled ? 'session.calendar-cancel' : kind === 'changed' ? 'session.calendar-update' : 'session.calendar-publish')
    : undefined;
  const changes = kind === 'changed' ? [...(extras.time ? [part('time')] : []), ...(extras.place ? [part('place')] : [])] : [];
  const link = sessionUrl(context.config.baseUrl, String(session._id));

  const strings = {
    greeting: part('greeting'),
    intro: part('intro'),
    note: part('note'),
    changes,
    action: translate('session.action'),
    linkFallback: translate('link-fallback'),
    footer: translate('footer'),
  };
  const details = {
    title: session.title,
    whenLabel: translate('session.when'),
    whereLabel: translate('session.where'),
    days,
    timeZone: translate('session.time-zone', { zone: session.timezone, offset: firstDay.offset }),
    place,
    calendarNote,
  };
  const subject = part('subject').replace(/\s+/g, ' ').trim();
  const productName = context.i18n.getFixedT(language, 'common')('product-name');
  const locals = { lang: language, subject, productName, strings, session: details, link };
  const html = await renderMailHtml(`session-${kind}`, locals);

  const text = [
    strings.greeting,
    strings.intro,
    ...(changes.length > 0 ? [changes.map((change) => `* ${change}`).join('\n')] : []),
    [session.title, `${details.whenLabel}:`, ...days.map((day) => `  ${day}`), `  ${details.timeZone}`, `${details.whereLabel}:`, ...place.map((line) => `  ${line}`)].join('\n'),
    ...(calendarNote ? [calendarNote] : []),
    `${strings.action}\n${link}`,
    strings.note,
    `-- \n${strings.footer}`,
  ].join('\n\n');

  const attachments: MailAttachment[] = [];
  if (withCalendar) {
    const organizer = organizerOf(context.config.mailFrom);
    const calendar = await sessionCalendar(session, {
      lang: language,
      t: context.i18n.getFixedT(language),
      baseUrl: context.config.baseUrl,
      ...(organizer ? { organizer } : {}),
    }, names);
    attachments.push({ filename: INVITE_FILENAME, content: calendar, contentType: `text/calendar; method=${cancelled ? 'CANCEL' : 'PUBLISH'}` });
  }
  return { subject, text: `${text}\n`, html, attachments };
}

/** The person behind an id, with the language their mails are written in; none for a disabled or deleted account. */
export async function findRecipient(userId: string | mongoose.Types.ObjectId, defaultLanguage: Language): Promise<Recipient | undefined> {
  const user = await User.findById(userId)
    .select<Pick<UserDocument, 'name' | 'email' | 'language' | 'status'>>({ name: 1, email: 1, language: 1, status: 1 })
    .lean();
  if (!user || user.status !== 'active') return undefined;
  return { name: user.name, email: user.email, language: isSupportedLanguage(user.language) ? user.language : defaultLanguage };
}

/** Renders and sends one session mail; rejects when rendering or delivery fails (callers log). */
export async function sendSessionMail(
  context: SessionMailContext,
  kind: SessionMailKind,
  recipient: Recipient,
  session: MailSession,
  extras: SessionMailExtras = {},
): Promise<void> {
  const mail = await renderSessionMail(context, kind, recipient, recipient.language, session, extras);
  await context.mailer.send({ to: recipient.email, subject: mail.subject, text: mail.text, html: mail.html, attachments: mail.attachments });
}

import path from 'node:path';
import ejs from 'ejs';
import type { i18n } from 'i18next';
import { FALLBACK_LANGUAGE, isSupportedLanguage } from '../i18n/languages';
import { PROJECT_ROOT } from '../version';

export const MAIL_VIEWS_DIR = path.join(PROJECT_ROOT, 'views', 'mail');

/**
 * Every mail the app sends, with the variables each one needs. Strings live in
 * `locales/<lng>/mail.json` under the template's name; the HTML in `views/mail/<template>.ejs`
 * inside `views/mail/layout.ejs`.
 */
export const MAIL_TEMPLATE_VARIABLES = {
  /** After registration: confirm the address. */
  'verify-email': ['name', 'link'],
  /** "Forgot password": a link valid for `minutes` minutes. */
  'reset-password': ['name', 'link', 'minutes'],
  /** Sent to the NEW address when a user changes theirs. */
  'email-change-verify': ['name', 'link'],
  /** Sent to the OLD address once the change is done. */
  'email-changed-notice': ['name', 'newEmail'],
  'password-changed': ['name'],
  /** An account a trainer or coordinator created for someone: set your password. */
  invitation: ['name', 'link', 'inviter'],
  /** Someone registered with the address of an existing account: sign in, or choose a new password. */
  'account-exists': ['name', 'link', 'resetLink'],
  /** Staff invite someone to a training session (src/invitations): accept or decline by `deadline`. */
  'session-invitation': ['inviter', 'session', 'dates', 'city', 'deadline', 'link'],
} as const satisfies Record<string, readonly string[]>;

export type MailTemplate = keyof typeof MAIL_TEMPLATE_VARIABLES;

export const MAIL_TEMPLATES = Object.keys(MAIL_TEMPLATE_VARIABLES) as MailTemplate[];

/** Mails with a button: the link, then when it expires and what to do if it was not asked for. */
const WITH_ACTION: ReadonlySet<MailTemplate> = new Set(['verify-email', 'reset-password', 'email-change-verify', 'invitation', 'session-invitation']);

/** Mails with a button to a page that needs no secret (so nothing expires), then a note. */
const WITH_NOTE: ReadonlySet<MailTemplate> = new Set(['account-exists']);

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** The strings of one mail, already interpolated; the HTML views escape them. */
export interface MailStrings {
  greeting: string;
  intro: string;
  /** Button text (mails with a link). */
  action?: string;
  /** How long the link works (mails with a link). */
  expiry?: string;
  /** What else to do (mails with a note). */
  note?: string;
  /** "If you did not ask for this, ignore this email" (mails with a link). */
  ignore?: string;
  /** "If you did not make this change…" (notices). */
  warning?: string;
  linkFallback: string;
  footer: string;
}

/**
 * Renders one mail in `lang` (an unsupported language gets English; a missing string falls
 * back to English). Variables are plain text: the HTML escapes them, the text version keeps
 * them as they are. A `link` must be an absolute http(s) URL.
 */
export async function renderMail(
  i18n: i18n,
  template: MailTemplate,
  lang: string,
  variables: Record<string, string | number>,
): Promise<RenderedMail> {
  const names: readonly string[] = MAIL_TEMPLATE_VARIABLES[template];
  if (!names) throw new Error(`unknown mail template: ${String(template)}`);
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = variables[name];
    if (value === undefined || value === '') throw new Error(`mail template ${template} needs the variable ${name}`);
    values[name] = String(value);
  }
  if (values.link !== undefined) assertAbsoluteLink(values.link);

  const language = isSupportedLanguage(lang) ? lang : FALLBACK_LANGUAGE;
  const t = i18n.getFixedT(language, 'mail');
  // Values are inserted as they are (escapeValue: false) and never read as i18next syntax
  // themselves (skipOnVariables): a name such as "{{link}}" or "$t(…)" stays that text.
  const translate = (key: string): string =>
    t(key, { ...values, interpolation: { escapeValue: false, skipOnVariables: true } });
  const part = (key: string): string => translate(`${template}.${key}`);

  const strings: MailStrings = {
    greeting: part('greeting'),
    intro: part('intro'),
    ...partsAfterIntro(template, part),
    linkFallback: translate('link-fallback'),
    footer: translate('footer'),
  };
  // A header is one line, whatever a variable held.
  const subject = part('subject').replace(/\s+/g, ' ').trim();
  const productName = i18n.getFixedT(language, 'common')('product-name');

  const locals = { lang: language, subject, productName, strings, ...values };
  return { subject, text: renderText(strings, values.link), html: await renderMailHtml(template, locals) };
}

/**
 * A mail's HTML: `views/mail/<template>.ejs` inside the mail layout. Templates are compiled once
 * (`cache`): a crowd enrolling sends a mail each, and compiling cost more than rendering.
 */
export async function renderMailHtml(template: string, locals: Record<string, unknown>): Promise<string> {
  const body = await ejs.renderFile(path.join(MAIL_VIEWS_DIR, `${template}.ejs`), locals, { cache: true });
  return ejs.renderFile(path.join(MAIL_VIEWS_DIR, 'layout.ejs'), { ...locals, body }, { cache: true });
}

/** After the intro: a button and what goes with it, or a notice's warning. */
function partsAfterIntro(template: MailTemplate, part: (key: string) => string): Partial<MailStrings> {
  if (WITH_ACTION.has(template)) return { action: part('action'), expiry: part('expiry'), ignore: part('ignore') };
  if (WITH_NOTE.has(template)) return { action: part('action'), note: part('note'), ignore: part('ignore') };
  return { warning: part('warning') };
}

/** The plain-text part: the same strings, in the same order as the HTML. */
function renderText(strings: MailStrings, link: string | undefined): string {
  const blocks = [strings.greeting, strings.intro];
  if (strings.action && link) blocks.push(`${strings.action}\n${link}`);
  for (const note of [strings.expiry, strings.note, strings.ignore, strings.warning]) if (note) blocks.push(note);
  blocks.push(`-- \n${strings.footer}`);
  return `${blocks.join('\n\n')}\n`;
}

function assertAbsoluteLink(link: string): void {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new Error(`a mail link must be an absolute URL: ${link}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`a mail link must be http(s): ${link}`);
}

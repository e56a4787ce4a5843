import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTransport, type SendMailOptions, type Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Logger } from '../logger';
import { MailDeliveryError } from './errors';

export interface MailAttachment {
  filename: string;
  content: string | Buffer;
  contentType: string;
}

export interface OutgoingMail {
  /** One recipient: `zoe@example.org` or `"Zoë Ørsted" <zoe@example.org>`. */
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
}

export interface Mailer {
  /** Hands the message over for delivery; rejects with MailDeliveryError when that fails. */
  send(message: OutgoingMail): Promise<void>;
  /** Where mail goes, for the start-up log; never includes credentials. */
  describe(): string;
}

export interface MailerOptions {
  /** `smtp://` or `smtps://` URL (SMTP_URL). Without it, development writes .eml files. */
  smtpUrl?: string;
  /** Sender (MAIL_FROM), e.g. `LIAISE Learning <no-reply@example.org>`. */
  from: string;
  /** DATA_DIR: the development fallback writes to `<dataDir>/mail/`. */
  dataDir: string;
  isProduction: boolean;
  log: Logger;
}

/** A mail server that does not answer fails the send within seconds instead of hanging it. */
const SMTP_TIMEOUTS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
  dnsTimeout: 10_000,
} as const;

/** Messages carry their content inline: nodemailer must never read a file or fetch a URL. */
const NO_EXTERNAL_CONTENT = { disableFileAccess: true, disableUrlAccess: true } as const;

/**
 * The one way the app sends mail:
 * - with SMTP_URL, over SMTP (one connection per message, no pool);
 * - without it in development and tests, as `.eml` files under `<dataDir>/mail/`, so a
 *   developer can open the mail that would have gone out (and follow its links);
 * - without it in production, not at all: each send fails with MailDeliveryError.
 */
export function createMailer(options: MailerOptions): Mailer {
  if (options.smtpUrl) return smtpMailer(options.smtpUrl, options);
  if (!options.isProduction) return fileMailer(path.join(options.dataDir, 'mail'), options);
  options.log.warn('SMTP_URL is not set: no mail can be sent (invitations, password resets, address checks)');
  return {
    send: () => Promise.reject(new MailDeliveryError('SMTP_URL is not set')),
    describe: () => 'no mail server (SMTP_URL is not set)',
  };
}

function smtpMailer(smtpUrl: string, options: MailerOptions): Mailer {
  // The transport itself, not createTransport's options: a `?pool=true` in the URL cannot
  // turn pooling on.
  const transport = createTransport(
    new SMTPTransport({ url: smtpUrl, pool: false, ...SMTP_TIMEOUTS, ...NO_EXTERNAL_CONTENT, logger: false }),
  );
  const where = describeSmtpUrl(smtpUrl);
  return {
    async send(message) {
      const mail = toNodemailer(message, options.from);
      let info: SMTPTransport.SentMessageInfo;
      try {
        info = await transport.sendMail(mail);
      } catch (error) {
        throw new MailDeliveryError(`mail could not be sent through ${where}: ${errorMessage(error)}`, { cause: error });
      }
      options.log.debug({ messageId: info.messageId, response: info.response }, 'mail sent');
    },
    describe: () => `SMTP server ${where}`,
  };
}

function fileMailer(mailDir: string, options: MailerOptions): Mailer {
  const transport: Transporter = createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    ...NO_EXTERNAL_CONTENT,
  });
  return {
    async send(message) {
      const mail = toNodemailer(message, options.from);
      const file = path.join(mailDir, emlFileName(message.to, new Date()));
      try {
        const info = (await transport.sendMail(mail)) as { message: Buffer };
        await mkdir(mailDir, { recursive: true });
        await writeFile(file, info.message, { flag: 'wx' });
      } catch (error) {
        throw new MailDeliveryError(`mail could not be written to ${mailDir}: ${errorMessage(error)}`, { cause: error });
      }
      options.log.info({ to: message.to, file }, `mail to ${message.to} written to ${file}`);
    },
    describe: () => `.eml files in ${mailDir} (SMTP_URL is not set)`,
  };
}

function toNodemailer(message: OutgoingMail, from: string): SendMailOptions {
  singleRecipient(message.to);
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    attachments: (message.attachments ?? []).map((attachment) => ({
      filename: attachment.filename,
      content: attachment.content,
      contentType: attachment.contentType,
    })),
  };
}

/**
 * Exactly one mailbox: an address from user input such as `a@x.org, b@y.org` must never send a
 * link meant for one person to two.
 */
function singleRecipient(to: string): string {
  const parsed = addressparser(to);
  const only = parsed.length === 1 ? parsed[0] : undefined;
  if (!only || only.group || !only.address || !only.address.includes('@')) {
    throw new MailDeliveryError('a mail needs exactly one recipient address');
  }
  return only.address;
}

/**
 * `<ISO timestamp>-<recipient>-<random>.eml`, with the recipient reduced to [a-z0-9@._-]
 * (no path separators, no `..`) and the colons of the time replaced, so that the name is a
 * plain file name on every system whatever the address holds.
 */
export function emlFileName(to: string, now: Date, random: string = randomBytes(4).toString('hex')): string {
  let address: string;
  try {
    address = singleRecipient(to);
  } catch {
    address = to;
  }
  const recipient =
    address
      .toLowerCase()
      .replace(/[^a-z0-9@._-]+/g, '_')
      .replace(/\.{2,}/g, '.')
      .replace(/^[._-]+|[._-]+$/g, '')
      .slice(0, 64) || 'recipient';
  const stamp = now.toISOString().replace(/:/g, '-');
  return `${stamp}-${recipient}-${random.replace(/[^a-z0-9]/gi, '')}.eml`;
}

/** The URL without user name or password: safe to log. */
function describeSmtpUrl(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'smtp (unparsable URL)';
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

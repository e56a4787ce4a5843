import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import pino from 'pino';
import { findFreePort } from '../../src/db/ports';
import type { Logger } from '../../src/logger';
import { MailDeliveryError } from '../../src/mail/errors';
import { createMailer, emlFileName } from '../../src/mail/mailer';
import { temporaryDirectory } from '../support/local-server';
import { testLogger } from '../support/logger';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';

const FROM = 'LIAISE Learning <no-reply@liaise.test>';

/** A logger whose lines the test can read. */
function recordingLogger(): { log: Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { log, lines };
}

describe('mailer over SMTP', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
  });
  afterAll(async () => {
    await smtp.stop();
  });

  it('delivers subject, text, html and attachment intact, non-ASCII included', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: FROM, dataDir: '/nonexistent', isProduction: true, log: testLogger });
    const subject = 'Καλώς ήρθατε, Zoë Ørsted – επιβεβαίωση';
    await mailer.send({
      to: '"Zoë Ørsted" <zoe.orsted@example.org>',
      subject,
      text: 'Γεια σας Zoë,\nΑυτό είναι ένα δοκιμαστικό μήνυμα.',
      html: '<p>Γεια σας <strong>Zoë Ørsted</strong></p>',
      attachments: [{ filename: 'présence-Ελλάδα.csv', content: 'name;city\nZoë;Αθήνα\n', contentType: 'text/csv' }],
    });

    const mail = await smtp.waitForMessage((m) => m.subject === subject);
    expect(mail.text?.trim()).toBe('Γεια σας Zoë,\nΑυτό είναι ένα δοκιμαστικό μήνυμα.');
    expect(mail.html).toContain('<strong>Zoë Ørsted</strong>');
    const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
    expect(to?.value).toEqual([{ address: 'zoe.orsted@example.org', name: 'Zoë Ørsted' }]);
    expect(mail.from?.value[0]?.address).toBe('no-reply@liaise.test');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]?.filename).toBe('présence-Ελλάδα.csv');
    expect(mail.attachments[0]?.contentType).toBe('text/csv');
    expect(mail.attachments[0]?.content.toString('utf8')).toBe('name;city\nZoë;Αθήνα\n');
    expect(mailer.describe()).toBe(`SMTP server ${smtp.url}`);
  });

  it('never shows the credentials of the SMTP URL', () => {
    const mailer = createMailer({
      smtpUrl: 'smtps://user:s3cret@smtp.example.org:465',
      from: FROM,
      dataDir: '/nonexistent',
      isProduction: true,
      log: testLogger,
    });
    expect(mailer.describe()).toBe('SMTP server smtps://smtp.example.org:465');
  });

  it('refuses more than one recipient, so a link never reaches two people', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, from: FROM, dataDir: '/nonexistent', isProduction: true, log: testLogger });
    for (const to of ['a@example.org, b@example.org', 'team: a@example.org;', 'not an address']) {
      await expect(mailer.send({ to, subject: 's', text: 't', html: '<p>t</p>' })).rejects.toBeInstanceOf(MailDeliveryError);
    }
  });

  it('fails with MailDeliveryError, quickly, when nothing listens on the port', async () => {
    const port = await findFreePort();
    const mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      from: FROM,
      dataDir: '/nonexistent',
      isProduction: true,
      log: testLogger,
    });
    const started = Date.now();
    const failure = await mailer.send({ to: 'zoe@example.org', subject: 's', text: 't', html: '<p>t</p>' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MailDeliveryError);
    const { cause, code, message } = failure as MailDeliveryError;
    // The cause is nodemailer's own error (from Node's realm, hence no toBeInstanceOf(Error)).
    expect(cause).toMatchObject({ code: 'ESOCKET', message: expect.stringContaining('ECONNREFUSED') });
    expect(code).toBe('ESOCKET');
    expect(message).toContain('ECONNREFUSED');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('mailer without SMTP_URL', () => {
  it('writes an .eml file under <dataDir>/mail in development, and logs where', async () => {
    const dir = temporaryDirectory('liaise-mail-');
    const { log, lines } = recordingLogger();
    try {
      const mailer = createMailer({ from: FROM, dataDir: dir.path, isProduction: false, log });
      const subject = 'Επιβεβαιώστε τη διεύθυνση email σας – Zoë Ørsted';
      await mailer.send({ to: 'zoe@example.org', subject, text: 'Γεια σας', html: '<p>Γεια σας</p>' });

      const mailDir = path.join(dir.path, 'mail');
      const files = readdirSync(mailDir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-zoe@example\.org-[0-9a-f]{8}\.eml$/);
      const raw = readFileSync(path.join(mailDir, files[0]!));
      expect(raw.toString('latin1')).toContain('\r\n'); // RFC 822 line ends
      const parsed = await simpleParser(raw);
      expect(parsed.subject).toBe(subject);
      expect(parsed.text?.trim()).toBe('Γεια σας');
      expect(mailer.describe()).toContain(mailDir);

      const written = lines.find((line) => line.msg.startsWith('mail to zoe@example.org written to '));
      expect(written?.msg).toBe(`mail to zoe@example.org written to ${path.join(mailDir, files[0]!)}`);
      expect(written?.level).toBe(30); // info
    } finally {
      dir.remove();
    }
  });

  it('names the file safely whatever the recipient address holds', async () => {
    const dir = temporaryDirectory('liaise-mail-');
    try {
      const mailer = createMailer({ from: FROM, dataDir: dir.path, isProduction: false, log: testLogger });
      await mailer.send({ to: '"../../etc/x"@example.org', subject: 'hostile', text: 't', html: '<p>t</p>' });
      await mailer.send({ to: '"Zoë Ørsted" <Zoë.Ørsted@example.org>', subject: 'unicode', text: 't', html: '<p>t</p>' });

      const files = readdirSync(path.join(dir.path, 'mail')).sort();
      expect(files).toHaveLength(2);
      expect(readdirSync(dir.path)).toEqual(['mail']);
      for (const file of files) {
        expect(file).toMatch(/^[A-Za-z0-9@._-]+\.eml$/);
        expect(file).not.toContain('..');
        expect(file).not.toContain('/');
      }
      expect(files.some((file) => file.includes('-etc_x@example.org-'))).toBe(true);
    } finally {
      dir.remove();
    }
  });

  it('builds names from [a-z0-9@._-] only', () => {
    const now = new Date('2030-01-02T03:04:05.678Z');
    expect(emlFileName('zoe@example.org', now, 'abcd1234')).toBe('2030-01-02T03-04-05.678Z-zoe@example.org-abcd1234.eml');
    expect(emlFileName('"../../etc/x"@example.org', now, 'r')).toBe('2030-01-02T03-04-05.678Z-etc_x@example.org-r.eml');
    expect(emlFileName('../..', now, 'r')).toBe('2030-01-02T03-04-05.678Z-recipient-r.eml');
    expect(emlFileName('a/b\\c\0d\r\n@x', now, 'r')).toMatch(/^[A-Za-z0-9@._-]+\.eml$/);
  });

  it('in production, warns once and fails every send with MailDeliveryError', async () => {
    const { log, lines } = recordingLogger();
    const dir = temporaryDirectory('liaise-mail-');
    try {
      const mailer = createMailer({ from: FROM, dataDir: dir.path, isProduction: true, log });
      const message = { to: 'zoe@example.org', subject: 's', text: 't', html: '<p>t</p>' };
      await expect(mailer.send(message)).rejects.toThrow(new MailDeliveryError('SMTP_URL is not set'));
      await expect(mailer.send(message)).rejects.toBeInstanceOf(MailDeliveryError);
      expect(lines.filter((line) => line.level === 40)).toHaveLength(1);
      expect(readdirSync(dir.path)).toEqual([]);
      expect(mailer.describe()).toContain('SMTP_URL is not set');
    } finally {
      dir.remove();
    }
  });
});

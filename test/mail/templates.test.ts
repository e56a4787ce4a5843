import type { i18n } from 'i18next';
import { createI18n } from '../../src/i18n';
import { SUPPORTED_LANGUAGES } from '../../src/i18n/languages';
import { MAIL_TEMPLATES, MAIL_TEMPLATE_VARIABLES, type MailTemplate, renderMail } from '../../src/mail/templates';

let i18next: i18n;
beforeAll(async () => {
  i18next = await createI18n();
});

const LINK = 'https://learning.liaise.test/account/verify?token=AbC123_-xyz&lang=el';

/** Distinct, recognisable values for each variable a template takes. */
function sampleVariables(template: MailTemplate, name = 'Zoë Ørsted'): Record<string, string | number> {
  const all: Record<string, string | number> = {
    name,
    link: LINK,
    minutes: 45,
    newEmail: 'zoe.new@example.org',
    inviter: 'Γιώργος Παπαδόπουλος',
    resetLink: 'https://learning.liaise.test/reset-password',
    session: 'Prévention à Liège <2027>',
    dates: '12 March 2027 – 13 March 2027',
    city: 'Liège',
    deadline: '5 March 2027',
  };
  return Object.fromEntries(MAIL_TEMPLATE_VARIABLES[template].map((variable) => [variable, all[variable]!]));
}

/** How a value appears in the HTML: EJS escapes &, <, >, " and '. */
function htmlEscaped(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

describe.each(MAIL_TEMPLATES)('mail template %s', (template) => {
  it.each([...SUPPORTED_LANGUAGES])('renders completely in %s', async (lang) => {
    const variables = sampleVariables(template);
    const mail = await renderMail(i18next, template, lang, variables);

    for (const part of [mail.subject, mail.text, mail.html]) {
      expect(part).not.toMatch(/\{\{|\}\}/);
      expect(part).not.toContain(`${template}.`); // no untranslated key
    }
    expect(mail.subject.length).toBeGreaterThan(5);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    for (const [variable, value] of Object.entries(variables)) {
      expect({ variable, inText: mail.text.includes(String(value)) }).toEqual({ variable, inText: true });
      expect({ variable, inHtml: mail.html.includes(htmlEscaped(String(value))) }).toEqual({ variable, inHtml: true });
    }
    expect(mail.html).toMatch(new RegExp(`^<!DOCTYPE html>\\s*<html lang="${lang}"`));
    expect(mail.html).toContain('Efus');
    expect(mail.text).toContain('Efus');
    if ('link' in variables) {
      // The link is a button and also visible as text, for mail programs that hide buttons.
      expect(mail.html).toContain(`href="${htmlEscaped(LINK)}"`);
      expect(mail.html).toContain(`>${htmlEscaped(LINK)}</a>`);
    }
  });

  it('escapes hostile names (a person, an inviter, a session title) in the HTML and keeps them as text in the text part', async () => {
    const hostile = '<script>alert(1)</script>';
    const variables = sampleVariables(template, hostile);
    for (const text of ['inviter', 'session', 'city']) if (text in variables) variables[text] = hostile;
    const mail = await renderMail(i18next, template, 'en', variables);
    expect(mail.html).not.toContain('<script');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.text).toContain(hostile);
  });

  it('has a different subject in Greek than in English', async () => {
    const english = await renderMail(i18next, template, 'en', sampleVariables(template));
    const greek = await renderMail(i18next, template, 'el', sampleVariables(template));
    expect(greek.subject).not.toBe(english.subject);
    expect(greek.subject).toMatch(/[\u0370-\u03ff]/);
    expect(greek.html).toContain('lang="el"');
  });
});

describe('renderMail', () => {
  it('takes variables as text, never as i18next syntax', async () => {
    const mail = await renderMail(i18next, 'password-changed', 'en', { name: '{{name}} $t(mail:footer)' });
    expect(mail.text).toContain('Hello {{name}} $t(mail:footer),');
  });

  it('keeps the subject on one line whatever a variable holds', async () => {
    const mail = await renderMail(i18next, 'invitation', 'en', {
      name: 'Zoë',
      link: LINK,
      inviter: 'Eve\r\nBcc: victim@example.org',
    });
    expect(mail.subject).toBe('Eve Bcc: victim@example.org has created a LIAISE Learning account for you');
  });

  it('falls back to English for a language it does not have', async () => {
    const mail = await renderMail(i18next, 'verify-email', 'tlh', sampleVariables('verify-email'));
    const english = await renderMail(i18next, 'verify-email', 'en', sampleVariables('verify-email'));
    expect(mail).toEqual(english);
  });

  it('refuses missing variables and links that are not absolute http(s) URLs', async () => {
    await expect(renderMail(i18next, 'reset-password', 'en', { name: 'Zoë', link: LINK })).rejects.toThrow(/minutes/);
    await expect(renderMail(i18next, 'verify-email', 'en', { name: 'Zoë', link: '/account/verify?token=x' })).rejects.toThrow(
      /absolute/,
    );
    await expect(renderMail(i18next, 'verify-email', 'en', { name: 'Zoë', link: 'javascript:alert(1)' })).rejects.toThrow(
      /http/,
    );
  });
});

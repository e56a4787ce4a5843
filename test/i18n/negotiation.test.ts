import request from 'supertest';
import type { Express } from 'express';
import { createFormatters } from '../../src/i18n/format';
import { samePageIn } from '../../src/i18n/middleware';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import el from '../../locales/el/home.json';
import en from '../../locales/en/home.json';
import fr from '../../locales/fr/home.json';
import de from '../../locales/de/home.json';

const db = useTestDatabase(__filename);
let app: Express;

beforeAll(async () => {
  app = await buildTestApp(db.database());
});

function htmlLang(html: string): string | undefined {
  return /<html lang="([^"]+)"/.exec(html)?.[1];
}

describe('choosing the reader language', () => {
  it('defaults to English, with <html lang> following', async () => {
    const res = await request(app).get('/').expect(200);
    expect(htmlLang(res.text)).toBe('en');
    expect(res.text).toContain(en.heading);
  });

  it('follows Accept-Language, ignoring the region', async () => {
    const res = await request(app).get('/').set('Accept-Language', 'de-AT,de;q=0.9,en;q=0.5').expect(200);
    expect(htmlLang(res.text)).toBe('de');
    expect(res.text).toContain(de.heading);
    expect(res.headers['content-language']).toBe('de');
  });

  it('lets ?lang= win over Accept-Language and remembers it in a cookie', async () => {
    const agent = request.agent(app);
    const chosen = await agent.get('/?lang=el').set('Accept-Language', 'fr').expect(200);
    expect(htmlLang(chosen.text)).toBe('el');
    expect(chosen.text).toContain(el.heading);
    expect(chosen.headers['set-cookie']?.[0]).toMatch(/^lang=el;.*HttpOnly.*SameSite=Lax/i);

    const later = await agent.get('/').set('Accept-Language', 'fr').expect(200);
    expect(htmlLang(later.text)).toBe('el');
  });

  it('falls back silently on an unknown or hostile ?lang=', async () => {
    for (const lang of ['xx', '../../etc/passwd', '<script>alert(1)</script>', '']) {
      const res = await request(app).get('/').query({ lang }).set('Accept-Language', 'fr').expect(200);
      expect(htmlLang(res.text)).toBe('fr');
      expect(res.text).toContain(fr.heading);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const repeated = await request(app).get('/?lang=el&lang=de').expect(200);
    expect(['el', 'de', 'en']).toContain(htmlLang(repeated.text));
  });

  it('uses the installation default language when the reader states none', async () => {
    const portuguese = await buildTestApp(db.database(), { DEFAULT_LANGUAGE: 'pt' });
    expect(htmlLang((await request(portuguese).get('/').expect(200)).text)).toBe('pt');
    expect(htmlLang((await request(portuguese).get('/').set('Accept-Language', 'sv').expect(200)).text)).toBe('sv');
  });

  it('ignores a tampered language cookie', async () => {
    const res = await request(app).get('/').set('Cookie', 'lang=zz').set('Accept-Language', 'it').expect(200);
    expect(htmlLang(res.text)).toBe('it');
  });
});

describe('the language switcher', () => {
  it('offers all eleven languages, each named in itself, linking to the same page', async () => {
    const res = await request(app).get('/?utm=x').expect(200);
    for (const name of ['English', 'Français', 'Nederlands', 'Deutsch', 'Čeština', 'Español', 'Català', 'Ελληνικά', 'Italiano', 'Português', 'Svenska']) {
      expect(res.text).toContain(`>${name}</a>`);
    }
    expect(res.text).toContain('href="/?utm=x&amp;lang=el" lang="el" hreflang="el"');
  });

  it('builds links that stay on this site and on this page', () => {
    expect(samePageIn('/sessions?country=BE&lang=fr', 'nl')).toBe('/sessions?country=BE&lang=nl');
    expect(samePageIn('//evil.example/path', 'de')).toBe('/path?lang=de');
    expect(samePageIn('/a%20b', 'sv')).toBe('/a%20b?lang=sv');
  });
});

describe('numbers and dates through Intl', () => {
  it('writes them as the reader does, in the time zone of the event', () => {
    expect(createFormatters('de').number(12345.5)).toBe('12.345,5');
    expect(createFormatters('en').number(12345.5)).toBe('12,345.5');
    const march5 = new Date('2026-03-05T23:30:00Z');
    expect(createFormatters('fr').date(march5, 'Europe/Paris')).toBe('6 mars 2026');
    expect(createFormatters('el').date(march5, 'UTC')).toBe('5 Μαρτίου 2026');
    expect(createFormatters('en').dateTime(march5, 'Europe/Athens')).toMatch(/^March 6, 2026 at 1:30\sAM GMT\+2$/);
  });
});

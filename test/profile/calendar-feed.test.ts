/** The calendar feed on the profile page: its address shown once, working, replaced, turned off. */
import type { Express } from 'express';
import request from 'supertest';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { submitForm } from '../support/forms';
import { signInPersona } from '../support/personas';

const db = useTestDatabase(__filename);
let app: Express;

beforeAll(async () => {
  await seedReferenceData();
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true', BASE_URL: 'http://learning.example.org' });
});

const feedUrlIn = (html: string) => /<code class="secret" id="calendar-feed-url">([^<]+)<\/code>/.exec(html)?.[1];

it('shows a new feed address once; it serves a calendar until replaced or turned off', async () => {
  const person = await signInPersona(app, 'stakeholder');
  expect((await person.agent.get('/profile').expect(200)).text).toContain('id="calendar"');
  const created = await submitForm(person.agent, '/profile', '/profile/calendar-feed', {});
  expect(created.headers.location).toBe('/profile#calendar');
  const shown = await person.agent.get('/profile').expect(200);
  expect(shown.headers['cache-control']).toBe('no-store');
  const url = feedUrlIn(shown.text)!;
  expect(url).toMatch(/^http:\/\/learning\.example\.org\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
  expect(feedUrlIn((await person.agent.get('/profile').expect(200)).text)).toBeUndefined();
  const path = new URL(url).pathname;
  const feed = await request(app).get(path).expect(200);
  expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
  expect(feed.text).toMatch(/^BEGIN:VCALENDAR\r\n/);

  await submitForm(person.agent, '/profile', '/profile/calendar-feed', {});
  const replaced = feedUrlIn((await person.agent.get('/profile').expect(200)).text)!;
  expect(replaced).not.toBe(url);
  await request(app).get(path).expect(404);

  await submitForm(person.agent, '/profile', '/profile/calendar-feed/revoke', {});
  await request(app).get(new URL(replaced).pathname).expect(404);
});

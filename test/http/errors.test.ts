import express, { type Express } from 'express';
import request from 'supertest';
import { errorHandler } from '../../src/http/error-handler';
import { VIEWS_DIR } from '../../src/http/render';
import { createI18n } from '../../src/i18n';
import { languageMiddleware } from '../../src/i18n/middleware';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { testLogger } from '../support/logger';
import { csrfTokenIn } from '../support/forms';
import enErrors from '../../locales/en/errors.json';
import frErrors from '../../locales/fr/errors.json';
import csErrors from '../../locales/cs/errors.json';

const db = useTestDatabase(__filename);
let app: Express;

beforeAll(async () => {
  app = await buildTestApp(db.database());
});

describe('pages that do not exist', () => {
  it('get a localised 404 page inside the layout', async () => {
    const res = await request(app).get('/no/such/page?lang=fr').expect(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain(frErrors['not-found'].title);
    expect(res.text).toContain('<main id="main"');
    expect(res.text).toContain('<html lang="fr">');
  });

  it('get a problem document under /api', async () => {
    for (const path of ['/api/v1/nothing-here', '/api/v2/countries', '/api']) {
      const res = await request(app).get(path).set('Accept', 'text/html').expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toEqual({
        type: '/problems/not-found',
        title: enErrors['not-found'].title,
        status: 404,
        detail: enErrors['not-found'].message,
      });
    }
  });
});

describe('malformed and oversized requests', () => {
  it('answer malformed JSON with 400, in the reader language', async () => {
    const res = await request(app)
      .post('/api/v1/countries?lang=cs')
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(res.body).toMatchObject({ type: '/problems/malformed-json', status: 400, title: csErrors['malformed-json'].title });
  });

  it('answer a body over the limit with 413', async () => {
    const res = await request(app)
      .post('/api/v1/countries')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ text: 'x'.repeat(200 * 1024) }))
      .expect(413);
    expect(res.body).toMatchObject({ type: '/problems/payload-too-large', status: 413 });
  });

  it('answer an oversized form with a 413 page, not a crash', async () => {
    const res = await request(app)
      .post('/')
      .type('form')
      .set('Accept', 'text/html')
      .send(`field=${'y'.repeat(200 * 1024)}`)
      .expect(413);
    expect(res.text).toContain(enErrors['payload-too-large'].title);
  });

  it('answer an unsupported body charset with 415', async () => {
    await request(app)
      .post('/api/v1/countries')
      .set('Content-Type', 'application/json; charset=klingon')
      .send('{}')
      .expect(415);
  });

  it('answer a malformed percent-encoding in the path without a 500', async () => {
    const res = await request(app).get('/%E0%A4%A').set('Accept', 'text/html');
    expect([400, 404]).toContain(res.status);
  });
});

describe('unexpected failures', () => {
  /** The real error handler and layout, behind a route that fails as a bug would. */
  async function failingApp(env: 'production' | 'development'): Promise<Express> {
    const failing = express();
    failing.set('view engine', 'ejs');
    failing.set('views', VIEWS_DIR);
    failing.locals.appVersion = 'test';
    failing.use(languageMiddleware(await createI18n(), { secureCookies: false }));
    failing.get('/boom', () => {
      throw new Error('secret internals at /srv/app/src/thing.ts:42');
    });
    failing.get('/api/v1/boom', () => {
      throw new Error('secret internals');
    });
    failing.use(errorHandler({ log: testLogger, showStacks: env !== 'production' }));
    return failing;
  }

  it('show a localised 500 page with a reference and no stack trace in production', async () => {
    const res = await request(await failingApp('production')).get('/boom?lang=fr').expect(500);
    expect(res.text).toContain(frErrors.internal.title);
    expect(res.text).not.toContain('secret internals');
    expect(res.text).not.toContain('thing.ts');
  });

  it('show the stack to a developer outside production', async () => {
    const res = await request(await failingApp('development')).get('/boom').expect(500);
    expect(res.text).toContain('secret internals');
  });

  it('answer the API with a problem document without internals', async () => {
    const res = await request(await failingApp('production')).get('/api/v1/boom').expect(500);
    expect(res.body).toMatchObject({ type: '/problems/internal', status: 500 });
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });
});

describe('security headers', () => {
  it('send a strict content security policy without inline script', async () => {
    const res = await request(app).get('/').expect(200);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(res.text).not.toMatch(/\sstyle="/);
  });
});

describe('characters no database can store', () => {
  it('refuses a NUL or a lone surrogate in a form, a JSON body or a query, in the reader’s language, before any engine sees it', async () => {
    const app = await buildTestApp(db.database());
    const agent = request.agent(app);
    const page = await agent.get('/sign-in').set('Accept-Language', 'fr').expect(200);
    const form = await agent.post('/sign-in').set('Accept-Language', 'fr').type('form').send({ _csrf: csrfTokenIn(page.text), email: 'a\u0000b@example.org', password: 'x' });
    expect(form.status).toBe(400);
    expect(form.text).toContain(frErrors.field['unstorable-text']);
    const json = await request(app).post('/api/v1/auth/tokens').send({ email: 'someone@example.org', password: 'a\ud800b' }).expect(400);
    expect(json.body.errors).toEqual([{ path: '', message: enErrors.field['unstorable-text'] }]);
    await request(app).get('/api/v1/sessions?q=%00').expect(400);
    // Ordinary text, accents, emoji and right-to-left marks pass.
    await request(app).post('/api/v1/auth/tokens').send({ email: 'zoë@example.org', password: 'mot de passe 🙂 \u202e' }).expect(401);
  });
});

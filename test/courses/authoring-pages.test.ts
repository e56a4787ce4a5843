/**
 * Authoring on the web (issue 4, point 5), as a trainer uses it with plain forms: start a draft,
 * edit a lesson with a preview, add, move and remove lessons, edit the check and the changelog,
 * read the translation status, publish, archive. Mistakes keep the typed text; a conflicting save
 * shows both texts and loses neither.
 */
import type { Express } from 'express';
import { importModules } from '../../src/courses/import';
import { Course, CourseVersion } from '../../src/courses/model';
import { seedReferenceData } from '../../src/reference/seed';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, submitForm } from '../support/forms';
import { type SignedInPersona, signInPersona } from '../support/personas';

const db = useTestDatabase(__filename);
let app: Express;
let trainer: SignedInPersona;
let coordinator: SignedInPersona;
let stakeholder: SignedInPersona;

beforeAll(async () => {
  await seedReferenceData();
  app = await buildTestApp(db.database(), { TRUST_PROXY: 'true' });
  trainer = await signInPersona(app, 'trainer');
  coordinator = await signInPersona(app, 'coordinatorInScope');
  stakeholder = await signInPersona(app, 'stakeholder');
});

beforeEach(async () => {
  await Course.deleteMany({});
  await CourseVersion.deleteMany({});
  expect((await importModules()).problems).toEqual([]);
});

const draftOf = async (slug: string) => (await CourseVersion.findOne({ course: slug, status: 'draft' }).lean())!;

async function startDraft(who: SignedInPersona, slug: string): Promise<string> {
  const res = await submitForm(who.agent, `/authoring/${slug}`, `/authoring/${slug}/drafts`, {});
  expect(res.status).toBe(303);
  expect(res.headers.location).toMatch(new RegExp(`^/authoring/${slug}/versions/\\d+\\.\\d+\\.\\d+\\?done=draft-started$`));
  return res.headers.location!.split('?')[0]!;
}

describe('who may author', () => {
  it('sends visitors to sign in and refuses learners', async () => {
    const anonymous = await (await signInPersona(app, 'anonymous')).agent.get('/authoring/schools').expect(303);
    expect(anonymous.headers.location).toBe('/sign-in?returnTo=%2Fauthoring%2Fschools');
    await stakeholder.agent.get('/authoring').expect(403);
    const home = await trainer.agent.get('/authoring').expect(200);
    expect(home.text).toContain('href="/authoring/schools"');
  });
});

describe('a draft', () => {
  it('starts from the latest published version, and a second start opens the same draft', async () => {
    const page = await startDraft(trainer, 'schools');
    expect(page).toBe('/authoring/schools/versions/1.1.0');
    const again = await submitForm(coordinator.agent, '/authoring/schools', '/authoring/schools/drafts', {});
    expect(again.headers.location).toBe(page);
    const draft = await trainer.agent.get(page).expect(200);
    expect(draft.text).toContain('/authoring/schools/versions/1.1.0/lessons/new');
    // The translation status: English and French complete, Portuguese missing.
    expect(draft.text).toMatch(/lang="fr">Français<\/th>\s*<td>100 %<\/td>/);
    expect(draft.text).toMatch(/lang="pt">Português<\/th>\s*<td>0 %<\/td>/);
  });

  it('edits a lesson with a preview that saves nothing, keeping the text on errors', async () => {
    const page = await startDraft(trainer, 'schools');
    const key = (await draftOf('schools')).lessons[0]!.key;
    const editor = `${page}/lessons/${key}?content=en`;
    const opened = await trainer.agent.get(editor).expect(200);
    const token = csrfTokenIn(opened.text);
    const body = 'Revised *introduction*.\n\n<script>alert(1)</script>\n\n[Efus](https://efus.eu)';
    const preview = await trainer.agent.post(`${page}/lessons/${key}`).type('form').send({ _csrf: token, lang: 'en', revision: '0', title: 'School climate', minutes: '25', body, intent: 'preview' }).expect(200);
    expect(preview.text).toContain('<em>introduction</em>');
    expect(preview.text).not.toContain('<script>alert(1)</script>');
    expect((await draftOf('schools')).revision).toBe(0);

    const invalid = await trainer.agent.post(`${page}/lessons/${key}`).type('form').send({ _csrf: token, lang: 'en', revision: '0', title: '', minutes: 'twenty', body, intent: 'save' }).expect(400);
    expect(invalid.text).toContain('id="error-title"');
    expect(invalid.text).toMatch(/id="error-minutes">This value is not valid\.</);
    expect(invalid.text).toContain('Revised *introduction*.');

    const saved = await trainer.agent.post(`${page}/lessons/${key}`).type('form').send({ _csrf: token, lang: 'en', revision: '0', title: 'School climate', minutes: '25', body, intent: 'save' }).expect(303);
    expect(saved.headers.location).toBe(`${page}?done=lesson-saved#lesson-${key}`);
    const lesson = (await draftOf('schools')).lessons[0]!;
    expect(lesson).toMatchObject({ minutes: 25, content: { en: { title: 'School climate' } } });
  });

  it('keeps both texts when two editors save the same lesson', async () => {
    const page = await startDraft(trainer, 'schools');
    const key = (await draftOf('schools')).lessons[0]!.key;
    const trainerToken = csrfTokenIn((await trainer.agent.get(`${page}/lessons/${key}?content=fr`).expect(200)).text);
    const coordinatorToken = csrfTokenIn((await coordinator.agent.get(`${page}/lessons/${key}?content=fr`).expect(200)).text);
    await coordinator.agent.post(`${page}/lessons/${key}`).type('form').send({ _csrf: coordinatorToken, lang: 'fr', revision: '0', title: 'Climat (coordination)', minutes: '20', body: 'Texte de la coordinatrice.', intent: 'save' }).expect(303);
    const conflict = await trainer.agent.post(`${page}/lessons/${key}`).type('form').send({ _csrf: trainerToken, lang: 'fr', revision: '0', title: 'Climat (formateur)', minutes: '20', body: 'Texte du formateur.', intent: 'save' }).expect(409);
    expect(conflict.text).toContain('Texte du formateur.');
    expect(conflict.text).toContain('Texte de la coordinatrice.');
    expect(conflict.text).toContain('name="revision" value="1"');
    expect((await draftOf('schools')).lessons[0]!.content.fr!.body).toBe('Texte de la coordinatrice.');
    // Saving again on the newer revision is a deliberate choice, and goes through.
    await trainer.agent.post(`${page}/lessons/${key}`).type('form').send({ _csrf: trainerToken, lang: 'fr', revision: '1', title: 'Climat (formateur)', minutes: '20', body: 'Texte du formateur.', intent: 'save' }).expect(303);
  });

  it('adds a lesson where asked, moves it, and removes it after a confirmation', async () => {
    const page = await startDraft(trainer, 'schools');
    const added = await submitForm(trainer.agent, `${page}/lessons/new`, `${page}/lessons/new`, { lang: 'en', revision: '0', position: '0', title: 'Online spaces', minutes: '15', body: 'A new lesson.', intent: 'save' });
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe(`${page}?done=lesson-added#lesson-online-spaces`);
    expect((await draftOf('schools')).lessons[0]!.key).toBe('online-spaces');

    const moved = await submitForm(trainer.agent, page, `${page}/lessons/online-spaces/move`, { direction: 'down', revision: '1' });
    expect(moved.headers.location).toBe(`${page}?done=lesson-moved#lesson-online-spaces`);
    expect((await draftOf('schools')).lessons[1]!.key).toBe('online-spaces');
    // A stale button (an old page left open) changes nothing and says why.
    const stale = await submitForm(trainer.agent, page, `${page}/lessons/online-spaces/move`, { direction: 'down', revision: '1' });
    expect(stale.headers.location).toBe(`${page}?problem=stale-revision#lessons`);
    expect((await draftOf('schools')).lessons[1]!.key).toBe('online-spaces');

    const confirm = await trainer.agent.get(`${page}/lessons/online-spaces/remove`).expect(200);
    expect(confirm.text).toContain('Online spaces');
    const removed = await trainer.agent.post(`${page}/lessons/online-spaces/remove`).type('form').send({ _csrf: csrfTokenIn(confirm.text), revision: '2' }).expect(303);
    expect(removed.headers.location).toBe(`${page}?done=lesson-removed#lessons`);
    expect((await draftOf('schools')).lessons.map((lesson) => lesson.key)).not.toContain('online-spaces');
  });

  it('edits the knowledge check: adds a question, removes one, refuses a question without a right answer', async () => {
    const page = await startDraft(trainer, 'schools');
    const before = await draftOf('schools');
    const editor = await trainer.agent.get(`${page}/check?content=en`).expect(200);
    const form: Record<string, string | string[]> = { _csrf: csrfTokenIn(editor.text), lang: 'en', revision: '0' };
    // The form as the browser sends it: every input with its value, every ticked box.
    for (const match of editor.text.matchAll(/<input[^>]*name="(q-[^"]+|questions)"[^>]*>/g)) {
      const tag = match[0];
      const name = match[1]!;
      const value = /value="([^"]*)"/.exec(tag)?.[1] ?? '';
      if (tag.includes('type="checkbox"')) {
        if (tag.includes(' checked')) form[name] = [...((form[name] as string[] | undefined) ?? []), value];
      } else form[name] = value.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    }
    for (const match of editor.text.matchAll(/<textarea[^>]*name="(q-[^"]+)"[^>]*>([^<]*)<\/textarea>/g)) {
      form[match[1]!] = match[2]!.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    }
    const blank = before.questions.length;
    form['q-1-remove'] = 'yes';
    Object.assign(form, { [`q-${blank}-prompt`]: 'Who decides on a referral?', [`q-${blank}-o-0-text`]: 'The teacher alone', [`q-${blank}-o-1-text`]: 'The school team, with the safeguarding lead', [`q-${blank}-feedback`]: 'Referral is a shared decision.' });

    const missingAnswer = await trainer.agent.post(`${page}/check`).type('form').send(form).expect(400);
    expect(missingAnswer.text).toContain(`href="#field-q-${blank}-correct"`);
    expect(missingAnswer.text).toContain('Who decides on a referral?');
    expect((await draftOf('schools')).revision).toBe(0);

    form[`q-${blank}-correct`] = ['1'];
    const saved = await trainer.agent.post(`${page}/check`).type('form').send(form).expect(303);
    expect(saved.headers.location).toBe(`${page}?done=check-saved#check`);
    const after = await draftOf('schools');
    expect(after.questions.map((question) => question.key)).toEqual([...before.questions.map((question) => question.key).filter((_, index) => index !== 1), expect.stringMatching(/^q\d+$/)]);
    const added = after.questions.at(-1)!;
    expect(added).toMatchObject({ optionKeys: ['a', 'b'], correct: ['b'] });
    expect(added.text.en!.prompt).toBe('Who decides on a referral?');
    // Unchanged questions keep their text in every language.
    expect(after.questions[0]).toEqual(before.questions[0]);
  });

  it('sets the changelog per language and publishes only when English is complete', async () => {
    const page = await startDraft(trainer, 'schools');
    const refused = await submitForm(trainer.agent, page, `${page}/publish`, { changelog: '' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('href="#field-changelog"');
    const french = await submitForm(trainer.agent, `${page}/changelog?content=fr`, `${page}/changelog`, { lang: 'fr', text: 'Une nouvelle étude de cas.', revision: '0' });
    expect(french.headers.location).toBe(`${page}?done=changelog-saved#changelog`);
    const published = await submitForm(coordinator.agent, page, `${page}/publish`, { changelog: 'A new case study.' });
    expect(published.headers.location).toBe(`${page}?done=published`);
    expect((await CourseVersion.findOne({ course: 'schools', version: '1.1.0' }).lean())!).toMatchObject({ status: 'published', changelog: { en: 'A new case study.', fr: 'Une nouvelle étude de cas.' } });
    // Published: read-only, no more forms to change it.
    const readOnly = await trainer.agent.get(page).expect(200);
    expect(readOnly.text).not.toContain(`${page}/lessons/new`);
    await trainer.agent.get(`${page}/check`).expect(409);
  });

  it('archives an older published version, never the latest', async () => {
    const latest = await submitForm(trainer.agent, '/authoring/awareness', '/authoring/awareness/versions/1.1.0/archive', {});
    expect(latest.headers.location).toBe('/authoring/awareness?problem=latest-published');
    const older = await submitForm(trainer.agent, '/authoring/awareness', '/authoring/awareness/versions/1.0.0/archive', {});
    expect(older.headers.location).toBe('/authoring/awareness?done=archived');
    expect((await CourseVersion.findOne({ course: 'awareness', version: '1.0.0' }).lean())!.status).toBe('archived');
  });
});

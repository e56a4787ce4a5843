/**
 * The sign-in sheet of a session day (issue 6, point 3): a PDF in the session's language with
 * the programme and session details on every page, every enrolled person with their
 * organisation, and "page X of Y". The text is read back with pdftotext (poppler-utils).
 */
import { execFileSync } from 'node:child_process';
import type { Express } from 'express';
import request from 'supertest';
import { User } from '../../src/accounts/model';
import { toSessionUser } from '../../src/accounts/session-user';
import { importModules } from '../../src/courses/import';
import { enrol } from '../../src/enrolment/service';
import { seedReferenceData } from '../../src/reference/seed';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { type SignedInPersona, signInPersona } from '../support/personas';

const db = useTestDatabase(__filename);
let app: Express;
let trainer: SignedInPersona;
let stakeholder: SignedInPersona;

const NOW = new Date('2027-01-15T10:00:00Z');

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  app = await buildTestApp(db.database());
  trainer = await signInPersona(app, 'trainer');
  stakeholder = await signInPersona(app, 'stakeholder');
});

/** The PDF's text, page by page (pdftotext separates pages with a form feed). */
function pdfPages(pdf: Buffer): string[] {
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
  return text.split('\f').filter((page) => page.trim() !== '');
}

const binary = (res: request.Response, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
};

describe('the sign-in sheet', () => {
  it('lists 40 enrolled people over several pages, in French for a French session, for its staff only', async () => {
    const trainerUser = toSessionUser((await User.findById(trainer.userId).lean())!);
    const { session } = await scheduleSession(
      trainerUser,
      {
        title: 'Prévention à Liège',
        courses: ['awareness', 'schools'],
        language: 'fr',
        city: 'be-liege',
        venue: { name: 'Hôtel de Ville', address: 'Place du Marché 2, 4000 Liège' },
        days: defaultDays('2031-03-10'),
        capacity: 50,
      },
      NOW,
    );
    const id = String(session._id);
    const people = await User.insertMany(
      Array.from({ length: 40 }, (_, index) => ({
        email: `signer-${index}@example.org`,
        name: `Participant ${String(index + 1).padStart(2, '0')} Éloïse`,
        passwordHash: 'not used',
        roles: ['stakeholder' as const],
        emailVerifiedAt: new Date(),
        organisationName: `Ville numéro ${index + 1}`,
      })),
    );
    for (const person of people) await enrol(toSessionUser(person.toObject()), id, undefined, NOW);

    const res = await trainer.agent.get(`/sessions/${id}/days/2/sign-in-sheet.pdf?lang=en`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="?sign-in-sheet-2031-03-11-${id.slice(-6)}\\.pdf"?$`));
    const body = res.body as Buffer;
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');

    const pages = pdfPages(body);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((page, index) => {
      // The header on every page, in French whatever the reader's language.
      expect(page).toContain('Programme LIAISE');
      expect(page).toContain('Prévention à Liège');
      expect(page).toContain('Feuille d’émargement');
      expect(page).toMatch(/Jour 2 sur 2 : mardi 11 mars 2031, 09:00–17:00 \(Europe\/Brussels/);
      expect(page).toContain('Hôtel de Ville');
      expect(page).toContain(trainerUser.name);
      expect(page).toContain('Signature');
      expect(page).toContain(`Page ${index + 1} sur ${pages.length}`);
    });
    const all = pages.join('\n');
    expect(all).toMatch(/Modules : .*version/);
    for (let index = 1; index <= 40; index += 1) {
      expect(all).toContain(`Participant ${String(index).padStart(2, '0')} Éloïse`);
      expect(all).toContain(`Ville numéro ${index}`);
    }
    // Each person once, in name order.
    expect(all.match(/Participant \d\d/g)).toEqual(Array.from({ length: 40 }, (_, index) => `Participant ${String(index + 1).padStart(2, '0')}`));

    await stakeholder.agent.get(`/sessions/${id}/days/2/sign-in-sheet.pdf`).expect(403);
    await trainer.agent.get(`/sessions/${id}/days/3/sign-in-sheet.pdf`).expect(404);
    const visitor = await request(app).get(`/sessions/${id}/days/1/sign-in-sheet.pdf`).expect(303);
    expect(visitor.headers.location).toMatch(/^\/sign-in\?returnTo=/);
  });
});

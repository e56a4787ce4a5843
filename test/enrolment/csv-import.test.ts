/**
 * Importing participants from a CSV file (issue 5, point 5): the API and the roster page of
 * the real app, against the test database and a real SMTP server.
 */
import type { Express } from 'express';
import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { createApiToken } from '../../src/accounts/api-token';
import { type Role, User } from '../../src/accounts/model';
import { toSessionUser } from '../../src/accounts/session-user';
import { importModules } from '../../src/courses/import';
import { decodeCsv, detectSeparator, IMPORT_MAX_ROWS, parseParticipantsCsv } from '../../src/enrolment/csv-import';
import { Enrolment } from '../../src/enrolment/model';
import { SessionInvitation } from '../../src/invitations/model';
import { seedReferenceData } from '../../src/reference/seed';
import { defaultDays, scheduleSession } from '../../src/sessions/schedule';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn } from '../support/forms';
import { signInPersona } from '../support/personas';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp';

const db = useTestDatabase(__filename);
let app: Express;
let smtp: TestSmtpServer;

let serial = 0;
async function account(roles: Role[] = ['stakeholder'], email?: string, country = 'PT') {
  serial += 1;
  const created = await User.create({
    email: email ?? `import-person-${serial}@example.org`,
    name: `Import Person ${serial}`,
    passwordHash: 'not used',
    roles,
    country,
    emailVerifiedAt: new Date(),
  });
  const { token } = await createApiToken(String(created._id), 'tests');
  return { id: String(created._id), email: created.email, token, user: toSessionUser(created) };
}

let day = 0;
async function newSession(capacity: number, trainer?: Awaited<ReturnType<typeof account>>['user']) {
  const teacher = trainer ?? (await account(['trainer'])).user;
  day += 1;
  const { session } = await scheduleSession(teacher, {
    title: 'Awareness in Setúbal',
    courses: ['awareness'],
    language: 'pt',
    city: 'pt-setubal',
    venue: { name: `Casa ${day}`, address: 'Largo José Afonso' },
    days: defaultDays(`2027-08-${String(day).padStart(2, '0')}`),
    capacity,
  });
  return String(session._id);
}

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
/** An invitation to the session, in whatever language: it carries the invitation link. */
const isInvitation = (message: ParsedMail) => (message.text ?? '').includes('/session-invitation?token=');
const invitationsTo = (address: string) => smtp.messages.filter((message) => isInvitation(message) && JSON.stringify(message.to ?? '').includes(address));

function upload(sessionId: string, token: string, file: Buffer, filename = 'participants.csv') {
  return request(app).post(`/api/v1/sessions/${sessionId}/enrolments/import`).set(auth(token)).attach('file', file, { filename, contentType: 'text/csv' });
}

async function counts() {
  return { users: await User.countDocuments({}), enrolments: await Enrolment.countDocuments({}), invitations: await SessionInvitation.countDocuments({}) };
}

let coordinator: Awaited<ReturnType<typeof account>>;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  await seedReferenceData();
  expect((await importModules()).problems).toEqual([]);
  app = await buildTestApp(db.database(), { SMTP_URL: smtp.url, TRUST_PROXY: 'true' });
  serial += 1;
  const made = await User.create({ email: `coordinator-pt-${serial}@example.org`, name: 'Coordinator PT', passwordHash: 'not used', roles: ['coordinator'], scopeCountries: ['PT'], emailVerifiedAt: new Date() });
  coordinator = { id: String(made._id), email: made.email, token: (await createApiToken(String(made._id), 'tests')).token, user: toSessionUser(made) };
});

afterAll(async () => {
  await smtp.stop();
});

describe('reading files', () => {
  it('detects the separator from the header line', () => {
    expect(detectSeparator('name,email,organisation')).toBe(',');
    expect(detectSeparator('name;email;"a, b"')).toBe(';');
    expect(detectSeparator('name\temail')).toBe('\t');
  });

  it('decodes UTF-8 with a BOM, UTF-16 LE and BE, and Windows-1252', () => {
    const text = 'name;email\nRené Müller;rene@example.org\n';
    expect(decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]))).toEqual({ text, encoding: 'utf-8-bom' });
    expect(decodeCsv(Buffer.from(`\ufeff${text}`, 'utf16le'))).toEqual({ text, encoding: 'utf-16le' });
    expect(decodeCsv(Buffer.from(text, 'utf16le').swap16())).toEqual({ text, encoding: 'utf-16be' });
    expect(decodeCsv(Buffer.from(text, 'latin1'))).toEqual({ text, encoding: 'windows-1252' });
    // Bytes 0x80–0x9f are Windows-1252's own (€, œ, „), not Latin-1 control characters.
    expect(decodeCsv(Buffer.from([0x80, 0x9c, 0x84, 0x0a])).text).toBe('€œ„\n');
  });

  it('numbers rows by their line in the file, quoted line breaks and blank lines included', () => {
    const parsed = parseParticipantsCsv(Buffer.from('Name,E-mail\r\n"A\r\nB",a@example.org\r\n\r\nC,c@example.org\r\n'));
    expect(parsed.rows.map((row) => [row.line, row.values.name])).toEqual([
      [2, 'A\nB'],
      [5, 'C'],
    ]);
  });
});

describe('POST /api/v1/sessions/:id/enrolments/import', () => {
  it('enrols the accounts the importer may see, invites everyone else, and rejects bad rows with their reason', async () => {
    const sessionId = await newSession(10);
    const existing = await account();
    const abroad = await account(['stakeholder'], undefined, 'SE');
    const csv = [
      'Name,Email,Organisation,Sector,Language',
      'Ana Silva,Ana.Silva@Example.org,Câmara Municipal de Setúbal,local-government,pt',
      `Someone Known,${existing.email},,police,`,
      'Bad Email,not-an-email,,,',
      'Unknown Sector,sector@example.org,,astronauts,en',
      'Unknown Language,language@example.org,,,xx',
      ',noname@example.org,,,',
      'João Polícia,joao@example.org,PSP,Police,Português',
      `Someone Abroad,${abroad.email},,,`,
    ].join('\n');
    const usersBefore = await User.countDocuments({});
    const res = await upload(sessionId, coordinator.token, Buffer.from(csv)).expect(200);
    expect(res.body.rows).toEqual([
      { line: 2, email: 'ana.silva@example.org', name: 'Ana Silva', outcome: 'invited' },
      { line: 3, email: existing.email, name: 'Someone Known', outcome: 'enrolled' },
      { line: 4, email: 'not-an-email', name: 'Bad Email', outcome: 'rejected', reason: 'invalid-email' },
      { line: 5, email: 'sector@example.org', name: 'Unknown Sector', outcome: 'rejected', reason: 'unknown-sector' },
      { line: 6, email: 'language@example.org', name: 'Unknown Language', outcome: 'rejected', reason: 'unknown-language' },
      { line: 7, email: 'noname@example.org', name: '', outcome: 'rejected', reason: 'missing-name' },
      { line: 8, email: 'joao@example.org', name: 'João Polícia', outcome: 'invited' },
      // A Swedish account is outside this Portuguese coordinator's countries: invited, like an unknown address.
      { line: 9, email: abroad.email, name: 'Someone Abroad', outcome: 'invited' },
    ]);
    expect(res.body.totals).toEqual({ rows: 8, enrolled: 1, waitlisted: 0, invited: 3, already: 0, rejected: 4 });
    expect(res.body).toMatchObject({ encoding: 'utf-8', separator: ',' });
    // Nobody gets an account made for them: they create it when they accept.
    expect(await User.countDocuments({})).toBe(usersBefore);
    expect(await SessionInvitation.findOne({ session: sessionId, contact: 'ana.silva@example.org' }).lean()).toMatchObject({
      prefill: { name: 'Ana Silva', organisation: 'Câmara Municipal de Setúbal', sector: 'local-government', language: 'pt' },
      mailed: true,
    });

    // The invitations name the session and the inviter, in the row's language; none for the person enrolled.
    const mail = await smtp.waitForMessage((message) => isInvitation(message) && JSON.stringify(message.to).includes('ana.silva@example.org'));
    expect(mail.subject).toContain('Coordinator PT');
    expect(mail.subject).toContain('Awareness in Setúbal');
    await smtp.waitForMessage((message) => isInvitation(message) && JSON.stringify(message.to).includes('joao@example.org'));
    await smtp.waitForMessage((message) => isInvitation(message) && JSON.stringify(message.to).includes(abroad.email));
    expect(invitationsTo(existing.email)).toEqual([]);

    // Re-importing the same file: nothing new, every good row "already", no new invitation.
    const before = await counts();
    const again = await upload(sessionId, coordinator.token, Buffer.from(csv)).expect(200);
    expect(again.body.rows.map((row: { outcome: string; reason?: string }) => [row.outcome, row.reason])).toEqual([
      ['already', 'already-invited'],
      ['already', 'already-enrolled'],
      ['rejected', 'invalid-email'],
      ['rejected', 'unknown-sector'],
      ['rejected', 'unknown-language'],
      ['rejected', 'missing-name'],
      ['already', 'already-invited'],
      ['already', 'already-invited'],
    ]);
    expect(again.body.totals).toMatchObject({ enrolled: 0, waitlisted: 0, invited: 0, already: 4, rejected: 4 });
    expect(await counts()).toEqual(before);
    expect(await Enrolment.countDocuments({ session: sessionId })).toBe(1);
  });

  it('reads a semicolon-separated Windows-1252 file with French headers and accents', async () => {
    const sessionId = await newSession(10);
    const csv = 'Nom;Courriel;Organisme;Secteur;Langue\r\nÉmilie Dupré;emilie@example.fr;Mairie de Sète;Éducation;fr\r\nJürgen Müller;juergen@example.de;Stadt Köln;Polizei;de\r\n';
    const res = await upload(sessionId, coordinator.token, Buffer.from(csv, 'latin1')).expect(200);
    expect(res.body).toMatchObject({ encoding: 'windows-1252', separator: ';' });
    expect(res.body.rows.map((row: { name: string; outcome: string }) => [row.name, row.outcome])).toEqual([
      ['Émilie Dupré', 'invited'],
      ['Jürgen Müller', 'invited'],
    ]);
    const prefillOf = async (contact: string) => (await SessionInvitation.findOne({ session: sessionId, contact }).lean())?.prefill;
    expect(await prefillOf('emilie@example.fr')).toEqual({ name: 'Émilie Dupré', organisation: 'Mairie de Sète', sector: 'education', language: 'fr' });
    expect(await prefillOf('juergen@example.de')).toEqual({ name: 'Jürgen Müller', organisation: 'Stadt Köln', sector: 'police', language: 'de' });
  });

  it('reads UTF-8 with a BOM, and UTF-16 with a BOM (tab-separated, as Excel saves "Unicode text")', async () => {
    const sessionId = await newSession(10);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('email,name,language\nzoe@example.org,Zoë Öberg,sv\n', 'utf8')]);
    const first = await upload(sessionId, coordinator.token, bom).expect(200);
    expect(first.body).toMatchObject({ encoding: 'utf-8-bom', totals: { invited: 1 } });
    expect(first.body.rows[0]).toMatchObject({ name: 'Zoë Öberg', email: 'zoe@example.org' });

    const utf16 = Buffer.from('\ufeffName\tEmail\tSector\nΕλένη Παπαδοπούλου\teleni@example.gr\thealth\n', 'utf16le');
    const second = await upload(sessionId, coordinator.token, utf16).expect(200);
    expect(second.body).toMatchObject({ encoding: 'utf-16le', separator: '\t', totals: { invited: 1 } });
    expect((await SessionInvitation.findOne({ session: sessionId, contact: 'eleni@example.gr' }).lean())?.prefill).toEqual({ name: 'Ελένη Παπαδοπούλου', sector: 'health' });

    const utf16be = Buffer.from('\ufeffname;email\nČeněk Dvořák;cenek@example.cz\n', 'utf16le').swap16();
    const third = await upload(sessionId, coordinator.token, utf16be).expect(200);
    expect(third.body).toMatchObject({ encoding: 'utf-16be', separator: ';', rows: [{ name: 'Čeněk Dvořák', outcome: 'invited' }] });
  });

  it('accepts the file as a text/csv body', async () => {
    const sessionId = await newSession(10);
    const res = await request(app)
      .post(`/api/v1/sessions/${sessionId}/enrolments/import`)
      .set(auth(coordinator.token))
      .set('Content-Type', 'text/csv; charset=utf-8')
      .send('name,email\nRaw Body,raw-body@example.org\n')
      .expect(200);
    expect(res.body.rows).toEqual([{ line: 2, email: 'raw-body@example.org', name: 'Raw Body', outcome: 'invited' }]);
  });

  it('puts the people beyond the seats on the waiting list, in order, and says so', async () => {
    const sessionId = await newSession(2);
    // People of the coordinator's country: enrolled directly.
    for (const n of [1, 2, 3, 4, 5]) await account(['stakeholder'], `seeker-${n}@example.org`);
    const csv = ['name,email', ...[1, 2, 3, 4, 5].map((n) => `Seat Seeker ${n},seeker-${n}@example.org`)].join('\n');
    const res = await upload(sessionId, coordinator.token, Buffer.from(csv)).expect(200);
    expect(res.body.rows.map((row: { outcome: string; position?: number }) => [row.outcome, row.position])).toEqual([
      ['enrolled', undefined],
      ['enrolled', undefined],
      ['waitlisted', 1],
      ['waitlisted', 2],
      ['waitlisted', 3],
    ]);
    expect(res.body.totals).toMatchObject({ enrolled: 2, waitlisted: 3 });
    const again = await upload(sessionId, coordinator.token, Buffer.from(csv)).expect(200);
    expect(again.body.rows.map((row: { reason?: string }) => row.reason)).toEqual(['already-enrolled', 'already-enrolled', 'already-waitlisted', 'already-waitlisted', 'already-waitlisted']);
  });

  it('rejects a repeated address within one file instead of enrolling twice', async () => {
    const sessionId = await newSession(10);
    const res = await upload(sessionId, coordinator.token, Buffer.from('name,email\nTwice,twice@example.org\nTwice Again,TWICE@example.org\n')).expect(200);
    expect(res.body.rows.map((row: { outcome: string; reason?: string }) => [row.outcome, row.reason])).toEqual([
      ['invited', undefined],
      ['rejected', 'repeated-in-file'],
    ]);
  });

  it('refuses a file it cannot read with a clear 400, and does nothing', async () => {
    const sessionId = await newSession(10);
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
      Buffer.from('name,email\nHidden,hidden@example.org\n'),
    ]);
    const before = await counts();
    const cases: Array<[Buffer, string, RegExp]> = [
      [png, 'not-csv', /not a CSV text file/],
      [Buffer.from('Ana,ana2@example.org\n'), 'no-header', /no header line/],
      [Buffer.from('name,organisation\nAna,EFUS\n'), 'no-email-column', /No email column/],
      [Buffer.from('email,organisation\nana3@example.org,EFUS\n'), 'no-name-column', /No name column/],
      [Buffer.from(''), 'empty', /empty/],
      [Buffer.from('name,email\n"Unclosed,quote@example.org\n'), 'malformed', /cannot be read as CSV/],
      [Buffer.from(['name,email', ...Array.from({ length: IMPORT_MAX_ROWS + 1 }, (_, n) => `P ${n},p${n}@example.org`)].join('\n')), 'too-many-rows', /at most 1000/],
    ];
    for (const [file, code, message] of cases) {
      const res = await upload(sessionId, coordinator.token, file, code === 'not-csv' ? 'photo.csv' : 'participants.csv');
      expect({ code, status: res.status }).toEqual({ code, status: 400 });
      expect(res.body.errors).toEqual([{ path: 'file', message: expect.stringMatching(message) }]);
    }
    expect(await counts()).toEqual(before);
    expect(await User.exists({ email: 'hidden@example.org' })).toBeNull();
  });

  it('refuses a file over 2 MB (413), a JSON body (415), and a missing file (400)', async () => {
    const sessionId = await newSession(10);
    const big = Buffer.concat([Buffer.from('name,email\n'), Buffer.alloc(2 * 1024 * 1024, 'a')]);
    expect((await upload(sessionId, coordinator.token, big)).status).toBe(413);
    expect((await request(app).post(`/api/v1/sessions/${sessionId}/enrolments/import`).set(auth(coordinator.token)).send({ file: 'x' })).status).toBe(415);
    const missing = await request(app).post(`/api/v1/sessions/${sessionId}/enrolments/import`).set(auth(coordinator.token)).field('note', 'no file');
    expect(missing.status).toBe(400);
  });

  it('is for the session staff only, checked before reading the file', async () => {
    const sessionId = await newSession(10);
    const stakeholder = await account();
    const otherTrainer = await account(['trainer']);
    const file = Buffer.from('name,email\nNever,never@example.org\n');
    await upload(sessionId, stakeholder.token, file).expect(403);
    await upload(sessionId, otherTrainer.token, file).expect(403);
    await request(app).post(`/api/v1/sessions/${sessionId}/enrolments/import`).attach('file', file, 'x.csv').expect(401);
    await upload('0123456789abcdef01234567', coordinator.token, file).expect(404);
    expect(await User.exists({ email: 'never@example.org' })).toBeNull();
    // Its own trainer may.
    const trainer = await account(['trainer']);
    const own = await newSession(10, trainer.user);
    await upload(own, trainer.token, file).expect(200);
  });
});

describe('the roster page', () => {
  it('offers the import and shows the report as a table', async () => {
    const trainer = await signInPersona(app, 'trainer');
    const teacher = toSessionUser((await User.findById(trainer.userId).lean())!);
    const sessionId = await newSession(1, teacher);
    const roster = await trainer.agent.get(`/sessions/${sessionId}/roster`).expect(200);
    const action = /action="(\/sessions\/[a-f0-9]+\/roster\/import\?_csrf=[^"]+)"/.exec(roster.text)?.[1];
    expect(action).toBeDefined();
    expect(roster.text).toContain('enctype="multipart/form-data"');
    const csv = Buffer.from('Name;E-mail;Sector\nWeb One;web-one@example.org;Education\nWeb Two;web-two@example.org;Unknown\nWeb Three;web-three@example.org;\n', 'latin1');
    const res = await trainer.agent.post(action!.replace(/&amp;/g, '&')).attach('file', csv, 'list.csv').expect(200);
    expect(res.text).toContain('Web One');
    expect(res.text).toMatch(/<td>Invited<\/td>/);
    expect(res.text).toContain('Unknown sector.');
    expect(res.text).toContain('3 rows: 0 enrolled, 0 on the waiting list, 2 invited, 0 already there, 1 rejected.');
    // The roster lists them as invited, by the address the trainer's file gave.
    const after = await trainer.agent.get(`/sessions/${sessionId}/roster`).expect(200);
    expect(after.text).toContain('Invited, no answer yet (2)');
    expect(after.text).toContain('web-three@example.org (Web Three)');

    const bad = await trainer.agent.post(action!.replace(/&amp;/g, '&')).attach('file', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'photo.csv').expect(400);
    expect(bad.text).toContain('not a CSV text file');
    expect(bad.text).toContain('Nothing was imported.');

    // Without the token in the action, the upload is refused.
    const forged = await trainer.agent.post(`/sessions/${sessionId}/roster/import`).attach('file', csv, 'list.csv');
    expect(forged.status).toBe(403);
    // A form without a file says so.
    const page = await trainer.agent.get(`/sessions/${sessionId}/roster`).expect(200);
    const empty = await trainer.agent.post(`/sessions/${sessionId}/roster/import`).type('form').send({ _csrf: csrfTokenIn(page.text) });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Choose a CSV file to import.');
  });
});

/**
 * The attendance export (issue 6, point 6): each format read back with a real reader, the
 * filters, and who may export what. Records are written straight into the database.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Express } from 'express';
import mongoose from 'mongoose';
import request, { type Response } from 'supertest';
import { createApiToken } from '../../src/accounts/api-token';
import { type Role, User } from '../../src/accounts/model';
import { Attendance, TrainedPerson } from '../../src/attendance/model';
import { importModules } from '../../src/courses/import';
import { createI18n } from '../../src/i18n';
import type { Language } from '../../src/i18n/languages';
import { seedReferenceData } from '../../src/reference/seed';
import { reportHeaders } from '../../src/reports/columns';
import { reportLink } from '../../src/reports/pages';
import { pdfPageCount, ROWS_FIRST_PAGE, ROWS_PER_PAGE } from '../../src/reports/pdf';
import { TrainingSession } from '../../src/sessions/model';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';

const db = useTestDatabase(__filename);
const i18n = createI18n();
let app: Express;

let serial = 0;
async function person(roles: Role[], fields: Record<string, unknown> = {}): Promise<{ id: mongoose.Types.ObjectId; token: string }> {
  serial += 1;
  const user = await User.create({ email: `person-${serial}@example.org`, name: `Person ${serial}`, passwordHash: 'x', roles, country: 'BE', emailVerifiedAt: new Date(), ...fields });
  return { id: user._id, token: (await createApiToken(String(user._id), 'reports test')).token };
}

async function session(fields: { title: string; city: string; country: string; course: string; language: Language; dates: string[] }) {
  const days = fields.dates.map((date) => ({ date, start: '09:00', end: '17:00', startsAt: new Date(`${date}T08:00:00Z`), endsAt: new Date(`${date}T16:00:00Z`) }));
  const created = await TrainingSession.create({
    title: fields.title,
    courses: [{ slug: fields.course, version: '1.0.0' }],
    language: fields.language,
    city: fields.city,
    country: fields.country,
    venue: { name: 'Town hall', address: 'Main square 1', nameKey: 'town hall' },
    timezone: 'Europe/Brussels',
    days,
    capacity: 100,
    enrolmentDeadlineDate: fields.dates[0]!,
    enrolmentDeadline: days[0]!.startsAt,
    trainers: [],
    firstStartsAt: days[0]!.startsAt,
    lastEndsAt: days.at(-1)!.endsAt,
    createdBy: new mongoose.Types.ObjectId(),
  });
  return created;
}

const recorder = new mongoose.Types.ObjectId();
function record(sessionDoc: { _id: mongoose.Types.ObjectId; days: Array<{ date: string }> }, day: number, user: mongoose.Types.ObjectId, status: string) {
  return { _id: `${String(sessionDoc._id)}:${day}:${String(user)}`, session: sessionDoc._id, day, date: sessionDoc.days[day]!.date, user, status, recordedBy: recorder, recordedAt: new Date(), via: 'roll-call' };
}

const TRICKY_NAME = 'Anne "Nan" Dupont; née\nMartin';
let admin: { token: string };
let coordinatorSE: { token: string };
let coordinatorBE: { token: string };
let stakeholder: { token: string };
let brussels: Awaited<ReturnType<typeof session>>;
let malmo: Awaited<ReturnType<typeof session>>;
let liege: Awaited<ReturnType<typeof session>>;
let big: Awaited<ReturnType<typeof session>>;
const BIG_ROWS = ROWS_FIRST_PAGE + 17;

beforeAll(async () => {
  await seedReferenceData();
  await importModules();
  app = await buildTestApp(db.database());
  admin = await person(['admin']);
  coordinatorSE = await person(['coordinator'], { scopeCountries: ['SE'] });
  coordinatorBE = await person(['coordinator'], { scopeCountries: ['BE'] });
  stakeholder = await person(['stakeholder']);

  const anne = await person(['stakeholder'], { name: TRICKY_NAME, organisationName: 'Ville de Bruxelles', sector: 'police' });
  const bert = await person(['stakeholder'], { name: 'Bert Janssens', organisationId: 'efus' });
  const sven = await person(['stakeholder'], { name: 'Sven Svensson', country: 'SE' });
  await TrainedPerson.create({ _id: anne.id, trained: true, sessions: [], courses: ['awareness'], updatedAt: new Date() });

  brussels = await session({ title: 'Awareness Brussels', city: 'be-brussels', country: 'BE', course: 'awareness', language: 'fr', dates: ['2031-03-10', '2031-03-11'] });
  malmo = await session({ title: 'Awareness Malmö', city: 'se-malmo', country: 'SE', course: 'awareness', language: 'sv', dates: ['2031-03-12'] });
  liege = await session({ title: 'Schools Liège', city: 'be-liege', country: 'BE', course: 'schools', language: 'fr', dates: ['2031-05-02'] });
  big = await session({ title: 'Big session', city: 'be-brussels', country: 'BE', course: 'family-support', language: 'nl', dates: ['2032-01-05'] });
  await Attendance.insertMany([
    record(brussels, 0, anne.id, 'present'),
    record(brussels, 1, anne.id, 'late'),
    record(brussels, 0, bert.id, 'absent'),
    record(malmo, 0, sven.id, 'present'),
    record(liege, 0, anne.id, 'excused'),
    ...Array.from({ length: BIG_ROWS }, () => record(big, 0, new mongoose.Types.ObjectId(), 'present')),
  ]);
});

function exportAs(token: string | undefined, query: string) {
  let test = request(app).get(`/api/v1/reports/attendance?${query}`);
  if (token) test = test.set('Authorization', `Bearer ${token}`);
  return test.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
}

const body = (res: Response) => res.body as Buffer;
const csvRows = (res: Response, delimiter = ',') => parse(body(res).toString('utf8'), { bom: true, delimiter }) as string[][];

describe('CSV', () => {
  it('is UTF-8 with a BOM, a French header, `;` on request and RFC 4180 quoting', async () => {
    const res = await exportAs(admin.token, 'format=csv&lang=fr&separator=;&to=2031-12-31').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="attendance-start-2031-12-31.csv"');
    expect([...body(res).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(body(res).toString('utf8')).toContain('\r\n');
    const rows = csvRows(res, ';');
    // The header as French i18n has it (English key by key until locales/fr/reports.json exists).
    expect(rows[0]).toEqual(reportHeaders((await i18n).getFixedT('fr')));
    expect(res.headers['content-language']).toBe('fr');
    expect(rows).toHaveLength(1 + 5);
    const anneRow = rows.find((row) => row[7] === TRICKY_NAME)!;
    expect(anneRow).toBeDefined();
    // The raw text quotes the field and doubles the quotes inside it.
    expect(body(res).toString('utf8')).toContain('"Anne ""Nan"" Dupont; née\nMartin"');
    expect(anneRow.slice(0, 7)).toEqual(['Awareness Brussels', expect.stringContaining('(1.0.0)'), expect.any(String), 'Belgique', '2031-03-10', '09:00', '17:00']);
    // Sorted by date, then session, then person.
    expect(rows.slice(1).map((row) => row[4])).toEqual(['2031-03-10', '2031-03-10', '2031-03-11', '2031-03-12', '2031-05-02']);
  });

  it('has its header in the language asked for (French), else the reader’s', async () => {
    const fr = csvRows(await exportAs(admin.token, 'format=csv&lang=fr&session=' + String(liege._id)).expect(200));
    const en = csvRows(await exportAs(admin.token, 'format=csv&session=' + String(liege._id)).expect(200));
    expect(en[0]).toEqual(['Session', 'Modules (version)', 'City', 'Country', 'Date', 'Start', 'End', 'Name', 'Email', 'Organisation', 'Sector', 'Status', 'Trained']);
    // Only English exists until the translations arrive; French falls back to it, key by key.
    expect(fr[0]).toHaveLength(13);
    expect(en[1]!.slice(7)).toEqual([TRICKY_NAME, expect.stringMatching(/@example\.org$/), 'Ville de Bruxelles', 'Police', 'Excused', 'Yes']);
  });

  it('shows an organisation of the reference data by its name, and people not trained as such', async () => {
    const rows = csvRows(await exportAs(admin.token, `format=csv&session=${String(brussels._id)}`).expect(200));
    const bert = rows.find((row) => row[7] === 'Bert Janssens')!;
    expect(bert[9]).not.toBe('');
    expect(bert[9]).not.toBe('efus');
    expect(bert.slice(11)).toEqual(['Absent', 'No']);
  });
});

describe('XLSX', () => {
  it('has a bold frozen header with an auto-filter, and dates as dates', async () => {
    const res = await exportAs(admin.token, 'format=xlsx&from=2031-01-01&to=2031-12-31').expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename="attendance-2031-01-01-2031-12-31.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body(res) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('Session');
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    expect(sheet.rowCount).toBe(1 + 5);
    const date = sheet.getRow(2).getCell(5).value;
    expect(date).toBeInstanceOf(Date);
    expect((date as Date).toISOString()).toBe('2031-03-10T00:00:00.000Z');
    expect(sheet.getRow(2).getCell(5).numFmt).toBe('yyyy-mm-dd');
  });
});

const hasPdftotext = spawnSync('pdftotext', ['-v']).error === undefined;
function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'report-pdf-'));
  try {
    writeFileSync(path.join(dir, 'r.pdf'), pdf);
    return execFileSync('pdftotext', ['-layout', path.join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('PDF', () => {
  it('counts its pages from the rows, totals block included', () => {
    expect(pdfPageCount(0)).toBe(1);
    expect(pdfPageCount(ROWS_FIRST_PAGE + 1)).toBe(2);
    expect(pdfPageCount(ROWS_FIRST_PAGE + ROWS_PER_PAGE)).toBe(3);
  });

  (hasPdftotext ? it : it.skip)('is a table with its header on every page, totals and "page X of Y"', async () => {
    const res = await exportAs(admin.token, `format=pdf&session=${String(big._id)}`).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(body(res).subarray(0, 5).toString()).toBe('%PDF-');
    const pages = pdfText(body(res)).split('\f').filter((page) => page.trim() !== '');
    expect(pages).toHaveLength(2);
    for (const [index, page] of pages.entries()) {
      expect(page).toMatch(/Session\s+Modules \(version\)\s+City/);
      expect(page).toContain(`Page ${index + 1} of 2`);
    }
    expect(pages[1]).toContain('Rows (person-days): ' + String(BIG_ROWS));
    expect(pages[1]).toContain(`Distinct people: ${BIG_ROWS}`);
    expect(pages[1]).toContain('Of whom trained: 0');
  });

  (hasPdftotext ? it : it.skip)('totals distinct people and those trained', async () => {
    const res = await exportAs(admin.token, `format=pdf&country=BE&to=2031-12-31`).expect(200);
    const text = pdfText(body(res));
    expect(text).toContain('Page 1 of 1');
    expect(text).toContain('Rows (person-days): 4');
    expect(text).toContain('Distinct people: 2');
    expect(text).toContain('Of whom trained: 1');
    expect(text).toContain('Bert Janssens');
  });
});

describe('filters', () => {
  const emails = async (token: string, query: string) => csvRows(await exportAs(token, `format=csv&${query}`).expect(200)).slice(1).map((row) => `${row[0]} ${row[4]}`);

  it('by dates, country, city, module, session and teaching language', async () => {
    expect(await emails(admin.token, 'from=2031-03-11&to=2031-03-12')).toEqual(['Awareness Brussels 2031-03-11', 'Awareness Malmö 2031-03-12']);
    expect(await emails(admin.token, 'country=se')).toEqual(['Awareness Malmö 2031-03-12']);
    expect(await emails(admin.token, 'city=be-liege')).toEqual(['Schools Liège 2031-05-02']);
    expect(await emails(admin.token, 'course=schools')).toEqual(['Schools Liège 2031-05-02']);
    expect(await emails(admin.token, `session=${String(malmo._id)}`)).toEqual(['Awareness Malmö 2031-03-12']);
    expect(await emails(admin.token, 'language=sv')).toEqual(['Awareness Malmö 2031-03-12']);
    expect(await emails(admin.token, 'course=awareness&to=2031-03-10')).toHaveLength(2);
  });

  it('refuses an unknown format, an unknown filter and unknown values (400)', async () => {
    for (const query of ['format=docx', 'format=csv&colour=red', 'format=csv&from=2031-02-30', 'format=csv&city=xx-nowhere', 'format=csv&course=cooking', `format=csv&session=${'0'.repeat(24)}`, 'format=csv&separator=|', '']) {
      const res = await request(app).get(`/api/v1/reports/attendance?${query}`).set('Authorization', `Bearer ${admin.token}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});

describe('who may export', () => {
  it('a coordinator of SE sees only SE rows, and asking for BE is refused with a reason', async () => {
    const rows = csvRows(await exportAs(coordinatorSE.token, 'format=csv').expect(200));
    expect(rows.slice(1).map((row) => row[3])).toEqual(['Sweden']);
    for (const query of ['country=BE', 'city=be-brussels', `session=${String(brussels._id)}`]) {
      const res = await request(app).get(`/api/v1/reports/attendance?format=csv&${query}`).set('Authorization', `Bearer ${coordinatorSE.token}`);
      expect({ query, status: res.status }).toEqual({ query, status: 403 });
      expect(res.body.type).toMatch(/\/outside-scope$/);
      expect(res.body.errors[0].message).toBe('You coordinate SE only: BE is outside your countries.');
    }
    // Filters that are not about places stay within the scope.
    expect(csvRows(await exportAs(coordinatorSE.token, 'format=csv&course=schools').expect(200)).slice(1)).toEqual([]);
  });

  it('a coordinator of BE gets BE rows in every format', async () => {
    const rows = csvRows(await exportAs(coordinatorBE.token, 'format=csv&to=2031-12-31').expect(200));
    expect(new Set(rows.slice(1).map((row) => row[3]))).toEqual(new Set(['Belgium']));
    await exportAs(coordinatorBE.token, 'format=pdf&to=2031-12-31').expect(200);
  });

  it('refuses stakeholders (403) and anonymous callers (401)', async () => {
    await exportAs(stakeholder.token, 'format=csv').expect(403);
    await exportAs(undefined, 'format=csv').expect(401);
  });

  it('on the web, sends visitors to sign in and back to the download', async () => {
    const res = await request(app).get('/reports/attendance?format=xlsx&country=BE').expect(303);
    expect(res.headers.location).toBe(`/sign-in?returnTo=${encodeURIComponent('/reports/attendance?format=xlsx&country=BE')}`);
    expect(reportLink({ format: 'csv', session: 'abc', from: undefined })).toBe('/reports/attendance?format=csv&session=abc');
  });
});

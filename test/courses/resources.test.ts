/**
 * Downloadable resources of course versions (issue: uploads straight to GridFS): upload through
 * the API and the authoring form, type checks by the bytes, the 25 MB limit, safe names, the
 * revision guard, no orphan file in GridFS after any refusal, downloads for those who may read
 * the version, files shared between versions, and the importer.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Express } from 'express';
import mongoose from 'mongoose';
import request, { type Response } from 'supertest';
import { createApiToken } from '../../src/accounts/api-token';
import { type Role, User } from '../../src/accounts/model';
import { importModules, MODULES_DIR } from '../../src/courses/import';
import { CourseVersion } from '../../src/courses/model';
import { MAX_NAME_LENGTH, sanitiseFileName, contentDisposition } from '../../src/courses/resources/names';
import { resourcesForPage } from '../../src/courses/resources';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn } from '../support/forms';
import { type SignedInPersona, signInPersona } from '../support/personas';

const db = useTestDatabase(__filename);
let app: Express;

// ---------------------------------------------------------------------------------------------
// Files, made here: real enough for file-type to recognise them.

const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
/** A Windows executable's start (MZ … PE). */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(400)]);
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(500)]);
/** Office 97–2003 files start with the Compound File Binary signature. */
const CFB = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)]);

/** A stored (uncompressed) zip archive. */
function zip(entries: Array<[string, string]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const content = Buffer.from(text);
    const fileName = Buffer.from(name);
    const crc = zlib.crc32(content);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(content.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(content.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, content);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + content.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const DOCX = zip([
  [
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  ],
  ['_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'],
  ['word/document.xml', '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>'],
]);

const LIMIT = 25 * 1024 * 1024;
const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');

// ---------------------------------------------------------------------------------------------
// People and requests.

let serial = 0;
async function tokenFor(roles: Role[]): Promise<string> {
  serial += 1;
  const user = await User.create({ email: `resources-${serial}@example.org`, name: `Resources ${serial}`, passwordHash: 'x', roles, country: 'BE', emailVerifiedAt: new Date() });
  return (await createApiToken(String(user._id), 'resources test')).token;
}
let trainer: string;
let stakeholder: string;

const SLUG = 'schools';
const base = (version: string) => `/api/v1/courses/${SLUG}/versions/${version}`;

function upload(version: string, revision: number | string, file: Buffer, filename: string, token = trainer) {
  return request(app).post(`${base(version)}/resources`).set('Authorization', `Bearer ${token}`).field('revision', String(revision)).attach('file', file, { filename });
}

async function gridFsCounts(): Promise<{ files: number; chunks: number }> {
  const database = mongoose.connection.db!;
  return { files: await database.collection('resources.files').countDocuments(), chunks: await database.collection('resources.chunks').countDocuments() };
}

async function draftOf(slug = SLUG) {
  return (await CourseVersion.findOne({ course: slug, status: 'draft' }).lean())!;
}

/** A binary body as a Buffer (supertest leaves unknown types unparsed otherwise). */
const binary = (req: request.Test) =>
  req.buffer(true).parse((res, callback) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => callback(null, Buffer.concat(chunks)));
  });

const problemType = (res: Response) => String(res.body.type).split('/').pop();

let published: string;
let draft: string;

beforeAll(async () => {
  app = await buildTestApp(db.database());
  const report = await importModules();
  expect(report.problems).toEqual([]);
  trainer = await tokenFor(['trainer']);
  stakeholder = await tokenFor(['stakeholder']);
  const started = await request(app).post(`/api/v1/courses/${SLUG}/versions`).set('Authorization', `Bearer ${trainer}`).expect(201);
  draft = started.body.version;
  published = (await CourseVersion.findOne({ course: SLUG, status: 'published' }).sort({ versionKey: -1 }).lean())!.version;
});

// ---------------------------------------------------------------------------------------------

describe('names', () => {
  it.each([
    ['../../etc/passwd.pdf', 'passwd.pdf'],
    ['C:\\Users\\me\\report.pdf', 'report.pdf'],
    ['a\u0000b\u0007c\u001b.pdf', 'abc.pdf'],
    ['tab\there\nnext.pdf', 'tab here next.pdf'],
    ['invoice\u202efdp.exe', 'invoicefdp.pdf'],
    ['  .hidden.pdf  ', 'hidden.pdf'],
    ['<script>"x"|?*.pdf', 'scriptx.pdf'],
    ['con.pdf', 'con_.pdf'],
    ['', 'resource.pdf'],
    ['...', 'resource.pdf'],
    ['Cafe\u0301 cre\u0300me.docx', 'Café crème.pdf'],
  ])('%j is stored as %j', (original, expected) => {
    expect(sanitiseFileName(original, 'pdf')).toBe(expected);
    expect(sanitiseFileName(original, 'pdf').normalize('NFC')).toBe(sanitiseFileName(original, 'pdf'));
  });

  it('keeps at most 120 characters, extension included, never splitting a character', () => {
    expect(sanitiseFileName(`${'a'.repeat(300)}.pdf`, 'pdf')).toBe(`${'a'.repeat(MAX_NAME_LENGTH - 4)}.pdf`);
    const emoji = sanitiseFileName(`${'😀'.repeat(200)}.png`, 'png');
    expect([...emoji]).toHaveLength(MAX_NAME_LENGTH);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('gives a Content-Disposition with an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('Café "crème" (1).pdf')).toBe(`attachment; filename="Cafe _creme_ (1).pdf"; filename*=UTF-8''Caf%C3%A9%20%22cr%C3%A8me%22%20%281%29.pdf`);
  });
});

describe('uploading through the API', () => {
  it('stores a PDF, a DOCX and a PNG, lists them in the version, and serves them with their type and name', async () => {
    const files: Array<[Buffer, string, string, string]> = [
      [PDF, 'Guide for trainers.pdf', 'application/pdf', 'Guide for trainers.pdf'],
      [DOCX, 'Worksheet.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'Worksheet.docx'],
      // The name says JPEG; the bytes say PNG, and the bytes win.
      [PNG, 'diagram.jpeg', 'image/png', 'diagram.png'],
    ];
    const uploaded: Array<{ id: string; url: string; name: string; contentType: string; size: number }> = [];
    for (const [bytes, filename, contentType, name] of files) {
      const revision = (await draftOf()).revision;
      const res = await upload(draft, revision, bytes, filename).expect(201);
      expect(res.body).toEqual({
        resource: { id: expect.stringMatching(/^[a-f0-9]{24}$/), name, contentType, size: bytes.length, url: expect.stringMatching(new RegExp(`^/modules/${SLUG}/versions/${draft}/resources/[a-f0-9]{24}/`)) },
        revision: revision + 1,
      });
      uploaded.push(res.body.resource);
    }

    const version = await request(app).get(`${base(draft)}`).set('Authorization', `Bearer ${trainer}`).expect(200);
    expect(version.body.resources).toEqual(uploaded);
    const stored = await draftOf();
    expect(stored.resources.map((resource) => resource.sha256)).toEqual(files.map(([bytes]) => sha256(bytes)));

    for (const [index, resource] of uploaded.entries()) {
      const res = await binary(request(app).get(resource.url).set('Authorization', `Bearer ${trainer}`));
      // Drafts are for authors: the download of a draft's file is a page, with the session.
      expect(res.status).toBe(404);
      const web = await signedIn('trainer');
      const download = await binary(web.agent.get(resource.url)).expect(200);
      expect(download.headers['content-type']).toBe(resource.contentType);
      expect(download.headers['content-length']).toBe(String(files[index]![0].length));
      expect(download.headers['x-content-type-options']).toBe('nosniff');
      expect(download.headers['content-disposition']).toBe(contentDisposition(resource.name));
      expect(Buffer.compare(download.body as Buffer, files[index]![0])).toBe(0);
    }
  });

  it('streams a larger file in many chunks, with its size and SHA-256', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(3 * 1024 * 1024 + 12345, 7)]);
    const res = await upload(draft, (await draftOf()).revision, big, 'big.pdf').expect(201);
    const resource = (await draftOf()).resources.find((item) => String(item.fileId) === res.body.resource.id)!;
    expect(resource).toMatchObject({ size: big.length, sha256: sha256(big) });
    const download = await binary((await signedIn('trainer')).agent.get(res.body.resource.url)).expect(200);
    expect(sha256(download.body as Buffer)).toBe(sha256(big));
  });

  it('accepts an Office 97–2003 file only under a .doc, .xls or .ppt name', async () => {
    const res = await upload(draft, (await draftOf()).revision, CFB, 'old minutes.doc').expect(201);
    expect(res.body.resource).toMatchObject({ name: 'old minutes.doc', contentType: 'application/msword' });
    const before = await gridFsCounts();
    await upload(draft, (await draftOf()).revision, CFB, 'old minutes.pdf').expect(415);
    expect(await gridFsCounts()).toEqual(before);
  });

  it.each([
    ['an executable named .pdf', EXE, 'invoice.pdf'],
    ['an ELF binary named .png', ELF, 'photo.png'],
    ['plain text named .docx', Buffer.from('just some text, not a document'), 'notes.docx'],
    ['an empty file', Buffer.alloc(0), 'empty.pdf'],
  ])('refuses %s with 415, in the reader’s language, leaving nothing in GridFS', async (_what, bytes, filename) => {
    const before = await gridFsCounts();
    const revision = (await draftOf()).revision;
    const res = await upload(draft, revision, bytes, filename).set('Accept-Language', 'fr').query({ lang: 'fr' }).expect(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problemType(res)).toBe('unsupported-resource-type');
    expect(res.body.errors).toEqual([{ path: 'file', message: expect.stringContaining("n'est pas accepté") }]);
    expect(await gridFsCounts()).toEqual(before);
    expect((await draftOf()).revision).toBe(revision);
  });

  it('refuses 25 MB + 1 byte with 413 and removes what was written', async () => {
    const before = await gridFsCounts();
    const tooBig = Buffer.alloc(LIMIT + 1, 0x20);
    PDF.copy(tooBig);
    const res = await upload(draft, (await draftOf()).revision, tooBig, 'huge.pdf').expect(413);
    expect(problemType(res)).toBe('resource-too-large');
    expect(res.body.errors[0].message).toMatch(/25 MB/);
    expect(await gridFsCounts()).toEqual(before);
  });

  it('accepts exactly 25 MB', async () => {
    const justRight = Buffer.alloc(LIMIT, 0x20);
    PDF.copy(justRight);
    const res = await upload(draft, (await draftOf()).revision, justRight, 'exactly.pdf').expect(201);
    expect(res.body.resource.size).toBe(LIMIT);
    await request(app).delete(`${base(draft)}/resources/${res.body.resource.id}?revision=${res.body.revision}`).set('Authorization', `Bearer ${trainer}`).expect(200);
  });

  it.each([
    ['../../etc/passwd.pdf', 'passwd.pdf'],
    ['evil\u202efdp.exe', 'evilfdp.pdf'],
    [`${'x'.repeat(300)}.pdf`, `${'x'.repeat(116)}.pdf`],
    // Browsers escape line breaks in multipart names (%0A); multer turns them back.
    ['two%0Alines%0D.pdf', 'two lines.pdf'],
    ['Überblick – Präsentation.pdf', 'Überblick – Präsentation.pdf'],
  ])('stores the hostile name %j as %j', async (filename, expected) => {
    const res = await upload(draft, (await draftOf()).revision, PDF, filename).expect(201);
    expect(res.body.resource.name).toBe(expected);
    expect(res.body.resource.url.endsWith(`/${encodeURIComponent(expected)}`)).toBe(true);
    const download = await binary((await signedIn('trainer')).agent.get(res.body.resource.url)).expect(200);
    expect(download.headers['content-disposition']).toBe(contentDisposition(expected));
  });

  it('refuses a stale revision with 409 and deletes the uploaded file', async () => {
    const before = await gridFsCounts();
    const stale = (await draftOf()).revision - 1;
    const res = await upload(draft, stale, PDF, 'late.pdf').expect(409);
    expect(problemType(res)).toBe('stale-revision');
    expect(await gridFsCounts()).toEqual(before);
  });

  it('refuses an upload into a published version with 409, storing nothing', async () => {
    const before = await gridFsCounts();
    const res = await upload(published, 0, PDF, 'published.pdf').expect(409);
    expect(problemType(res)).toBe('immutable');
    expect(await gridFsCounts()).toEqual(before);
    await upload('9.9.9', 0, PDF, 'nowhere.pdf').expect(404);
    expect(await gridFsCounts()).toEqual(before);
  });

  it('refuses a stakeholder with 403 and an anonymous caller with 401 before anything is stored', async () => {
    const before = await gridFsCounts();
    const res = await upload(draft, (await draftOf()).revision, PDF, 'mine.pdf', stakeholder);
    expect(res.status).toBe(403);
    await request(app).post(`${base(draft)}/resources`).field('revision', '0').attach('file', PDF, { filename: 'anon.pdf' }).expect(401);
    expect(await gridFsCounts()).toEqual(before);
  });

  it('refuses two files, no file, a bad revision or an unknown field with 400, leaving nothing behind', async () => {
    const before = await gridFsCounts();
    const revision = (await draftOf()).revision;
    const two = await request(app)
      .post(`${base(draft)}/resources`)
      .set('Authorization', `Bearer ${trainer}`)
      .field('revision', String(revision))
      .attach('file', PDF, { filename: 'one.pdf' })
      .attach('file', PNG, { filename: 'two.png' })
      .expect(400);
    expect(two.body.errors[0]).toMatchObject({ path: 'file' });
    await request(app).post(`${base(draft)}/resources`).set('Authorization', `Bearer ${trainer}`).field('revision', String(revision)).expect(400);
    await request(app).post(`${base(draft)}/resources`).set('Authorization', `Bearer ${trainer}`).send({ revision }).expect(400);
    await upload(draft, 'seven', PDF, 'x.pdf').expect(400);
    await request(app)
      .post(`${base(draft)}/resources`)
      .set('Authorization', `Bearer ${trainer}`)
      .field('revision', String(revision))
      .field('owner', 'me')
      .attach('file', PDF, { filename: 'x.pdf' })
      .expect(400);
    // A multipart body cut short: a bad request, not a server error.
    await request(app)
      .post(`${base(draft)}/resources`)
      .set('Authorization', `Bearer ${trainer}`)
      .set('Content-Type', 'multipart/form-data; boundary=xyz')
      .send('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4 and then noth')
      .expect(400);
    await request(app).post(`${base(draft)}/resources`).set('Authorization', `Bearer ${trainer}`).set('Content-Type', 'multipart/form-data').send('nothing').expect(400);
    expect(await gridFsCounts()).toEqual(before);
    expect((await draftOf()).revision).toBe(revision);
  });
});

describe('an interrupted upload', () => {
  it('leaves nothing in GridFS when the client goes away mid-file', async () => {
    const before = await gridFsCounts();
    const server = app.listen(0);
    const { port } = server.address() as AddressInfo;
    const boundary = 'interrupted';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="revision"\r\n\r\n${(await draftOf()).revision}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
    const client = http.request({
      port,
      method: 'POST',
      path: `${base(draft)}/resources`,
      headers: { Authorization: `Bearer ${trainer}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(10 * 1024 * 1024) },
    });
    client.on('error', () => undefined);
    client.write(head);
    // More than the sniffed head, so some chunks reach GridFS before the client vanishes.
    client.write(Buffer.concat([PDF, Buffer.alloc(2 * 1024 * 1024, 0x20)]));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await gridFsCounts()).chunks).toBeGreaterThan(before.chunks);
    client.destroy();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await new Promise((resolve) => server.close(resolve));
    expect(await gridFsCounts()).toEqual(before);
  });
});

describe('removing, publishing and sharing', () => {
  it('removes a draft-only resource and its file', async () => {
    const added = await upload(draft, (await draftOf()).revision, PNG, 'temporary.png').expect(201);
    const before = await gridFsCounts();
    await request(app).delete(`${base(draft)}/resources/${added.body.resource.id}?revision=${added.body.revision - 1}`).set('Authorization', `Bearer ${trainer}`).expect(409);
    const res = await request(app).delete(`${base(draft)}/resources/${added.body.resource.id}?revision=${added.body.revision}`).set('Authorization', `Bearer ${trainer}`).expect(200);
    expect(res.body).toEqual({ revision: added.body.revision + 1 });
    expect((await gridFsCounts()).files).toBe(before.files - 1);
    await request(app).delete(`${base(draft)}/resources/${added.body.resource.id}?revision=${res.body.revision}`).set('Authorization', `Bearer ${trainer}`).expect(404);
    await request(app).delete(`${base(draft)}/resources/not-an-id?revision=${res.body.revision}`).set('Authorization', `Bearer ${trainer}`).expect(404);
    await request(app).delete(`${base(draft)}/resources/${added.body.resource.id}`).set('Authorization', `Bearer ${trainer}`).expect(400);
    await request(app).delete(`${base(draft)}/resources/${added.body.resource.id}?revision=0`).set('Authorization', `Bearer ${stakeholder}`).expect(403);
  });

  it('lets learners download a published version’s resources, shows them on the module page, and hides a draft’s', async () => {
    const published = await request(app).post(`${base(draft)}/publish`).set('Authorization', `Bearer ${trainer}`).send({ changelog: 'Added resources.' }).expect(200);
    expect(published.body.resources.length).toBeGreaterThan(3);
    const guide = published.body.resources.find((resource: { name: string }) => resource.name === 'Guide for trainers.pdf');

    const anonymous = await binary(request(app).get(guide.url)).expect(200);
    expect(Buffer.compare(anonymous.body as Buffer, PDF)).toBe(0);
    expect(anonymous.headers['content-disposition']).toBe(`attachment; filename="Guide for trainers.pdf"; filename*=UTF-8''Guide%20for%20trainers.pdf`);

    const page = await request(app).get(`/modules/${SLUG}`).expect(200);
    expect(page.text).toContain('id="resources-heading"');
    expect(page.text).toContain(`href="${guide.url}"`);
    expect(page.text).toContain('PDF document');
    const french = await request(app).get(`/modules/${SLUG}?lang=fr`).expect(200);
    expect(french.text).toContain('Ressources à télécharger');
    expect(french.text).toContain('Document PDF');

    // The next draft shares the files; a file only in the draft is for authors only.
    const next = await request(app).post(`/api/v1/courses/${SLUG}/versions`).set('Authorization', `Bearer ${trainer}`).expect(201);
    expect(next.body.resources.map((resource: { id: string }) => resource.id)).toEqual(published.body.resources.map((resource: { id: string }) => resource.id));
    const secret = await upload(next.body.version, next.body.revision, PDF, 'secret.pdf').expect(201);
    await request(app).get(secret.body.resource.url).expect(404);
    await (await signedIn('stakeholder')).agent.get(secret.body.resource.url).expect(404);
    await (await signedIn('trainer')).agent.get(secret.body.resource.url).expect(200);

    // Removing a shared resource from the draft keeps the file for the published version.
    const before = await gridFsCounts();
    const removed = await request(app)
      .delete(`/api/v1/courses/${SLUG}/versions/${next.body.version}/resources/${guide.id}?revision=${secret.body.revision}`)
      .set('Authorization', `Bearer ${trainer}`)
      .expect(200);
    expect(removed.body.revision).toBe(secret.body.revision + 1);
    expect(await gridFsCounts()).toEqual(before);
    await binary(request(app).get(guide.url)).expect(200);
    expect((await draftOf()).resources.some((resource) => String(resource.fileId) === guide.id)).toBe(false);

    // Unknown ids, versions and modules are 404, never 500.
    await request(app).get(guide.url.replace(guide.id, '0123456789abcdef01234567')).expect(404);
    await request(app).get(guide.url.replace(guide.id, 'not-an-id')).expect(404);
    await request(app).get(guide.url.replace(`/versions/${draft}/`, '/versions/9.9.9/')).expect(404);
    await request(app).get(guide.url.replace(`/modules/${SLUG}/`, '/modules/nowhere/')).expect(404);
    draft = next.body.version;
  });

  it('gives the authoring page what it lists', async () => {
    const listed = resourcesForPage(await draftOf());
    expect(listed.length).toBeGreaterThan(0);
    for (const item of listed) {
      expect(item).toEqual({ id: expect.any(String), name: expect.any(String), contentType: expect.any(String), typeLabelKey: expect.stringMatching(/^resources:types\./), size: expect.any(Number), url: expect.stringContaining(`/resources/${item.id}/`) });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The authoring form.

const personas = new Map<string, SignedInPersona>();
async function signedIn(persona: 'trainer' | 'stakeholder'): Promise<SignedInPersona> {
  if (!personas.has(persona)) personas.set(persona, await signInPersona(app, persona));
  return personas.get(persona)!;
}

describe('the authoring form', () => {
  const formPath = () => `/authoring/${SLUG}/versions/${draft}/resources`;
  const outcomeUrl = (version: string, outcome: string) => `/authoring/${SLUG}/versions/${version}?resource=${outcome}#resources`;

  async function tokenOf(who: SignedInPersona) {
    return csrfTokenIn((await who.agent.get('/privacy').expect(200)).text);
  }

  async function submit(file: Buffer | undefined, filename: string, options: { revision?: number; version?: string; csrf?: string | null } = {}) {
    const who = await signedIn('trainer');
    const csrf = options.csrf === null ? undefined : (options.csrf ?? (await tokenOf(who)));
    const version = options.version ?? draft;
    const revision = options.revision ?? (await CourseVersion.findOne({ course: SLUG, version }).lean())!.revision;
    let call = who.agent.post(`/authoring/${SLUG}/versions/${version}/resources${csrf ? `?_csrf=${encodeURIComponent(csrf)}` : ''}`).field('revision', String(revision));
    if (file) call = call.attach('file', file, { filename });
    return call;
  }

  it('uploads and redirects with the outcome', async () => {
    const before = (await draftOf()).resources.length;
    const res = await submit(PDF, 'From the form.pdf');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(outcomeUrl(draft, 'uploaded'));
    expect((await draftOf()).resources.map((resource) => resource.name)).toContain('From the form.pdf');
    expect((await draftOf()).resources).toHaveLength(before + 1);
  });

  it('refuses a form without its CSRF token with 403, storing nothing', async () => {
    const before = await gridFsCounts();
    const res = await submit(PDF, 'forged.pdf', { csrf: null });
    expect(res.status).toBe(403);
    const wrong = await submit(PDF, 'forged.pdf', { csrf: 'not-the-token' });
    expect(wrong.status).toBe(403);
    expect(await gridFsCounts()).toEqual(before);
  });

  it('never takes the token from the URL for a form that is not multipart', async () => {
    const who = await signedIn('trainer');
    const token = await tokenOf(who);
    const res = await who.agent.post(`/authoring/${SLUG}/versions/${draft}/resources/0123456789abcdef01234567/remove?_csrf=${encodeURIComponent(token)}`).type('form').send({ revision: '0' });
    expect(res.status).toBe(403);
  });

  it.each([
    ['type', () => submit(EXE, 'fine.pdf')],
    ['too-large', () => {
      const tooBig = Buffer.alloc(LIMIT + 1, 0x20);
      PDF.copy(tooBig);
      return submit(tooBig, 'huge.pdf');
    }],
    ['stale-revision', async () => submit(PDF, 'late.pdf', { revision: (await draftOf()).revision + 5 })],
    ['missing-file', () => submit(undefined, '')],
    ['immutable', () => submit(PDF, 'published.pdf', { version: published, revision: 0 })],
  ])('redirects with %s and leaves nothing in GridFS', async (outcome, send) => {
    const before = await gridFsCounts();
    const res = await send();
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(outcomeUrl(outcome === 'immutable' ? published : draft, outcome));
    expect(await gridFsCounts()).toEqual(before);
  });

  it('removes with a form and redirects with the outcome', async () => {
    const who = await signedIn('trainer');
    const current = await draftOf();
    const target = current.resources.find((resource) => resource.name === 'From the form.pdf')!;
    const stale = await who.agent.post(`${formPath()}/${String(target.fileId)}/remove`).type('form').send({ _csrf: await tokenOf(who), revision: String(current.revision - 1) }).expect(303);
    expect(stale.headers.location).toBe(outcomeUrl(draft, 'stale-revision'));
    const res = await who.agent.post(`${formPath()}/${String(target.fileId)}/remove`).type('form').send({ _csrf: await tokenOf(who), revision: String(current.revision) }).expect(303);
    expect(res.headers.location).toBe(outcomeUrl(draft, 'removed'));
    expect((await draftOf()).resources.some((resource) => String(resource.fileId) === String(target.fileId))).toBe(false);
  });

  it('sends signed-out people to sign in and refuses stakeholders', async () => {
    const anonymous = request.agent(app);
    const page = await anonymous.get('/sign-in').expect(200);
    const res = await anonymous.post(`${formPath()}?_csrf=${encodeURIComponent(csrfTokenIn(page.text))}`).field('revision', '0').attach('file', PDF, { filename: 'a.pdf' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/sign-in\?returnTo=/);
    const who = await signedIn('stakeholder');
    const refused = await who.agent.post(`${formPath()}?_csrf=${encodeURIComponent(await tokenOf(who))}`).field('revision', '0').attach('file', PDF, { filename: 'a.pdf' });
    expect(refused.status).toBe(403);
  });
});

// ---------------------------------------------------------------------------------------------
// The importer.

describe('importing module folders with resources', () => {
  let root: string;
  const MODULE = 'disengagement';
  // Bytes no upload above used, so the import has to store them.
  const HANDOUT = Buffer.concat([PDF, Buffer.from('% handout\n')]);
  const POSTER = Buffer.concat([PNG, Buffer.from('poster')]);

  async function fixtureVersion(version: string, resources: Record<string, Buffer>) {
    const source = path.join(MODULES_DIR, MODULE, '1.0.0');
    const target = path.join(root, MODULE, version);
    await cp(source, target, { recursive: true });
    const yaml = await readFile(path.join(target, 'version.yaml'), 'utf8');
    await writeFile(path.join(target, 'version.yaml'), yaml.replace(/^version: .*$/m, `version: ${version}`));
    await mkdir(path.join(target, 'resources'), { recursive: true });
    for (const [name, bytes] of Object.entries(resources)) await writeFile(path.join(target, 'resources', name), bytes);
  }

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'liaise-resources-'));
    await mkdir(path.join(root, MODULE));
    await cp(path.join(MODULES_DIR, MODULE, 'module.yaml'), path.join(root, MODULE, 'module.yaml'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores the resources of a new version once, however often it is imported', async () => {
    await fixtureVersion('5.0.0', { 'Handout.pdf': HANDOUT, 'poster.png': POSTER });
    const before = await gridFsCounts();
    const first = await importModules(root);
    expect(first.problems).toEqual([]);
    expect(first.versions.added).toEqual([`${MODULE} 5.0.0`]);
    const version = (await CourseVersion.findOne({ course: MODULE, version: '5.0.0' }).lean())!;
    expect(version.resources.map(({ name, contentType, size, sha256: hash }) => ({ name, contentType, size, hash }))).toEqual([
      { name: 'Handout.pdf', contentType: 'application/pdf', size: HANDOUT.length, hash: sha256(HANDOUT) },
      { name: 'poster.png', contentType: 'image/png', size: POSTER.length, hash: sha256(POSTER) },
    ]);
    expect((await gridFsCounts()).files).toBe(before.files + 2);
    const download = await binary(request(app).get(resourcesForPage(version)[0]!.url)).expect(200);
    expect(Buffer.compare(download.body as Buffer, HANDOUT)).toBe(0);

    // Again: nothing new. A second version with the same file reuses it.
    const again = await importModules(root);
    expect(again.versions.unchanged).toContain(`${MODULE} 5.0.0`);
    await fixtureVersion('5.1.0', { 'Handout again.pdf': HANDOUT });
    const third = await importModules(root);
    expect(third.versions.added).toEqual([`${MODULE} 5.1.0`]);
    expect((await gridFsCounts()).files).toBe(before.files + 2);
    const reused = (await CourseVersion.findOne({ course: MODULE, version: '5.1.0' }).lean())!;
    expect(reused.resources[0]).toMatchObject({ name: 'Handout again.pdf', fileId: version.resources[0]!.fileId });

    // The bytes of a file uploaded through the API: that file is reused too.
    await fixtureVersion('5.2.0', { 'Same as the guide.pdf': PDF });
    expect((await importModules(root)).versions.added).toEqual([`${MODULE} 5.2.0`]);
    expect((await gridFsCounts()).files).toBe(before.files + 2);
  });

  it('refuses a version with a resource of a refused type, naming the file, and stores none of its files', async () => {
    await fixtureVersion('6.0.0', { 'fine.pdf': Buffer.concat([PDF, Buffer.from('distinct')]), 'setup.pdf': EXE });
    const before = await gridFsCounts();
    const report = await importModules(root);
    expect(report.versions.added).toEqual([]);
    expect(report.problems).toEqual([{ file: `${MODULE}/6.0.0/resources/setup.pdf`, message: expect.stringContaining('not an accepted kind of resource') }]);
    expect(await CourseVersion.exists({ course: MODULE, version: '6.0.0' })).toBeNull();
    expect(await gridFsCounts()).toEqual(before);
  });
});

/**
 * Importing participants from a CSV file (issue 5, point 5): a session's trainers, the
 * coordinators of its country and administrators send a list of people (name, email,
 * organisation, sector, language); each row is enrolled, put on the waiting list, found
 * already there, or rejected with its reason, by the same rule as adding one person
 * (invitations/add.ts): people the importer may not see, and addresses without an account, are
 * invited to the session, with the row's details offered when they create their account; the
 * report says "invited" whichever it was. Re-importing the same file changes nothing: every
 * row is "already".
 *
 * The whole file is read and checked before anything is written: a file that cannot be read
 * (binary, no header, no email or name column, too many rows, broken quoting) is refused with
 * a 400 and a localised reason, and nothing is done. Files are read as UTF-8 (with or without
 * a BOM), UTF-16 LE/BE (with a BOM, or recognised by its zero bytes), or Windows-1252 when the
 * bytes are not valid UTF-8 (Excel's "CSV" in much of Europe; decoded by hand, see decodeWindows1252); the separator is `,`, `;` or a
 * tab, whichever the header line uses most.
 */
import { parse } from 'csv-parse/sync';
import type { i18n } from 'i18next';
import { z } from 'zod';
import { SECTORS, type Sector } from '../accounts/model';
import type { AccountsContext } from '../accounts/service';
import type { SessionUser } from '../accounts/session-user';
import { AppError, type FieldError, ForbiddenError, ValidationError } from '../http/errors';
import { isSupportedLanguage, LANGUAGE_AUTONYMS, type Language, SUPPORTED_LANGUAGES } from '../i18n/languages';
import { findSession, managesSession } from '../sessions/access';
import { addPerson } from '../invitations/add';
import { EnrolmentConflictError } from './errors';

/** At most this many bytes per file (the upload is refused with 413 beyond). */
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
/** At most this many participant rows per file (the header not counted). */
export const IMPORT_MAX_ROWS = 1000;

export const IMPORT_COLUMNS = ['email', 'name', 'organisation', 'sector', 'language'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

export type ImportEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type ImportSeparator = ',' | ';' | '\t';

/** Why a whole file is refused (400, `sessions:import.errors.<code>`). */
export type ImportFileErrorCode = 'missing-file' | 'empty' | 'not-csv' | 'no-header' | 'no-email-column' | 'no-name-column' | 'too-many-rows' | 'malformed';

/** Why one row is refused (`sessions:import.reasons.<code>`). */
export type ImportRejectReason =
  | 'invalid-email'
  | 'missing-name'
  | 'name-too-long'
  | 'organisation-too-long'
  | 'unknown-sector'
  | 'unknown-language'
  | 'repeated-in-file'
  | 'account-disabled'
  | 'session-not-open'
  | 'deadline-passed';

/** Why a row counts as unchanged (`sessions:import.reasons.<code>`). */
export type ImportAlreadyReason = 'already-enrolled' | 'already-waitlisted' | 'already-invited';

/** `invited`: someone the importer may not see, or an address without an account (invitations/add.ts). */
export type ImportOutcome = 'enrolled' | 'waitlisted' | 'invited' | 'already' | 'rejected';

export interface ImportRowResult {
  /** The line of the file the row starts on (the header is line 1). */
  line: number;
  email: string;
  name: string;
  outcome: ImportOutcome;
  reason?: ImportRejectReason | ImportAlreadyReason;
  /** On the waiting list: the rank now, from 1. */
  position?: number;
}

export interface ImportTotals {
  rows: number;
  enrolled: number;
  waitlisted: number;
  invited: number;
  already: number;
  rejected: number;
}

export interface ImportReport {
  encoding: ImportEncoding;
  separator: ImportSeparator;
  rows: ImportRowResult[];
  totals: ImportTotals;
}

/** 400: the file as a whole cannot be read; nothing was done. */
export class ImportFileError extends ValidationError {
  readonly importCode: ImportFileErrorCode;
  constructor(code: ImportFileErrorCode, values?: Record<string, string | number>) {
    super([{ path: 'file', key: `sessions:import.errors.${code}`, ...(values ? { values } : {}) }], `the file cannot be imported: ${code}`);
    this.importCode = code;
  }
}

/** 413: over IMPORT_MAX_BYTES. */
export class ImportTooLargeError extends AppError {
  constructor() {
    super(413, 'import-too-large', 'payload-too-large', 'the file is over 2 MB', [{ path: 'file', key: 'sessions:import.errors.too-large', values: { megabytes: IMPORT_MAX_BYTES / 1024 / 1024 } }]);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the bytes.

const utf8 = new TextDecoder('utf-8', { fatal: true });
/**
 * Windows-1252: Latin-1, except 0x80–0x9F, which are letters and signs (€, Œ, „, ™…). Decoded
 * by hand: some Node versions' TextDecoder('windows-1252') treats those bytes as Latin-1 controls.
 */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (let start = 0; start < bytes.length; start += 8192) {
    const chunk = bytes.subarray(start, start + 8192);
    text += String.fromCharCode(...chunk.map((byte) => byte));
  }
  return text.replace(/[\u0080-\u009f]/g, (char) => WINDOWS_1252_HIGH[char.charCodeAt(0) - 0x80]!);
}
const utf16le = new TextDecoder('utf-16le');

function swapBytes(bytes: Uint8Array): Uint8Array {
  const swapped = new Uint8Array(bytes.length - (bytes.length % 2));
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    swapped[i] = bytes[i + 1]!;
    swapped[i + 1] = bytes[i]!;
  }
  return swapped;
}

/** UTF-16 without a BOM: text of Latin letters has a zero in every other byte. */
function zeroBytePattern(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const sample = Math.min(bytes.length - (bytes.length % 2), 400);
  if (sample < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenZeros += 1;
    if (bytes[i + 1] === 0) oddZeros += 1;
  }
  const pairs = sample / 2;
  if (oddZeros >= pairs * 0.9 && evenZeros === 0) return 'utf-16le';
  if (evenZeros >= pairs * 0.9 && oddZeros === 0) return 'utf-16be';
  return undefined;
}

/**
 * The text of a file: UTF-8 (BOM removed), UTF-16 LE/BE (by BOM or zero bytes), else
 * Windows-1252 when the bytes are not valid UTF-8. Binary content (control characters other
 * than tab and line ends) is refused as `not-csv`.
 */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: ImportEncoding } {
  if (bytes.length === 0) throw new ImportFileError('empty');
  let text: string;
  let encoding: ImportEncoding;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    encoding = 'utf-8-bom';
    try {
      text = utf8.decode(bytes.subarray(3));
    } catch {
      throw new ImportFileError('not-csv');
    }
  } else if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    encoding = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    const body = bytes.subarray(2);
    text = utf16le.decode(encoding === 'utf-16le' ? body : swapBytes(body));
  } else {
    const wide = zeroBytePattern(bytes);
    if (wide) {
      encoding = wide;
      text = utf16le.decode(wide === 'utf-16le' ? bytes : swapBytes(bytes));
    } else {
      try {
        text = utf8.decode(bytes);
        encoding = 'utf-8';
      } catch {
        text = decodeWindows1252(bytes);
        encoding = 'windows-1252';
      }
    }
  }
  // NUL and other control characters: an image, a spreadsheet, an archive renamed .csv.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f\ufffd]/.test(text)) throw new ImportFileError('not-csv');
  if (text.trim() === '') throw new ImportFileError('empty');
  return { text, encoding };
}

/** The separator the header line uses most (outside quotes); a comma when it has none. */
export function detectSeparator(headerLine: string): ImportSeparator {
  const counts: Record<ImportSeparator, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === ',' || char === ';' || char === '\t')) counts[char] += 1;
  }
  const best = (Object.entries(counts) as Array<[ImportSeparator, number]>).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ',';
}

// ---------------------------------------------------------------------------------------------
// Words: column names, sectors and languages, in English and in the interface languages.

/** Lower case, no accents, no spaces, dashes, dots or underscores: "E-mail " → "email". */
export const normaliseWord = (value: string) =>
  value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\(.*?\)/g, '')
    .replace(/[\s_.\-–—/:*]+/g, '');

export interface ImportVocabulary {
  columns: Map<string, ImportColumn>;
  sectors: Map<string, Sector>;
  languages: Map<string, Language>;
}

/** Common names of each column, in English and the interface languages (besides their UI strings). */
const BUILT_IN_COLUMNS: Record<ImportColumn, string[]> = {
  email: ['email', 'e-mail', 'email address', 'e-mail address', 'mail', 'courriel', 'correo', 'correo electrónico', 'correu electrònic', 'e-post', 'e-postadress'],
  name: ['name', 'full name', 'participant', 'participant name', 'nom', 'nom complet', 'nombre', 'naam', 'nome', 'jméno', 'namn', 'όνομα', 'ονοματεπώνυμο'],
  organisation: ['organisation', 'organization', 'org', 'organisation name', 'organization name', 'employer', 'institution', 'organisme', 'organización', 'organisatie', 'organizzazione', 'organização', 'organizace', 'organització', 'φορέας', 'οργανισμός'],
  sector: ['sector', 'secteur', 'sektor', 'settore', 'setor', 'τομέας'],
  language: ['language', 'lang', 'preferred language', 'language code', 'locale', 'langue', 'sprache', 'idioma', 'lingua', 'taal', 'jazyk', 'språk', 'llengua', 'γλώσσα'],
};

/** Per language, the keys whose text names each column (the roster export, the account forms). */
const COLUMN_KEYS: Record<ImportColumn, string[]> = {
  email: ['sessions:roster.csv.email', 'accounts:fields.email', 'sessions:import.column.email'],
  name: ['sessions:roster.csv.name', 'accounts:fields.name', 'sessions:import.column.name'],
  organisation: ['sessions:roster.csv.organisation', 'accounts:fields.organisation', 'sessions:import.column.organisation'],
  sector: ['sessions:roster.csv.sector', 'accounts:fields.sector', 'sessions:import.column.sector'],
  language: ['accounts:fields.language', 'sessions:import.column.language'],
};

/**
 * The words a file may use, from English and every interface language's own strings: a
 * coordinator who exported the roster in French may import it back with French headers.
 */
export function importVocabulary(i18n?: i18n): ImportVocabulary {
  const columns = new Map<string, ImportColumn>();
  const sectors = new Map<string, Sector>();
  const languages = new Map<string, Language>();
  for (const column of IMPORT_COLUMNS) for (const word of BUILT_IN_COLUMNS[column]) columns.set(normaliseWord(word), column);
  for (const sector of SECTORS) sectors.set(normaliseWord(sector), sector);
  for (const language of SUPPORTED_LANGUAGES) {
    languages.set(language, language);
    languages.set(normaliseWord(LANGUAGE_AUTONYMS[language]), language);
  }
  if (i18n) {
    for (const lng of SUPPORTED_LANGUAGES) {
      const t = i18n.getFixedT(lng);
      for (const column of IMPORT_COLUMNS) {
        for (const key of COLUMN_KEYS[column]) {
          if (!i18n.exists(key, { lng, fallbackLng: [] })) continue;
          const word = normaliseWord(String(t(key)));
          // The first meaning wins: "email" never turns into another column through a translation.
          if (word && !columns.has(word)) columns.set(word, column);
        }
      }
      for (const sector of SECTORS) {
        const key = `accounts:sectors.${sector}`;
        if (!i18n.exists(key, { lng, fallbackLng: [] })) continue;
        const word = normaliseWord(String(t(key)));
        if (word && !sectors.has(word)) sectors.set(word, sector);
      }
      for (const language of SUPPORTED_LANGUAGES) {
        const key = `common:languages.${language}`;
        if (!i18n.exists(key, { lng, fallbackLng: [] })) continue;
        const word = normaliseWord(String(t(key)));
        if (word && !languages.has(word)) languages.set(word, language);
      }
    }
  }
  return { columns, sectors, languages };
}

// ---------------------------------------------------------------------------------------------
// Parsing the file into rows, without touching the database.

export interface ParsedRow {
  line: number;
  values: Partial<Record<ImportColumn, string>>;
}

export interface ParsedFile {
  encoding: ImportEncoding;
  separator: ImportSeparator;
  /** Which column of the file holds what (unknown columns are ignored). */
  columns: Array<ImportColumn | undefined>;
  rows: ParsedRow[];
}

/** Reads the file into rows; throws ImportFileError (400) when it cannot be read as a whole. */
export function parseParticipantsCsv(bytes: Uint8Array, vocabulary: ImportVocabulary = importVocabulary()): ParsedFile {
  const decoded = decodeCsv(bytes);
  // One kind of line end: quoted values keep their line breaks as \n.
  const text = decoded.text.replace(/\r\n?/g, '\n');
  const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? '';
  const separator = detectSeparator(firstLine);
  let records: Array<{ record: string[]; info: { lines: number }; raw: string }>;
  try {
    records = parse(text, {
      delimiter: separator,
      record_delimiter: '\n',
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      raw: true,
      // A whole file in one unterminated quote is refused, not read as one giant field.
      max_record_size: 64 * 1024,
    }) as unknown as Array<{ record: string[]; info: { lines: number }; raw: string }>;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new ImportFileError('malformed', { line: typeof line === 'number' ? line : 1 });
  }
  const nonEmpty = records.filter(({ record }) => record.some((cell) => cell !== ''));
  const header = nonEmpty[0];
  if (!header) throw new ImportFileError('no-header');
  const columns = header.record.map((cell) => vocabulary.columns.get(normaliseWord(cell)));
  // A header is words: a first line that names no column at all is data, or not a CSV.
  if (columns.every((column) => column === undefined)) {
    throw new ImportFileError(header.record.some((cell) => cell.includes('@')) ? 'no-header' : 'no-email-column');
  }
  if (!columns.includes('email')) throw new ImportFileError('no-email-column');
  if (!columns.includes('name')) throw new ImportFileError('no-name-column');
  const data = nonEmpty.slice(1);
  if (data.length > IMPORT_MAX_ROWS) throw new ImportFileError('too-many-rows', { max: IMPORT_MAX_ROWS, count: data.length });
  const rows = data.map(({ record, info, raw }): ParsedRow => {
    const body = raw.replace(/^\n+/, '').replace(/\n$/, '');
    const line = info.lines - (body.match(/\n/g)?.length ?? 0);
    const values: Partial<Record<ImportColumn, string>> = {};
    columns.forEach((column, index) => {
      // The first column of a kind wins when a file repeats one.
      if (column && values[column] === undefined) values[column] = (record[index] ?? '').trim();
    });
    return { line, values };
  });
  return { encoding: decoded.encoding, separator, columns, rows };
}

// ---------------------------------------------------------------------------------------------
// Checking each row.

const emailSchema = z.email().max(254);

interface CheckedRow {
  line: number;
  email: string;
  name: string;
  organisation?: string;
  sector?: Sector;
  language?: Language;
}

function checkRow(row: ParsedRow, vocabulary: ImportVocabulary): CheckedRow | ImportRowResult {
  const email = (row.values.email ?? '').toLowerCase();
  const name = (row.values.name ?? '').replace(/\s+/g, ' ');
  const reject = (reason: ImportRejectReason): ImportRowResult => ({ line: row.line, email, name, outcome: 'rejected', reason });
  if (!emailSchema.safeParse(email).success) return reject('invalid-email');
  if (name === '') return reject('missing-name');
  if (name.length > 120) return reject('name-too-long');
  const organisation = row.values.organisation ?? '';
  if (organisation.length > 200) return reject('organisation-too-long');
  const sectorText = row.values.sector ?? '';
  const sector = sectorText === '' ? undefined : vocabulary.sectors.get(normaliseWord(sectorText));
  if (sectorText !== '' && !sector) return reject('unknown-sector');
  const languageText = row.values.language ?? '';
  let language: Language | undefined;
  if (languageText !== '') {
    const word = normaliseWord(languageText);
    // "fr-BE", "pt_PT": the language, not the region.
    const code = /^([a-z]{2})[-_][a-z]{2}$/i.exec(languageText.trim())?.[1]?.toLowerCase();
    language = vocabulary.languages.get(word) ?? (code && isSupportedLanguage(code) ? code : undefined);
    if (!language) return reject('unknown-language');
  }
  return {
    line: row.line,
    email,
    name,
    ...(organisation ? { organisation } : {}),
    ...(sector ? { sector } : {}),
    ...(language ? { language } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Importing.

export interface ImportOptions {
  /** Column names, sectors and languages of the interface languages (importVocabulary(i18n)). */
  vocabulary?: ImportVocabulary;
  requestId?: string;
  now?: Date;
}

function totalsOf(rows: ImportRowResult[]): ImportTotals {
  const totals: ImportTotals = { rows: rows.length, enrolled: 0, waitlisted: 0, invited: 0, already: 0, rejected: 0 };
  for (const row of rows) totals[row.outcome] += 1;
  return totals;
}

/**
 * Checks that the actor runs the session and that it takes enrolments, before any file is
 * read: 404 no such session, 403 not its staff, 409 `session-not-open` / `deadline-passed`.
 */
export async function checkImportAllowed(actor: SessionUser | undefined, sessionId: string, now: Date = new Date()) {
  const session = await findSession(sessionId);
  if (!managesSession(actor, session)) throw new ForbiddenError("only the session's trainers, coordinators of its country and administrators may import participants");
  if (session.status !== 'open') throw new EnrolmentConflictError('session-not-open', 'this session is not open for enrolment');
  if (now.getTime() > session.enrolmentDeadline.getTime()) {
    throw new EnrolmentConflictError('deadline-passed', 'the enrolment deadline has passed', { deadline: session.enrolmentDeadlineDate });
  }
  return session;
}

/**
 * Imports a file of participants into a session (see the header). The file is read and
 * checked as a whole first (ImportFileError, 400, nothing done); then each row in order.
 */
export async function importParticipants(
  context: AccountsContext,
  actor: SessionUser,
  sessionId: string,
  bytes: Uint8Array,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const now = options.now ?? new Date();
  const session = await checkImportAllowed(actor, sessionId, now);
  const vocabulary = options.vocabulary ?? importVocabulary();
  const parsed = parseParticipantsCsv(bytes, vocabulary);
  const seen = new Set<string>();
  const results: ImportRowResult[] = [];
  for (const row of parsed.rows) {
    const checked = checkRow(row, vocabulary);
    if ('outcome' in checked) {
      results.push(checked);
      continue;
    }
    const base = { line: checked.line, email: checked.email, name: checked.name };
    if (seen.has(checked.email)) {
      results.push({ ...base, outcome: 'rejected', reason: 'repeated-in-file' });
      continue;
    }
    seen.add(checked.email);
    try {
      const prefill = { name: checked.name, ...(checked.organisation ? { organisation: checked.organisation } : {}), ...(checked.sector ? { sector: checked.sector } : {}), ...(checked.language ? { language: checked.language } : {}) };
      const outcome = await addPerson(context, actor, String(session._id), { email: checked.email, name: checked.name, prefill }, now);
      if (outcome.kind === 'invited') results.push({ ...base, ...(outcome.already ? { outcome: 'already', reason: 'already-invited' } : { outcome: 'invited' }) });
      else results.push({ ...base, outcome: outcome.status, ...(outcome.position !== undefined ? { position: outcome.position } : {}) });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'already-enrolled' || code === 'already-waitlisted') {
        results.push({ ...base, outcome: 'already', reason: code });
      } else if (code === 'session-not-open' || code === 'deadline-passed') {
        // Closed while the file was being imported: the rest is reported, not half-done silently.
        results.push({ ...base, outcome: 'rejected', reason: code });
      } else if (code === 'user-unknown') {
        results.push({ ...base, outcome: 'rejected', reason: 'account-disabled' });
      } else {
        throw error;
      }
    }
  }
  return { encoding: parsed.encoding, separator: parsed.separator, rows: results, totals: totalsOf(results) };
}

/** The field errors of a refused file, for a form; undefined for any other error. */
export function importFileErrors(error: unknown): FieldError[] | undefined {
  if (error instanceof ImportFileError || error instanceof ImportTooLargeError) return error.fieldErrors;
  return undefined;
}

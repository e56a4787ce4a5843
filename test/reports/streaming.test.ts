/**
 * Exports that start at once (issue 13, point 3): each writer sends the start of its file before
 * it has a row (the database may sort for seconds first), and the joins read each collection
 * once instead of once per batch. The rows come from a source the test controls, so nothing
 * here depends on timing.
 */
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { createI18n } from '../../src/i18n';
import { reportHeaders } from '../../src/reports/columns';
import { writeCsv } from '../../src/reports/csv';
import { writePdf } from '../../src/reports/pdf';
import { countingTotals, emptyTotals, type ReportRow } from '../../src/reports/query';
import { Lookup } from '../../src/reports/rows';
import { writeXlsx } from '../../src/reports/xlsx';

const i18n = createI18n();

const ROW: ReportRow = {
  sessionId: 'session-1', sessionTitle: 'Awareness Brussels', modules: ['Awareness (1.0.0)'], city: 'Brussels', country: 'Belgium', date: '2031-03-10', start: '09:00', end: '17:00',
  userId: 'user-1', name: 'Anne Dupont', email: 'anne@example.org', organisation: 'Ville de Bruxelles', sector: 'police', status: 'present', trained: true,
};

/** A response stand-in that keeps what it is given; `first` resolves with the first chunk. */
function sink() {
  const chunks: Buffer[] = [];
  let arrived: (chunk: Buffer) => void = () => undefined;
  const first = new Promise<Buffer>((resolve) => (arrived = resolve));
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      arrived(chunks[0]!);
      callback();
    },
  });
  return { out, first, bytes: () => Buffer.concat(chunks) };
}

/**
 * One batch of `rows`, handed over only once `gate` has resolved; `pulled` is what the writer
 * had written when it first asked for rows.
 */
function rowSource(rows: ReportRow[], written: () => Buffer, gate: Promise<unknown> = Promise.resolve()) {
  const seen: { pulled?: Buffer } = {};
  const source: AsyncIterable<ReportRow[]> = {
    async *[Symbol.asyncIterator]() {
      seen.pulled = written();
      await gate;
      yield rows;
    },
  };
  return { source, seen };
}

describe('the file starts before the first row', () => {
  it('CSV: the BOM and the header row are written before any row is asked for', async () => {
    const t = (await i18n).getFixedT('en');
    const { out, bytes } = sink();
    const { source, seen } = rowSource([ROW], bytes);
    await writeCsv(source, out, { t, separator: ';' });
    expect(seen.pulled?.toString('utf8')).toBe(`\ufeff${reportHeaders(t).join(';')}\r\n`);
    expect(bytes().toString('utf8')).toContain('Anne Dupont');
  });

  it('XLSX: the workbook starts (zip bytes) before the first row is handed over', async () => {
    const t = (await i18n).getFixedT('en');
    const { out, first, bytes } = sink();
    // The rows wait for the first bytes: a writer that waited for the rows would never finish.
    const { source } = rowSource([ROW, { ...ROW, name: 'Bert Janssens' }], bytes, first);
    await writeXlsx(source, out, { t });
    expect((await first).subarray(0, 2).toString('latin1')).toBe('PK');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes() as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]!.rowCount).toBe(3);
  });

  it('PDF: the header ("%PDF-") leaves while the rows are still being counted', async () => {
    const t = (await i18n).getFixedT('en');
    const { out, first, bytes } = sink();
    const { source } = rowSource([ROW], bytes);
    const totals = emptyTotals();
    // The count is known only once the first bytes have arrived: a writer that waited for it first would never finish.
    await writePdf(countingTotals(source, totals), out, { t, lang: 'en', expectedRows: first.then(() => 1), totals, period: {} });
    expect((await first).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(totals.rows).toBe(1);
    expect(bytes().subarray(-6).toString('latin1')).toContain('%%EOF');
  });
});

describe('joined collections', () => {
  /** A collection of `size` documents whose reads are recorded: `undefined` for "all of it". */
  function collection(size: number) {
    const reads: Array<string[] | undefined> = [];
    const docs = Array.from({ length: size }, (_, index) => ({ _id: `id-${index}`, index }));
    const find = (ids: string[] | undefined, limit?: number) => {
      reads.push(ids);
      const found = ids ? docs.filter((doc) => ids.includes(doc._id)) : docs;
      return Promise.resolve(limit ? found.slice(0, limit) : found);
    };
    return { reads, find };
  }

  it('are read once, whole, when small enough: no query per batch', async () => {
    const { reads, find } = collection(10);
    const lookup = new Lookup(find, 10);
    lookup.start();
    for (const batch of [['id-1', 'id-2'], ['id-9', 'id-3'], ['id-2', 'missing']]) await lookup.load(batch);
    expect(reads).toEqual([undefined]);
    expect(lookup.get('id-9')?.index).toBe(9);
    expect(lookup.get('missing')).toBeUndefined();
  });

  it('too big to read whole: what a batch misses is read by id, and a full cache never loses a batch’s own', async () => {
    const { reads, find } = collection(20);
    const lookup = new Lookup(find, 4);
    await lookup.load(['id-0', 'id-1']);
    // The whole read stopped after 5 (more than 4): the 4 it kept answer without a query.
    await lookup.load(['id-2', 'id-3']);
    expect(reads).toEqual([undefined]);
    // A fifth would not fit: everything is forgotten and the whole batch read by id, so all of it answers.
    await lookup.load(['id-1', 'id-6']);
    expect(reads.at(-1)).toEqual(['id-1', 'id-6']);
    // Room for what is missing: only that is read.
    await lookup.load(['id-1', 'id-7']);
    expect(reads.at(-1)).toEqual(['id-7']);
    await lookup.load(['id-0', 'id-10', 'id-11', 'id-12']);
    expect(reads.at(-1)).toEqual(['id-0', 'id-10', 'id-11', 'id-12']);
    for (const id of ['id-0', 'id-10', 'id-11', 'id-12']) expect(lookup.get(id)?._id).toBe(id);
    await lookup.load(['missing']);
    expect(lookup.get('missing')).toBeUndefined();
  });
});

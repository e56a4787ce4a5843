/**
 * The tables bench/pages.ts prints: one per stakeholder count (latency, throughput, reads per
 * request, p50 against /healthz's with the target beside it), then the growth between counts.
 */

export interface Row {
  page: string;
  clients: number;
  /** Whether the /healthz target applies (not to the two baselines themselves). */
  targeted: boolean;
  requests: number;
  p50: number;
  p99: number;
  perSecond: number;
  commandsPerRequest: number;
  kilobytesPerRequest: number;
  /** Answers other than the expected status, by status (0: the request failed). */
  errors: Map<number, number>;
}

const pad = (text: string, width: number, right = false) => (right ? text.padStart(width) : text.padEnd(width));
const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

function line(cells: string[], widths: number[]): string {
  return cells.map((cell, index) => pad(cell, widths[index]!, index > 0)).join('  ');
}

/** One run's table; returns how many rows missed their target or had errors. */
export function printTable(title: string, rows: Row[], healthzTarget: number): number {
  const healthz = new Map(rows.filter((row) => row.page === '/healthz').map((row) => [row.clients, row.p50]));
  const widths = [36, 7, 5, 9, 9, 7, 9, 9, 11, 8];
  console.log(`\n${title}`);
  console.log(line(['page', 'clients', 'n', 'p50 ms', 'p99 ms', 'req/s', 'cmds/req', 'KB/req', '×healthz', 'errors'], widths));
  let misses = 0;
  for (const row of rows) {
    const base = healthz.get(row.clients);
    const ratio = base ? row.p50 / base : NaN;
    // Compared as printed, so that a figure shown equal to the target is not marked.
    const missed = row.targeted && Number(ratio.toFixed(1)) > healthzTarget;
    const errors = [...row.errors].map(([status, count]) => `${count}×${status}`).join(' ');
    if (missed || errors) misses += 1;
    console.log(
      line(
        [
          row.page,
          String(row.clients),
          String(row.requests),
          fixed(row.p50),
          fixed(row.p99),
          fixed(row.perSecond, 0),
          fixed(row.commandsPerRequest),
          fixed(row.kilobytesPerRequest),
          `${fixed(ratio)}${missed ? ' MISS' : ''}`,
          errors || '0',
        ],
        widths,
      ),
    );
  }
  console.log(`target: page p50 ≤ ${healthzTarget}× /healthz p50 at the same number of clients (MISS marks the pages over it)`);
  return misses;
}

/** Each page's p50 at the larger count as a multiple of the smaller's; returns the misses. */
export function printGrowth(small: { count: number; rows: Row[] }, large: { count: number; rows: Row[] }, limit: number): number {
  const before = new Map(small.rows.map((row) => [`${row.page}|${row.clients}`, row.p50]));
  const widths = [36, 7, 12, 12, 10];
  console.log(`\ngrowth from ${small.count.toLocaleString('en')} to ${large.count.toLocaleString('en')} stakeholders (target: p50 ≤ ${limit}×)`);
  console.log(line(['page', 'clients', `p50 @${small.count}`, `p50 @${large.count}`, 'growth'], widths));
  let misses = 0;
  for (const row of large.rows) {
    const was = before.get(`${row.page}|${row.clients}`);
    if (was === undefined) continue;
    const growth = row.p50 / was;
    const missed = row.targeted && Number(growth.toFixed(2)) > limit;
    if (missed) misses += 1;
    console.log(line([row.page, String(row.clients), fixed(was), fixed(row.p50), `${fixed(growth, 2)}×${missed ? ' MISS' : ''}`], widths));
  }
  return misses;
}

import type { ExperimentRecord } from './experiment-store.js';

/** How {@link compareRuns} filters and orders records. */
export interface RunsQuery {
  /** A metric to sort by, descending (`sharpe`, `totalReturn`, ...); default: recording order. */
  readonly sort?: string;
  /** Sort ascending instead (for `maxDrawdown`). */
  readonly ascending?: boolean;
  /** Only this kind. */
  readonly kind?: ExperimentRecord['kind'];
  /** Only records whose name contains this. */
  readonly name?: string;
  /** At most this many rows. */
  readonly limit?: number;
}

/** Filters and sorts experiment records; records without the sort metric go last. */
export function compareRuns(records: readonly ExperimentRecord[], query: RunsQuery = {}): ExperimentRecord[] {
  let rows = records.filter(
    (r) =>
      (query.kind === undefined || r.kind === query.kind) &&
      (query.name === undefined || r.name.includes(query.name)),
  );
  const key = query.sort;
  if (key !== undefined) {
    const dir = query.ascending === true ? 1 : -1;
    // A stable sort on an index tie-break keeps equal metrics in recording order.
    rows = rows
      .map((r, i) => ({ r, i, v: r.metrics[key] }))
      .sort((a, b) => {
        const av = typeof a.v === 'number' ? a.v : undefined;
        const bv = typeof b.v === 'number' ? b.v : undefined;
        if (av === undefined || bv === undefined) return av === bv ? a.i - b.i : av === undefined ? 1 : -1;
        return av === bv ? a.i - b.i : (av - bv) * dir;
      })
      .map((x) => x.r);
  }
  return query.limit === undefined ? rows : rows.slice(0, query.limit);
}

const COLUMNS: readonly [string, string, (v: number) => string][] = [
  ['sharpe', 'sharpe', (v) => v.toFixed(2)],
  ['sortino', 'sortino', (v) => v.toFixed(2)],
  ['totalReturn', 'return', (v) => `${(v * 100).toFixed(2)}%`],
  ['maxDrawdown', 'max dd', (v) => `${(v * 100).toFixed(2)}%`],
  ['trades', 'trades', (v) => String(v)],
  ['winRate', 'win', (v) => `${(v * 100).toFixed(0)}%`],
];

function paramsText(params: readonly Record<string, unknown>[]): string {
  return params
    .map((p) =>
      Object.entries(p)
        .filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' '),
    )
    .join(' | ');
}

/** Renders records as the `quantkubera runs` table. */
export function formatRuns(records: readonly ExperimentRecord[]): string {
  if (records.length === 0) return 'no runs recorded';
  const header = [
    '#',
    'kind',
    'name',
    'recorded',
    'seed',
    ...COLUMNS.map(([, h]) => h),
    'params',
    'code',
    'dir',
  ];
  const rows = records.map((r, i) => [
    String(i + 1),
    r.kind,
    r.name,
    r.recordedAt.slice(0, 19).replace('T', ' '),
    String(r.seed),
    ...COLUMNS.map(([k, , fmt]) => {
      const v = r.metrics[k];
      return typeof v === 'number' ? fmt(v) : '-';
    }),
    paramsText(r.params),
    r.codeVersion,
    r.artifacts.dir,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

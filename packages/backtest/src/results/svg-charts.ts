/**
 * Hand-written SVG charts for the tearsheet: static markup, no script and no library, so the
 * report opens anywhere without a network and renders the same in every browser.
 */

/** A series point: x (epoch µs or an index) and y. */
export interface XY {
  readonly x: number;
  readonly y: number;
}

/** A marker on a line chart (a trade). */
export interface ChartMarker {
  readonly x: number;
  readonly y: number;
  readonly kind: 'buy' | 'sell';
  /** Hover text. */
  readonly label: string;
}

const W = 960;
const PAD = { left: 70, right: 16, top: 14, bottom: 28 };

/** Escapes text for HTML and SVG. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function extent(values: readonly number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - (Math.abs(lo) || 1) * 0.01, hi + (Math.abs(hi) || 1) * 0.01];
  return [lo, hi];
}

/** Keeps at most `max` points, always the first, last and each stride's extreme values. */
export function decimate(points: readonly XY[], max: number): XY[] {
  if (points.length <= max) return [...points];
  const stride = Math.ceil(points.length / (max / 2));
  const out: XY[] = [];
  for (let i = 0; i < points.length; i += stride) {
    let lo = points[i]!;
    let hi = points[i]!;
    for (let j = i; j < Math.min(points.length, i + stride); j++) {
      const p = points[j]!;
      if (p.y < lo.y) lo = p;
      if (p.y > hi.y) hi = p;
    }
    if (lo.x <= hi.x) out.push(lo, hi);
    else out.push(hi, lo);
  }
  const last = points[points.length - 1]!;
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

function fmtTime(us: number): string {
  return new Date(us / 1000).toISOString().slice(0, 16).replace('T', ' ');
}

function fmtNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (a >= 100) return v.toFixed(0);
  return v.toFixed(a >= 1 ? 2 : 4);
}

interface Frame {
  readonly sx: (x: number) => number;
  readonly sy: (y: number) => number;
  readonly axes: string;
}

function frame(
  xs: readonly number[],
  ys: readonly number[],
  height: number,
  yFormat: (v: number) => string,
  timeAxis: boolean,
): Frame {
  const [x0, x1] = extent(xs);
  const [y0, y1] = extent(ys);
  const iw = W - PAD.left - PAD.right;
  const ih = height - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * iw;
  const sy = (y: number) => PAD.top + (1 - (y - y0) / (y1 - y0)) * ih;
  const parts: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const y = y0 + ((y1 - y0) * k) / 4;
    const py = sy(y).toFixed(1);
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py}" y2="${py}" class="grid"/>`,
      `<text x="${PAD.left - 6}" y="${py}" class="ylab">${escapeHtml(yFormat(y))}</text>`,
    );
  }
  for (let k = 0; k <= 4; k++) {
    const x = x0 + ((x1 - x0) * k) / 4;
    const label = timeAxis ? fmtTime(x) : fmtNumber(x);
    parts.push(`<text x="${sx(x).toFixed(1)}" y="${height - 8}" class="xlab">${escapeHtml(label)}</text>`);
  }
  return { sx, sy, axes: parts.join('') };
}

function path(points: readonly XY[], f: Frame): string {
  return points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${f.sx(p.x).toFixed(1)},${f.sy(p.y).toFixed(1)}`)
    .join('');
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  readonly id: string;
  readonly height?: number;
  /** Fill the area between the line and y = 0 (drawdown). */
  readonly area?: boolean;
  readonly color?: string;
  readonly yFormat?: (v: number) => string;
  readonly markers?: readonly ChartMarker[];
}

/** A time-series line chart as an `<svg>` element. */
export function lineChart(points: readonly XY[], options: LineChartOptions): string {
  const height = options.height ?? 240;
  const pts = decimate(points, 1600);
  const markers = options.markers ?? [];
  const ys = [...pts.map((p) => p.y), ...markers.map((m) => m.y), ...(options.area === true ? [0] : [])];
  const f = frame(
    pts.map((p) => p.x),
    ys,
    height,
    options.yFormat ?? fmtNumber,
    true,
  );
  const color = options.color ?? '#2563eb';
  const body: string[] = [f.axes];
  if (pts.length > 0) {
    const d = path(pts, f);
    if (options.area === true) {
      const base = f.sy(0).toFixed(1);
      const first = f.sx(pts[0]!.x).toFixed(1);
      const last = f.sx(pts[pts.length - 1]!.x).toFixed(1);
      body.push(
        `<path d="${d}L${last},${base}L${first},${base}Z" fill="${color}" fill-opacity="0.25" stroke="none"/>`,
      );
    }
    body.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.4" class="series"/>`);
  }
  for (const m of markers) {
    const x = f.sx(m.x);
    const y = f.sy(m.y);
    const tri =
      m.kind === 'buy'
        ? `${x.toFixed(1)},${(y - 1).toFixed(1)} ${(x - 5).toFixed(1)},${(y + 8).toFixed(1)} ${(x + 5).toFixed(1)},${(y + 8).toFixed(1)}`
        : `${x.toFixed(1)},${(y + 1).toFixed(1)} ${(x - 5).toFixed(1)},${(y - 8).toFixed(1)} ${(x + 5).toFixed(1)},${(y - 8).toFixed(1)}`;
    body.push(
      `<polygon points="${tri}" class="marker ${m.kind}"><title>${escapeHtml(m.label)}</title></polygon>`,
    );
  }
  return `<svg id="${options.id}" class="chart" viewBox="0 0 ${W} ${height}" role="img">${body.join('')}</svg>`;
}

/** A histogram of values in `bins` equal-width bins, negative bins red. */
export function histogram(values: readonly number[], id: string, bins = 20): string {
  const height = 220;
  if (values.length === 0) {
    return `<svg id="${id}" class="chart" viewBox="0 0 ${W} ${height}" role="img"><text x="${W / 2}" y="${height / 2}" class="empty">no closed trades</text></svg>`;
  }
  const [lo, hi] = extent(values);
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  const f = frame(
    [lo, hi],
    [0, Math.max(...counts)],
    height,
    (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)),
    false,
  );
  const bars = counts.map((c, i) => {
    const x0 = f.sx(lo + i * width);
    const x1 = f.sx(lo + (i + 1) * width);
    const y = f.sy(c);
    const cls = lo + (i + 0.5) * width < 0 ? 'loss' : 'win';
    return `<rect x="${(x0 + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, x1 - x0 - 2).toFixed(1)}" height="${(f.sy(0) - y).toFixed(1)}" class="bar ${cls}"><title>${escapeHtml(`${fmtNumber(lo + i * width)} … ${fmtNumber(lo + (i + 1) * width)}: ${c}`)}</title></rect>`;
  });
  return `<svg id="${id}" class="chart" viewBox="0 0 ${W} ${height}" role="img">${f.axes}${bars.join('')}</svg>`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Monthly returns: each month's last equity over the previous month's last equity (the first
 * month against the first point), keyed `YYYY-MM` in UTC.
 */
export function monthlyReturns(points: readonly XY[]): Map<string, number> {
  const lastOfMonth = new Map<string, number>();
  for (const p of points) lastOfMonth.set(new Date(p.x / 1000).toISOString().slice(0, 7), p.y);
  const out = new Map<string, number>();
  let prev = points[0]?.y;
  for (const [month, equity] of lastOfMonth) {
    if (prev !== undefined && prev > 0) out.set(month, equity / prev - 1);
    prev = equity;
  }
  return out;
}

/** A years × months heatmap of monthly returns, green up, red down. */
export function monthlyHeatmap(returns: ReadonlyMap<string, number>, id: string): string {
  const years = [...new Set([...returns.keys()].map((k) => k.slice(0, 4)))].sort();
  const cell = 64;
  const left = 60;
  const height = 30 + Math.max(1, years.length) * 34;
  const maxAbs = Math.max(1e-12, ...[...returns.values()].map(Math.abs));
  const parts: string[] = MONTHS.map(
    (m, i) => `<text x="${left + i * (cell + 4) + cell / 2}" y="16" class="mlab">${m}</text>`,
  );
  years.forEach((year, row) => {
    const y = 24 + row * 34;
    parts.push(`<text x="${left - 8}" y="${y + 20}" class="ylab">${year}</text>`);
    MONTHS.forEach((_, col) => {
      const key = `${year}-${String(col + 1).padStart(2, '0')}`;
      const r = returns.get(key);
      const x = left + col * (cell + 4);
      if (r === undefined) {
        parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="30" class="cell none"/>`);
        return;
      }
      const alpha = (0.15 + 0.85 * Math.min(1, Math.abs(r) / maxAbs)).toFixed(2);
      const rgb = r >= 0 ? '22,163,74' : '220,38,38';
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="30" fill="rgba(${rgb},${alpha})" class="cell"><title>${key}: ${(r * 100).toFixed(2)}%</title></rect>`,
        `<text x="${x + cell / 2}" y="${y + 20}" class="cval">${(r * 100).toFixed(2)}%</text>`,
      );
    });
  });
  return `<svg id="${id}" class="chart" viewBox="0 0 ${left + 12 * (cell + 4)} ${height}" role="img">${parts.join('')}</svg>`;
}

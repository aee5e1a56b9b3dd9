/**
 * Turns V8's CPU and sampling-heap profiles into readable summaries: collapsed stacks (the input
 * of flamegraph.pl, inferno and speedscope), top self-time functions and top allocation sites.
 */

/** A V8 call frame, as the inspector reports it. */
export interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  /** Zero-based line in the code V8 ran; for .ts sources that is tsx's output, not the .ts file. */
  readonly lineNumber: number;
  readonly columnNumber: number;
}

/** A node of a `.cpuprofile`. */
export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

/** A `.cpuprofile` (Chrome DevTools and speedscope open it as is). */
export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** A node of a sampling heap profile (`.heapprofile`). */
export interface HeapProfileNode {
  readonly callFrame: CallFrame;
  /** Bytes allocated by this frame itself (scaled from samples by V8). */
  readonly selfSize: number;
  readonly children: readonly HeapProfileNode[];
}

/** A sampling heap profile (Chrome DevTools' Memory tab opens it as is). */
export interface HeapProfile {
  readonly head: HeapProfileNode;
}

/** One line of a "top" summary. */
export interface SiteTotal {
  /** `function (file:line)`. */
  readonly site: string;
  /** Milliseconds of self time, or bytes allocated. */
  readonly amount: number;
  /** Share of the profile's total. */
  readonly share: number;
}

function shortUrl(url: string): string {
  if (url === '') return '';
  const clean = url.replace(/^file:\/\//, '');
  const at = clean.search(/\/(packages|bench|examples|node_modules)\//);
  return at >= 0 ? clean.slice(at + 1) : clean;
}

/**
 * `function (file:line)` for a frame, 1-based line; no `;` so it is safe in collapsed stacks.
 * TypeScript files run through tsx's transform, whose line numbers do not match the .ts source,
 * so they are labelled by function and file only.
 */
export function frameLabel(frame: CallFrame): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  const url = shortUrl(frame.url);
  const line = url.endsWith('.ts') ? '' : `:${frame.lineNumber + 1}`;
  const where = url === '' ? '' : ` (${url}${line})`;
  return `${name}${where}`.replaceAll(';', ',');
}

function top(totals: Map<string, number>, count: number): SiteTotal[] {
  let sum = 0;
  for (const v of totals.values()) sum += v;
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([site, amount]) => ({ site, amount, share: sum === 0 ? 0 : amount / sum }));
}

/** Collapsed stacks, one `root;caller;callee samples` line per leaf that was sampled. */
export function collapseCpuProfile(profile: CpuProfile): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const lines: string[] = [];
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (hits === 0) continue;
    const stack: string[] = [];
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      if (frame.functionName !== '(root)') stack.push(frameLabel(frame));
    }
    lines.push(`${stack.reverse().join(';')} ${hits}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The functions with the most self time, in milliseconds. */
export function topSelfTime(profile: CpuProfile, count: number): SiteTotal[] {
  const samples = profile.samples?.length ?? 0;
  const usPerSample = samples === 0 ? 0 : (profile.endTime - profile.startTime) / samples;
  const totals = new Map<string, number>();
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (hits === 0) continue;
    const label = frameLabel(n.callFrame);
    totals.set(label, (totals.get(label) ?? 0) + (hits * usPerSample) / 1000);
  }
  return top(totals, count);
}

/** Total bytes a sampling heap profile attributes to all frames. */
export function totalAllocated(profile: HeapProfile): number {
  let sum = 0;
  const walk = (n: HeapProfileNode): void => {
    sum += n.selfSize;
    for (const c of n.children) walk(c);
  };
  walk(profile.head);
  return sum;
}

/** The allocation sites (frame plus its caller, so a shared helper is told apart) with the most bytes. */
export function topAllocationSites(profile: HeapProfile, count: number): SiteTotal[] {
  const totals = new Map<string, number>();
  const walk = (n: HeapProfileNode, caller: string): void => {
    const label = frameLabel(n.callFrame);
    if (n.selfSize > 0) {
      const key = caller === '' ? label : `${label}  ← ${caller}`;
      totals.set(key, (totals.get(key) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, label);
  };
  walk(profile.head, '');
  return top(totals, count);
}

/** A "top" list as aligned text lines. */
export function formatTop(title: string, unit: string, rows: readonly SiteTotal[]): string {
  const lines = rows.map(
    (r) =>
      `  ${r.amount.toFixed(unit === 'ms' ? 1 : 0).padStart(12)} ${unit}  ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.site}`,
  );
  return [title, ...lines].join('\n');
}

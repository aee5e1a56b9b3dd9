import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, LiveClock } from '@quantkubera/core';
import { coreCodeVersion } from '@quantkubera/core/wal';

/** The store's file name inside a results directory. */
export const EXPERIMENTS_FILE = 'experiments.jsonl';

/** One recorded run or sweep: a line of `experiments.jsonl`. */
export interface ExperimentRecord {
  /** `run` for a backtest, `sweep` for a parameter sweep, `walk-forward` for a walk-forward. */
  readonly kind: 'run' | 'sweep' | 'walk-forward';
  /** The descriptor's run name. */
  readonly name: string;
  /** When it was recorded (ISO-8601, from the live clock: the only wall-clock field). */
  readonly recordedAt: string;
  /** Absolute path of the descriptor. */
  readonly descriptor: string;
  /** SHA-256 of the descriptor file. */
  readonly descriptorHash: string;
  /** The strategies' parameters (for a sweep: the best trial's). */
  readonly params: readonly Record<string, unknown>[];
  readonly seed: number;
  /** Package version and, when the tree is a git checkout, the commit. */
  readonly codeVersion: string;
  /** Headline metrics (sharpe, totalReturn, maxDrawdown, ...). */
  readonly metrics: Readonly<Record<string, number | null>>;
  /** Where the artifacts are: the run's (or sweep's) directory and named files in it. */
  readonly artifacts: { readonly dir: string; readonly files: readonly string[] };
  /** Anything else the kind carries (a sweep's spec and trial count). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

function findGitHead(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const git = join(dir, '.git');
    if (existsSync(join(git, 'HEAD'))) {
      const head = readFileSync(join(git, 'HEAD'), 'utf8').trim();
      if (!head.startsWith('ref: ')) return head.slice(0, 12);
      const ref = head.slice(5);
      if (existsSync(join(git, ref))) return readFileSync(join(git, ref), 'utf8').trim().slice(0, 12);
      if (existsSync(join(git, 'packed-refs'))) {
        const line = readFileSync(join(git, 'packed-refs'), 'utf8')
          .split('\n')
          .find((l) => l.endsWith(` ${ref}`));
        if (line !== undefined) return line.slice(0, 12);
      }
      return undefined;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The code version recorded with a run: `@quantkubera/core`'s version, plus `+<commit>` when
 * `fromDir` is inside a git checkout (read from `.git`, no git process).
 */
export function codeVersion(fromDir: string): string {
  const commit = findGitHead(fromDir);
  return commit === undefined ? coreCodeVersion() : `${coreCodeVersion()}+${commit}`;
}

/** The current time for `recordedAt`, through the Clock port. */
export function recordedNow(): string {
  return new Date(new LiveClock().nowUs() / 1000).toISOString();
}

/** JSON cannot hold Infinity or NaN: metrics store them as null. */
function finiteMetrics(metrics: Readonly<Record<string, unknown>>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(metrics)) {
    if (typeof v === 'number') out[k] = Number.isFinite(v) ? v : null;
    else if (v === null) out[k] = null;
  }
  return out;
}

/**
 * Appends one record to `<dir>/experiments.jsonl`. A line is written with one `appendFileSync`
 * call (O_APPEND), so concurrent writers never interleave within a line. Only the finite numeric
 * metrics are kept (Infinity and NaN become null).
 */
export function appendExperiment(
  dir: string,
  record: Omit<ExperimentRecord, 'metrics'> & { readonly metrics: Readonly<Record<string, unknown>> },
): void {
  mkdirSync(dir, { recursive: true });
  const line = JSON.stringify({ ...record, metrics: finiteMetrics(record.metrics) });
  appendFileSync(join(dir, EXPERIMENTS_FILE), `${line}\n`);
}

/**
 * Reads every record of `<dir>/experiments.jsonl` (none when the file does not exist). A line
 * that is not a record is an error naming the file and line.
 */
export function readExperiments(dir: string): ExperimentRecord[] {
  const path = join(dir, EXPERIMENTS_FILE);
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: ExperimentRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new InvalidArgumentError(`${path}:${i + 1}`, line.slice(0, 80), 'a JSON record', { cause });
    }
    const r = value as Partial<ExperimentRecord>;
    if (typeof r !== 'object' || r === null || typeof r.kind !== 'string' || typeof r.name !== 'string') {
      throw new InvalidArgumentError(`${path}:${i + 1}`, line.slice(0, 80), 'a record with kind and name');
    }
    out.push(value as ExperimentRecord);
  });
  return out;
}

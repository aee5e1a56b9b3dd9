import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from './run.js';

const RUN_TS = fileURLToPath(new URL('./run.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs `bench/run.ts <args> --out <file>` in a fresh Node process, with this process's Node
 * flags (tsx's loader and the source export condition), from the repository root, and returns
 * the report it wrote. A fresh process starts with no JIT type feedback (see bench/run.ts).
 *
 * @throws Error when the child exits unsuccessfully.
 */
export function runReportInChild(args: readonly string[]): BenchReport {
  const dir = mkdtempSync(join(tmpdir(), 'qk-bench-'));
  const out = join(dir, 'report.json');
  try {
    const child = spawnSync(process.execPath, [...process.execArgv, RUN_TS, ...args, '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (child.status !== 0) {
      throw new Error(`bench: the run (${args.join(' ')}) exited with ${child.status ?? child.signal}`);
    }
    return JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

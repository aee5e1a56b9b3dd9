import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventForSeq, removeDir, scratchDir } from '../../test/fixtures/wal/wal-fixtures.js';
import { readWal, type TornTail, WalWriter } from './index.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = join(PACKAGE_ROOT, 'test/fixtures/wal/crash-writer.ts');
const KILLS = 50;
const SEED = 20_241_120;
const MAX_KILL_DELAY_MS = 200;

/** mulberry32: the kill schedule is a function of SEED alone. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Round {
  /** Highest sequence the child reported durable before it was killed. */
  readonly durable: number;
  /** The log's last sequence when the child had opened it. */
  readonly openedAt: number;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Transpiles the child and every module it imports (TypeScript's `transpileModule`, the same
 * per-file transform tsx applies) into `out`, so each of the 50 runs starts under plain node.
 * Returns the child's JavaScript entry point.
 */
async function buildChild(out: string): Promise<string> {
  const ts = (await import('typescript')).default;
  const options = {
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2022,
    verbatimModuleSyntax: true,
  };
  const queue = [CHILD];
  const seen = new Set<string>();
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const target = join(out, relative(PACKAGE_ROOT, file).replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, ts.transpileModule(source, { compilerOptions: options }).outputText);
    for (const m of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
      queue.push(resolve(dirname(file), `${m[1]}.ts`));
    }
  }
  // Bare imports (zod) resolve through the workspace's node_modules; package.json sets ESM.
  symlinkSync(join(PACKAGE_ROOT, '../../node_modules'), join(out, 'node_modules'), 'dir');
  writeFileSync(join(out, 'package.json'), '{ "type": "module", "version": "0.0.0-crash-test" }\n');
  return join(out, relative(PACKAGE_ROOT, CHILD).replace(/\.ts$/, '.js'));
}

/** Runs the child until `delayMs` after it reports the log open, then SIGKILLs it. */
function runAndKill(child: string, dir: string, delayMs: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const proc: ChildProcess = spawn(process.execPath, [child, dir, '131072', '2', '40'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let durable = 0;
    let openedAt = -1;
    let pending = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (chunk: string) => {
      pending += chunk;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const value = Number(line.slice(2));
        if (line.startsWith('d ')) durable = Math.max(durable, value);
        else if (line.startsWith('r ') && openedAt < 0) {
          openedAt = value;
          timer = setTimeout(() => proc.kill('SIGKILL'), delayMs);
        }
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    proc.on('error', reject);
    proc.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve({ durable, openedAt, signal, stderr });
    });
  });
}

describe('crash test: SIGKILL during interval-durability appends', () => {
  const dir = scratchDir('crash');
  const build = scratchDir('crash-build');
  let child = '';
  beforeAll(async () => {
    child = await buildChild(build);
  }, 60_000);
  afterAll(() => {
    removeDir(dir);
    removeDir(build);
  });

  it(`keeps every record reported durable across ${KILLS} kills in a row, and never returns a corrupt one`, async () => {
    const random = prng(SEED);
    let verifiedUpTo = 0;
    let lastSeq = 0;
    let reportedDurable = 0;
    const tornTails: TornTail[] = [];
    for (let round = 0; round < KILLS; round++) {
      const delayMs = Math.floor(random() * MAX_KILL_DELAY_MS);
      const result = await runAndKill(child, dir, delayMs);
      expect(result.stderr, `round ${round}: the child failed`).toBe('');
      expect(result.signal, `round ${round}`).toBe('SIGKILL');
      // The child continued exactly where the previous round's recovery left the log.
      if (result.openedAt >= 0) expect(result.openedAt, `round ${round}`).toBe(lastSeq);
      reportedDurable = Math.max(reportedDurable, result.durable);

      // Reopening succeeds: recovery truncates a torn tail if there is one and reports it.
      const writer = WalWriter.open({ dir, durability: 'none' });
      const { recovery } = writer;
      writer.close();
      if (recovery.tornTail !== undefined) tornTails.push(recovery.tornTail);
      expect(recovery.quarantined).toEqual([]);
      expect(recovery.missing).toEqual([]);
      // Every record the writer reported durable is still there.
      expect(recovery.lastSeq, `round ${round}`).toBeGreaterThanOrEqual(result.durable);
      expect(recovery.lastSeq).toBeGreaterThanOrEqual(lastSeq);
      lastSeq = recovery.lastSeq;

      // ...and intact: the reader verifies every CRC and sequence, the content is checked here.
      let count = 0;
      readWal(dir, { fromSeq: verifiedUpTo + 1 }).forEach((event, seq) => {
        if (!isDeepStrictEqual(event, eventForSeq(seq)))
          throw new Error(`round ${round}: seq ${seq} differs`);
        count++;
      });
      expect(count).toBe(lastSeq - verifiedUpTo);
      verifiedUpTo = lastSeq;
    }

    // The whole log, from the first record, after all kills.
    let seen = 0;
    readWal(dir).forEach((event, seq) => {
      seen++;
      if (seq !== seen || !isDeepStrictEqual(event, eventForSeq(seq))) throw new Error(`seq ${seq} differs`);
    });
    expect(seen).toBe(lastSeq);
    expect(lastSeq).toBeGreaterThanOrEqual(reportedDurable);
    expect(reportedDurable).toBeGreaterThan(0);
    // A torn tail holds a partial record, or is a segment the kill caught being created (it may
    // be empty then: the file existed before its header was written).
    for (const t of tornTails) {
      if (t.bytes === 0) expect(t.reason).toMatch(/segment header incomplete/);
      else expect(t.bytes).toBeGreaterThan(0);
    }
  }, 120_000);
});

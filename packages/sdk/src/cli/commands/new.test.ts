import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@quantkubera/core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStrategy, StrategyEntrySchema } from '../../descriptor/index.js';
import { newCommand } from './new.js';

// Inside the package, so the generated file resolves @quantkubera/* like a project's would.
const scratch = mkdtempSync(join(fileURLToPath(new URL('../../../', import.meta.url)), '.new-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('quantkubera new strategy', () => {
  it('writes a typed strategy and its test that load and validate', async () => {
    const lines: string[] = [];
    expect(
      newCommand(['strategy', 'mean-reversion'], {
        dir: 'strategies',
        cwd: scratch,
        log: (l) => lines.push(l),
      }),
    ).toBe(0);
    const dir = join(scratch, 'strategies');
    expect(readdirSync(dir).sort()).toEqual(['mean-reversion.test.ts', 'mean-reversion.ts']);
    expect(readFileSync(join(dir, 'mean-reversion.test.ts'), 'utf8')).toContain(
      "import meanReversion from './mean-reversion.js'",
    );
    const strategy = await loadStrategy(StrategyEntrySchema.parse({ module: './mean-reversion.ts' }), dir);
    expect(strategy.name).toBe('mean-reversion');
    expect(strategy.params.safeParse({ instrument: 'RELIANCE.NSE' }).success).toBe(true);
    expect(strategy.params.safeParse({ instrument: 'RELIANCE.NSE', lookback: 1 }).success).toBe(false);
    expect(lines[0]).toMatch(/created .*mean-reversion\.ts and .*mean-reversion\.test\.ts/);
  });

  it('never overwrites, and explains bad names and kinds', () => {
    const log = () => {};
    newCommand(['strategy', 'twice'], { dir: 's', cwd: scratch, log });
    expect(() => newCommand(['strategy', 'twice'], { dir: 's', cwd: scratch, log })).toThrow(
      /twice\.ts exists/,
    );
    expect(() => newCommand(['strategy', 'Bad_Name'], { dir: 's', cwd: scratch, log })).toThrow(
      InvalidArgumentError,
    );
    expect(() => newCommand(['strategy', 'Bad_Name'], { dir: 's', cwd: scratch, log })).toThrow(/kebab-case/);
    expect(() => newCommand(['strategy'], { dir: 's', cwd: scratch, log })).toThrow(/exactly one name/);
    expect(() => newCommand(['adapter', 'x'], { dir: 's', cwd: scratch, log })).toThrow(
      /quantkubera new <kind>/,
    );
  });
});

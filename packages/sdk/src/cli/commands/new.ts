import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '@quantkubera/core';

/** Options of `quantkubera new`. */
export interface NewCommandOptions {
  /** Where generated strategies go, relative to the working directory (`strategies`). */
  readonly dir: string;
  /** The working directory; `process.cwd()` by default. */
  readonly cwd?: string;
  /** Prints a line for the user. */
  readonly log: (line: string) => void;
}

/** A strategy name: kebab-case, usable as the strategy id (at most 24 characters). */
const STRATEGY_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The generated strategy: typed params, the hooks it uses, a rule worth replacing. */
export function strategySource(name: string): string {
  return `import { ZScore } from '@quantkubera/core';
import { defineStrategy } from '@quantkubera/sdk';
import { z } from 'zod';

/**
 * ${name}: mean reversion on bars. Buys when the close is \`entry\` standard deviations below its
 * rolling mean and sells back when it returns to the mean. Replace the rule in onBar with yours.
 */
export default defineStrategy({
  name: '${name}',
  description: 'Buys stretches below the rolling mean and exits at the mean.',
  params: z.object({
    instrument: z.string(),
    timeframe: z.string().default('5m'),
    lookback: z.number().int().min(2).default(20),
    entry: z.number().positive().default(2),
    quantity: z.number().positive().default(1),
  }),
  setup(ctx) {
    const { instrument, timeframe, lookback, entry, quantity } = ctx.params;
    const zscore = new ZScore(lookback);
    return {
      onStart() {
        ctx.subscribe({ instrumentId: instrument, bars: [timeframe] });
      },
      onBar(bar) {
        zscore.update(bar.close);
        if (!zscore.isReady || ctx.openOrders(instrument).length > 0) return;
        const position = ctx.position(instrument);
        if (position === 0 && zscore.value < -entry) ctx.buy(instrument, quantity);
        else if (position > 0 && zscore.value >= 0) ctx.sell(instrument, position);
      },
    };
  },
});
`;
}

/** The generated test: parameter validation and a one-day backtest on synthetic data. */
export function strategyTestSource(name: string): string {
  const id = camel(name);
  return `import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBacktest } from '@quantkubera/backtest';
import { parseDescriptor } from '@quantkubera/sdk';
import { describe, expect, it } from 'vitest';
import ${id} from './${name}.js';

const here = fileURLToPath(import.meta.url);

describe('${name}', () => {
  it('validates its parameters', () => {
    expect(${id}.params.safeParse({ instrument: 'RELIANCE.NSE' }).success).toBe(true);
    expect(${id}.params.safeParse({ instrument: 'RELIANCE.NSE', lookback: 1 }).success).toBe(false);
  });

  it('runs a synthetic day without failing', async () => {
    const descriptor = parseDescriptor({
      name: '${name}-test',
      mode: 'backtest',
      venue: 'zerodha',
      baseCurrency: 'INR',
      capital: { INR: 1_000_000 },
      instruments: ['RELIANCE.NSE'],
      strategies: [{ module: './${name}.ts', params: { instrument: 'RELIANCE.NSE', quantity: 10 } }],
      data: { type: 'synthetic', scenario: 'normal-day', start: '2024-11-04', days: 1 },
    });
    const summary = await runBacktest(
      { descriptor, path: here, baseDir: dirname(here), hash: 'test' },
      { resultsDir: mkdtempSync(join(tmpdir(), '${name}-')) },
    );
    expect(summary.failures).toEqual([]);
    expect(summary.events).toBeGreaterThan(0);
  });
});
`;
}

/**
 * `quantkubera new strategy <name>`: writes `<dir>/<name>.ts` (a typed strategy) and
 * `<dir>/<name>.test.ts` (its test). Never overwrites a file. Returns the exit code.
 *
 * @throws InvalidArgumentError for an unknown kind, a missing or malformed name, or a file that exists.
 */
export function newCommand(args: readonly string[], options: NewCommandOptions): number {
  const [kind, name, ...rest] = args;
  if (kind !== 'strategy') {
    throw new InvalidArgumentError(
      'quantkubera new <kind>',
      kind ?? '',
      'strategy (quantkubera new strategy <name>)',
    );
  }
  if (name === undefined || rest.length > 0) {
    throw new InvalidArgumentError(
      'quantkubera new strategy <name>',
      args.slice(1).join(' '),
      'exactly one name',
    );
  }
  if (!STRATEGY_NAME.test(name) || name.length > 24) {
    throw new InvalidArgumentError(
      'quantkubera new strategy <name>',
      name,
      'kebab-case of at most 24 characters, starting with a letter (e.g. mean-reversion)',
    );
  }
  const dir = resolve(options.cwd ?? process.cwd(), options.dir);
  const files = [
    [join(dir, `${name}.ts`), strategySource(name)],
    [join(dir, `${name}.test.ts`), strategyTestSource(name)],
  ] as const;
  for (const [path] of files) {
    if (existsSync(path))
      throw new InvalidArgumentError('quantkubera new strategy <name>', name, `a new name: ${path} exists`);
  }
  mkdirSync(dir, { recursive: true });
  for (const [path, text] of files) writeFileSync(path, text, { flag: 'wx' });
  options.log(`created ${files.map(([p]) => p).join(' and ')}`);
  options.log(
    `use it from a descriptor: strategies: [{ module: ./${options.dir}/${name}.ts, params: { instrument: ... } }]`,
  );
  return 0;
}

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateError } from './errors.js';
import { type Io, main } from './main.js';
import { checkPackageName, parseInstruments, parseTemplate, parseVenue } from './options.js';

function io(cwd: string, interactive = false): Io & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line), interactive, cwd };
}

function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

async function rejection(promise: Promise<unknown>): Promise<CreateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CreateError);
  return error as CreateError;
}

describe('create-quantkubera options', () => {
  it('accepts npm package names and explains bad ones', () => {
    expect(checkPackageName('my-strategy')).toBeUndefined();
    expect(checkPackageName('@desk/momentum')).toBeUndefined();
    expect(checkPackageName('My Strategy')).toMatch(/not a valid npm package name/);
    expect(checkPackageName('.hidden')).toMatch(/not a valid npm package name/);
    expect(checkPackageName('')).toMatch(/empty/);
  });

  it('names the option and the allowed values on bad input', () => {
    expect(() => parseTemplate('bot')).toThrow('--template: expected one of strategy, adapter, got "bot"');
    expect(() => parseVenue('strategy', 'kraken')).toThrow(
      /--venue: expected one of zerodha, binance, coindcx, sim/,
    );
    expect(parseVenue('adapter', 'kraken')).toBe('kraken');
    expect(() => parseVenue('adapter', 'Kraken!')).toThrow(/--venue: an adapter's venue/);
    expect(parseInstruments('zerodha', 'RELIANCE.NSE, TCS.NSE')).toEqual(['RELIANCE.NSE', 'TCS.NSE']);
    expect(() => parseInstruments('zerodha', 'BTCUSDT.BINANCE')).toThrow(
      '--instruments[0]: zerodha trades NSE, BSE instruments, not BINANCE ("BTCUSDT.BINANCE")',
    );
    expect(() => parseInstruments('binance', 'btc')).toThrow(
      /--instruments\[0\]: "btc" is not SYMBOL.EXCHANGE/,
    );
  });
});

describe('create-quantkubera', () => {
  it('scaffolds the strategy template with every placeholder filled', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cqk-'));
    const out = io(cwd);
    expect(await main(['my-desk', '--yes', '--venue', 'binance'], out)).toBe(0);
    const root = join(cwd, 'my-desk');
    const files = walk(root).sort();
    expect(files).toEqual([
      '.gitignore',
      'README.md',
      'backtest.yaml',
      'live.yaml',
      'package.json',
      'paper.yaml',
      'strategies/sma-crossover.test.ts',
      'strategies/sma-crossover.ts',
      'tsconfig.json',
    ]);
    for (const file of files) expect(readFileSync(join(root, file), 'utf8')).not.toMatch(/\{\{/);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-desk');
    expect(pkg.scripts.backtest).toBe('quantkubera backtest backtest.yaml');
    expect(pkg.dependencies['@quantkubera/sdk']).toMatch(/^\^\d+\.\d+\.\d+/);
    const backtest = readFileSync(join(root, 'backtest.yaml'), 'utf8');
    expect(backtest).toContain('instruments: [BTCUSDT.BINANCE]');
    expect(backtest).toContain('venue: binance');
    // The three descriptors differ only in their mode line.
    for (const mode of ['paper', 'live']) {
      const other = readFileSync(join(root, `${mode}.yaml`), 'utf8');
      expect(other.replace(`mode: ${mode}`, 'mode: backtest')).toBe(backtest);
    }
    expect(out.lines.join('\n')).toContain('npm run backtest');
  });

  it('scaffolds the adapter template in the shared adapter layout', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cqk-'));
    expect(
      await main(['adapter-kraken', '--yes', '--template', 'adapter', '--venue', 'kraken'], io(cwd)),
    ).toBe(0);
    const root = join(cwd, 'adapter-kraken');
    const files = walk(root);
    for (const f of [
      'src/config.ts',
      'src/constants.ts',
      'src/factories.ts',
      'src/data-client.ts',
      'src/execution-client.ts',
      'src/instrument-provider.ts',
      'src/parse.ts',
      'src/index.ts',
      'src/http/index.ts',
      'src/ws/index.ts',
      'src/schemas/index.ts',
      'test/conformance.test.ts',
    ]) {
      expect(files).toContain(f);
    }
    for (const file of files) expect(readFileSync(join(root, file), 'utf8')).not.toMatch(/\{\{/);
    expect(readFileSync(join(root, 'src/constants.ts'), 'utf8')).toContain("VENUE_CODE = 'KRAKEN'");
  });

  it('refuses a non-empty directory and writes nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cqk-'));
    mkdirSync(join(cwd, 'taken'));
    writeFileSync(join(cwd, 'taken', 'notes.txt'), 'mine');
    const error = await rejection(main(['taken', '--yes'], io(cwd)));
    expect(error.code).toBe('DIRECTORY_NOT_EMPTY');
    expect(error.message).toMatch(/taken is not empty \(notes.txt\)/);
    expect(readdirSync(join(cwd, 'taken'))).toEqual(['notes.txt']);
  });

  it('accepts an empty directory, and one holding only .git', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cqk-'));
    mkdirSync(join(cwd, 'repo', '.git'), { recursive: true });
    expect(await main(['repo', '--yes'], io(cwd))).toBe(0);
    expect(readdirSync(join(cwd, 'repo'))).toContain('backtest.yaml');
  });

  it('explains bad names, unknown options and missing answers', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cqk-'));
    expect((await rejection(main(['My Project', '--yes'], io(cwd)))).code).toBe('BAD_NAME');
    expect((await rejection(main(['x', '--colour'], io(cwd)))).message).toMatch(/Unknown option '--colour'/);
    expect((await rejection(main(['x', '--template', 'bot'], io(cwd)))).code).toBe('BAD_OPTION');
    const error = await rejection(main(['x'], io(cwd, false)));
    expect(error.code).toBe('NOT_INTERACTIVE');
    expect(error.message).toMatch(/--yes/);
    expect((await rejection(main(['--yes'], io(cwd)))).message).toMatch(/--yes needs a directory/);
    expect(
      (await rejection(main(['x', '--yes', '--template', 'adapter', '--instruments', 'A.NSE'], io(cwd))))
        .message,
    ).toMatch(/--instruments applies to the strategy template only/);
  });
});

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isQuantKuberaError } from '@quantkubera/core';
import { presetInstrument } from './instruments.js';
import { generateMarket } from './market-generator.js';
import { SCENARIOS, type ScenarioName } from './scenarios.js';
import { BinaryFrameFileWriter, CsvDirectoryWriter, type EventSink, pipeToSinks } from './writers.js';

/** Usage text of the synthetic market CLI. */
export const USAGE = `Usage: synthetic-market [options]

Generates a seeded synthetic market and writes it to files.

  --scenario <name>      ${Object.keys(SCENARIOS).join(' | ')} (default normal-day)
  --seed <n|text>        seed (default 1); the same seed gives the same files
  --instruments <ids>    comma-separated ids; presets by venue: NSE/BSE equity, NFO/BFO index
                         future, BINANCE/COINDCX/SIM crypto spot (default RELIANCE.NSE,BTCUSDT.BINANCE)
  --start <iso>          window start, ISO-8601 (default 2024-11-04T00:00:00Z)
  --end <iso>            window end, exclusive (default start + 1 day)
  --out <dir>            output directory (default ./synthetic-market)
  --format <f>           csv | bin | both (default both): CSV per kind, binary frames in events.qkf
  --no-depth             omit DepthEvents
  --help                 this text
`;

/** Parsed CLI options. */
export interface CliOptions {
  readonly scenario: ScenarioName;
  readonly seed: number | string;
  readonly instruments: readonly string[];
  readonly start: string;
  readonly end: string;
  readonly out: string;
  readonly csv: boolean;
  readonly binary: boolean;
  readonly depth: boolean;
}

/** A usage error: a message for stderr, exit code 2. */
class UsageError extends Error {}

/** Parses CLI arguments (`'help'` for `--help`); throws an `Error` whose message says what is wrong. */
export function parseArgs(argv: readonly string[]): CliOptions | 'help' {
  const values = new Map<string, string>();
  let depth = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--no-depth') {
      depth = false;
      continue;
    }
    const [name, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s, 2) : [undefined, undefined];
    if (
      name === undefined ||
      !['scenario', 'seed', 'instruments', 'start', 'end', 'out', 'format'].includes(name)
    ) {
      throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    values.set(name, value);
  }
  const scenario = values.get('scenario') ?? 'normal-day';
  if (!Object.hasOwn(SCENARIOS, scenario)) {
    throw new UsageError(
      `--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}, got ${JSON.stringify(scenario)}`,
    );
  }
  const seedText = values.get('seed') ?? '1';
  const seed =
    /^-?\d+$/.test(seedText) && Number.isSafeInteger(Number(seedText)) ? Number(seedText) : seedText;
  const start = values.get('start') ?? '2024-11-04T00:00:00Z';
  const startMs = Date.parse(start);
  if (Number.isNaN(startMs))
    throw new UsageError(`--start is not an ISO-8601 date: ${JSON.stringify(start)}`);
  const end = values.get('end') ?? new Date(startMs + 86_400_000).toISOString();
  if (Number.isNaN(Date.parse(end)))
    throw new UsageError(`--end is not an ISO-8601 date: ${JSON.stringify(end)}`);
  const format = values.get('format') ?? 'both';
  if (!['csv', 'bin', 'both'].includes(format))
    throw new UsageError(`--format must be csv, bin or both, got ${JSON.stringify(format)}`);
  const instruments = (values.get('instruments') ?? 'RELIANCE.NSE,BTCUSDT.BINANCE')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return {
    scenario: scenario as ScenarioName,
    seed,
    instruments,
    start,
    end,
    out: values.get('out') ?? 'synthetic-market',
    csv: format !== 'bin',
    binary: format !== 'csv',
    depth,
  };
}

/**
 * The synthetic market CLI: parses `argv` (without node and script), generates, writes the files
 * and prints a summary. Extra sinks (a `WalWriter`) receive every event too. Returns the exit
 * code: 0 on success, 2 on a usage or input error (the message goes to `err`).
 *
 * @example
 * ```sh
 * npx tsx --conditions=@quantkubera/source packages/backtest/src/synthetic/cli.ts \
 *   --scenario news-spike --seed 7 --instruments RELIANCE.NSE --out /tmp/news
 * ```
 */
export function main(
  argv: readonly string[],
  io: { readonly out: (line: string) => void; readonly err: (line: string) => void } = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
  extraSinks: readonly EventSink[] = [],
): number {
  let options: CliOptions | 'help';
  try {
    options = parseArgs(argv);
  } catch (error) {
    io.err(`synthetic-market: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    io.out(USAGE);
    return 0;
  }
  const csv = options.csv ? new CsvDirectoryWriter(options.out) : undefined;
  let binary: BinaryFrameFileWriter | undefined;
  try {
    const instruments = options.instruments.map(presetInstrument);
    const events = generateMarket(options.scenario, {
      seed: options.seed,
      instruments,
      start: options.start,
      end: options.end,
      depth: options.depth,
    });
    if (options.binary) {
      mkdirSync(options.out, { recursive: true });
      binary = new BinaryFrameFileWriter(join(options.out, 'events.qkf'));
    }
    const sinks: EventSink[] = [
      ...(csv === undefined ? [] : [csv]),
      ...(binary === undefined ? [] : [binary]),
      ...extraSinks,
    ];
    const count = pipeToSinks(events, sinks);
    csv?.close();
    binary?.close();
    io.out(
      `${options.scenario}: ${count} events for ${options.instruments.join(', ')} from ${options.start} to ${options.end} (seed ${options.seed}) in ${options.out}`,
    );
    return 0;
  } catch (error) {
    csv?.close();
    binary?.close();
    if (isQuantKuberaError(error)) {
      io.err(`synthetic-market: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

// Run as a script (not when imported).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}

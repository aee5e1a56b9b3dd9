import { readFileSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateError } from './errors.js';
import {
  checkPackageName,
  parseInstruments,
  parseTemplate,
  parseVenue,
  type TemplateName,
  VENUES,
} from './options.js';
import { scaffold } from './scaffold.js';

const HELP = `create-quantkubera: start a QuantKubera project

usage:
  npm create quantkubera [directory] [-- options]
  create-quantkubera [directory] [options]

options:
  --template <name>      strategy (default) | adapter
  --venue <name>         strategy: zerodha (default) | binance | coindcx | sim
                         adapter: the venue's plugin name (lowercase, e.g. kraken)
  --instruments <ids>    strategy only: comma-separated ids on the venue (default per venue)
  --name <package>       the npm package name (default: the directory's name)
  -y, --yes              accept defaults for anything not given; never prompt
  -h, --help             this text
  -v, --version          the initializer's version

Without --yes, missing values are asked for interactively. The directory must not exist or be
empty: nothing is ever overwritten.
`;

/** Where the process talks to the user; replaced in tests. */
export interface Io {
  readonly log: (line: string) => void;
  /** True when values may be asked for. */
  readonly interactive: boolean;
  readonly cwd: string;
}

interface Answers {
  directory: string;
  packageName: string;
  template: TemplateName;
  venue: string;
  instruments: string[];
}

function ownVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Asks for whatever the options left open, with @clack/prompts (loaded only when needed). */
async function ask(partial: Partial<Answers>, cwd: string): Promise<Answers> {
  const p = await import('@clack/prompts');
  const answer = <T>(value: T): Exclude<T, symbol> => {
    if (p.isCancel(value) || typeof value === 'symbol') {
      throw new CreateError('CANCELLED', 'cancelled; nothing was written');
    }
    return value as Exclude<T, symbol>;
  };
  p.intro('create-quantkubera');
  const directory =
    partial.directory ??
    answer(
      await p.text({
        message: 'Where should the project go?',
        placeholder: 'my-strategy',
        validate: (v) => (v === undefined || v.trim() === '' ? 'a directory is required' : undefined),
      }),
    );
  const template =
    partial.template ??
    answer(
      await p.select<TemplateName>({
        message: 'Which template?',
        options: [
          {
            value: 'strategy',
            label: 'strategy',
            hint: 'a strategy with backtest, paper and live descriptors',
          },
          { value: 'adapter', label: 'adapter', hint: 'a venue adapter skeleton with the conformance suite' },
        ],
      }),
    );
  const venue =
    partial.venue ??
    (template === 'strategy'
      ? answer(
          await p.select<string>({
            message: 'Which venue?',
            options: Object.keys(VENUES).map((v) => ({ value: v, label: v })),
          }),
        )
      : answer(
          await p.text({
            message: "The venue's plugin name (lowercase)?",
            placeholder: 'kraken',
            validate: (v) => {
              try {
                parseVenue('adapter', v ?? '');
                return undefined;
              } catch (error) {
                return (error as Error).message;
              }
            },
          }),
        ));
  let instruments = partial.instruments;
  if (instruments === undefined && template === 'strategy') {
    const preset = VENUES[venue];
    const text = answer(
      await p.text({
        message: 'Instruments (comma-separated)?',
        initialValue: preset?.instruments.join(',') ?? '',
        validate: (v) => {
          try {
            parseInstruments(venue, v ?? '');
            return undefined;
          } catch (error) {
            return (error as Error).message;
          }
        },
      }),
    );
    instruments = parseInstruments(venue, text);
  }
  const packageName = partial.packageName ?? basename(resolve(cwd, directory));
  p.outro(`Scaffolding ${template} into ${directory}`);
  return { directory, template, venue, packageName, instruments: instruments ?? [] };
}

/** Runs the initializer with `argv` (without node and the script); returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (error instanceof CreateError) throw error;
    throw new CreateError('BAD_OPTION', `${(error as Error).message}\n\n${HELP}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.log(HELP);
    return 0;
  }
  if (values.version === true) {
    io.log(ownVersion());
    return 0;
  }
  if (positionals.length > 1) {
    throw new CreateError(
      'BAD_OPTION',
      `expected one directory, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  const template = values.template === undefined ? undefined : parseTemplate(values.template);
  const venue = values.venue === undefined ? undefined : parseVenue(template ?? 'strategy', values.venue);
  if (values.instruments !== undefined && template === 'adapter') {
    throw new CreateError('BAD_OPTION', '--instruments applies to the strategy template only');
  }
  const partial: Partial<Answers> = {
    ...(positionals[0] === undefined ? {} : { directory: positionals[0] }),
    ...(values.name === undefined ? {} : { packageName: values.name }),
    ...(template === undefined ? {} : { template }),
    ...(venue === undefined ? {} : { venue }),
  };
  if (values.instruments !== undefined) {
    partial.instruments = parseInstruments(venue ?? 'zerodha', values.instruments);
  }
  let answers: Answers;
  if (values.yes === true) {
    if (partial.directory === undefined) {
      throw new CreateError('BAD_OPTION', '--yes needs a directory: create-quantkubera <directory> --yes');
    }
    const t = partial.template ?? 'strategy';
    const v = partial.venue ?? (t === 'strategy' ? 'zerodha' : 'example');
    answers = {
      directory: partial.directory,
      template: t,
      venue: v,
      packageName: partial.packageName ?? basename(resolve(io.cwd, partial.directory)),
      instruments: partial.instruments ?? (t === 'strategy' ? [...(VENUES[v]?.instruments ?? [])] : []),
    };
  } else if (!io.interactive) {
    throw new CreateError(
      'NOT_INTERACTIVE',
      'stdin is not a terminal, so nothing can be asked: pass <directory> --yes (and --template, --venue, --instruments as needed)',
    );
  } else {
    answers = await ask(partial, io.cwd);
  }
  if (answers.template === 'strategy' && answers.instruments.length === 0) {
    answers.instruments = [...(VENUES[answers.venue]?.instruments ?? [])];
  }
  const problem = checkPackageName(answers.packageName);
  if (problem !== undefined) {
    throw new CreateError('BAD_NAME', `${problem}; pass --name <package-name> to choose another`);
  }
  const directory = resolve(io.cwd, answers.directory);
  const files = scaffold({
    directory,
    packageName: answers.packageName,
    template: answers.template,
    venue: answers.venue,
    instruments: answers.instruments,
    qkVersion: ownVersion(),
  });
  const shown = relative(io.cwd, directory) || '.';
  io.log(
    `Created ${answers.packageName} (${answers.template}, ${answers.venue}) in ${shown}: ${files.length} files.`,
  );
  io.log('');
  io.log('Next:');
  io.log(`  cd ${shown}`);
  io.log('  npm install');
  io.log(
    answers.template === 'strategy'
      ? '  npm run backtest\n  npm test'
      : '  npm test      # the conformance suite',
  );
  return 0;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      template: { type: 'string' },
      venue: { type: 'string' },
      instruments: { type: 'string' },
      name: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

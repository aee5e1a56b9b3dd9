import { CreateError } from './errors.js';

/** The templates the initializer scaffolds. */
export const TEMPLATES = ['strategy', 'adapter'] as const;
/** One of {@link TEMPLATES}. */
export type TemplateName = (typeof TEMPLATES)[number];

/** A venue a strategy project can target, with the defaults its descriptors start from. */
export interface VenuePreset {
  /** Exchange codes whose instruments the venue trades (`RELIANCE.NSE`). */
  readonly exchanges: readonly string[];
  readonly instruments: readonly string[];
  readonly baseCurrency: string;
  readonly capital: number;
  readonly quantity: number;
  readonly maxOrderNotional: number;
}

/** The venues of the strategy template: the built-in fee schedules and synthetic markets. */
export const VENUES: Readonly<Record<string, VenuePreset>> = {
  zerodha: {
    exchanges: ['NSE', 'BSE'],
    instruments: ['RELIANCE.NSE'],
    baseCurrency: 'INR',
    capital: 1_000_000,
    quantity: 100,
    maxOrderNotional: 1_000_000,
  },
  binance: {
    exchanges: ['BINANCE'],
    instruments: ['BTCUSDT.BINANCE'],
    baseCurrency: 'USDT',
    capital: 100_000,
    quantity: 0.01,
    maxOrderNotional: 100_000,
  },
  coindcx: {
    exchanges: ['COINDCX'],
    instruments: ['BTCUSDT.COINDCX'],
    baseCurrency: 'USDT',
    capital: 100_000,
    quantity: 0.01,
    maxOrderNotional: 100_000,
  },
  sim: {
    exchanges: ['SIM'],
    instruments: ['BTCUSDT.SIM'],
    baseCurrency: 'USDT',
    capital: 100_000,
    quantity: 0.01,
    maxOrderNotional: 100_000,
  },
};

// npm's rules: lowercase, URL-safe, optionally scoped, at most 214 characters.
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const ADAPTER_VENUE = /^[a-z][a-z0-9-]{1,31}$/;
const INSTRUMENT_ID = /^[A-Z0-9][A-Z0-9._/-]{0,62}\.[A-Z][A-Z0-9_]{1,15}$/;

/** Checks a project name against npm's package-name rules; returns the problem, or undefined. */
export function checkPackageName(name: string): string | undefined {
  if (name.length === 0) return 'the project name is empty';
  if (name.length > 214) return `"${name}" is longer than 214 characters`;
  if (!PACKAGE_NAME.test(name)) {
    return `"${name}" is not a valid npm package name: use lowercase letters, digits, "-", "." and "_", optionally with an @scope/`;
  }
  return undefined;
}

/** The run name of a package name: the descriptor's `name` and the results folder. */
export function runNameOf(packageName: string): string {
  const bare = packageName.slice(packageName.indexOf('/') + 1).replace(/[^A-Za-z0-9._-]/g, '-');
  return bare.slice(0, 64);
}

/** Validates a template name. */
export function parseTemplate(value: string): TemplateName {
  if ((TEMPLATES as readonly string[]).includes(value)) return value as TemplateName;
  throw new CreateError('BAD_OPTION', `--template: expected one of ${TEMPLATES.join(', ')}, got "${value}"`);
}

/** Validates the venue of a template: a preset for strategies, a plugin name for adapters. */
export function parseVenue(template: TemplateName, value: string): string {
  if (template === 'strategy') {
    if (VENUES[value] !== undefined) return value;
    throw new CreateError(
      'BAD_OPTION',
      `--venue: expected one of ${Object.keys(VENUES).join(', ')}, got "${value}"`,
    );
  }
  if (ADAPTER_VENUE.test(value)) return value;
  throw new CreateError(
    'BAD_OPTION',
    `--venue: an adapter's venue is 2-32 of lowercase letters, digits and "-", starting with a letter; got "${value}"`,
  );
}

/** Validates a comma-separated instrument list for a strategy venue. */
export function parseInstruments(venue: string, value: string): string[] {
  const preset = VENUES[venue];
  if (preset === undefined) throw new CreateError('BAD_OPTION', `--venue: unknown venue "${venue}"`);
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (ids.length === 0)
    throw new CreateError('BAD_OPTION', '--instruments: expected at least one instrument id');
  for (const [i, id] of ids.entries()) {
    if (!INSTRUMENT_ID.test(id)) {
      throw new CreateError(
        'BAD_OPTION',
        `--instruments[${i}]: "${id}" is not SYMBOL.EXCHANGE (e.g. ${preset.instruments[0]})`,
      );
    }
    const exchange = id.slice(id.lastIndexOf('.') + 1);
    if (!preset.exchanges.includes(exchange)) {
      throw new CreateError(
        'BAD_OPTION',
        `--instruments[${i}]: ${venue} trades ${preset.exchanges.join(', ')} instruments, not ${exchange} ("${id}")`,
      );
    }
  }
  return [...new Set(ids)];
}

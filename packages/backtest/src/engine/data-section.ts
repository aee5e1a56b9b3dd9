import { isAbsolute, resolve } from 'node:path';
import {
  type CanonicalEvent,
  type Instrument,
  InvalidArgumentError,
  MICROS_PER_DAY,
  microsFromDate,
  type UnixMicros,
} from '@quantkubera/core';
import { readWal } from '@quantkubera/core/wal';
import type { MarketDataEvent } from '@quantkubera/sdk';
import { z } from 'zod';
import { CSV_KINDS, readCsvMarketData } from '../data/index.js';
import { generateMarket, presetInstrument, SCENARIOS, type ScenarioName } from '../synthetic/index.js';

const DateText = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'expected a date (YYYY-MM-DD) or ISO-8601 time');

/**
 * The `data` section of a backtest descriptor: generated synthetic markets, CSV files, or a
 * recorded WAL.
 *
 * @example
 * ```yaml
 * data: { type: synthetic, scenario: normal-day, start: 2024-11-04, days: 5 }
 * data: { type: csv, path: ./data/ }          # trade.csv, quote.csv, tick.csv, bar.csv
 * data: { type: wal, path: ./runs/paper-session/wal }
 * ```
 */
export const DataSectionSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('synthetic'),
      /** One of the seed scenarios. */
      scenario: z.enum(Object.keys(SCENARIOS) as [ScenarioName, ...ScenarioName[]]).default('normal-day'),
      /** First day (UTC date, or an ISO time). */
      start: DateText,
      /** Days generated. */
      days: z.number().int().min(1).max(3_660).default(1),
      /** Also generate order book depth (L2). */
      depth: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      type: z.literal('csv'),
      /** A `<kind>.csv` file or a directory of them, relative to the descriptor. */
      path: z.string().min(1),
      /** The kind of a file not named after it. */
      kind: z.enum(CSV_KINDS).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('wal'),
      /** A recorded log's directory, relative to the descriptor. */
      path: z.string().min(1),
    })
    .strict(),
]);

/** A validated `data` section. */
export type DataSection = z.output<typeof DataSectionSchema>;

const MARKET_KINDS = new Set(['tick', 'trade', 'quote', 'depth', 'bar']);

/** Market data of a backtest, in time order, with its time window when known in advance. */
export interface MarketData {
  readonly events: Iterable<MarketDataEvent>;
  /** The window's start (the SimClock starts here). */
  readonly startUs: UnixMicros;
  /** The window's end, for progress; `undefined` when unknown until read. */
  readonly endUs: UnixMicros | undefined;
}

function* marketOnly(
  events: Iterable<CanonicalEvent>,
  ids: ReadonlySet<string>,
): IterableIterator<MarketDataEvent> {
  for (const e of events) {
    if (MARKET_KINDS.has(e.kind) && ids.has((e as MarketDataEvent).instrumentId)) yield e as MarketDataEvent;
  }
}

function* walKinds(dir: string, kinds: readonly CanonicalEvent['kind'][]): IterableIterator<CanonicalEvent> {
  const reader = readWal(dir, { kinds });
  try {
    for (let e = reader.next(); e !== undefined; e = reader.next()) yield e;
  } finally {
    reader.close();
  }
}

/**
 * A recorded log's market data: its raw ticks, trades, quotes and depth; or, in a log that has
 * none, its bars. (A live session's log also holds the bars the kernel built from the raw data:
 * replaying both would show the strategy every bar twice.)
 */
function walEvents(dir: string): Iterable<CanonicalEvent> {
  const raw = ['tick', 'trade', 'quote', 'depth'] as const;
  const hasRaw = !walKinds(dir, raw).next().done;
  return { [Symbol.iterator]: () => walKinds(dir, hasRaw ? raw : ['bar']) };
}

/** Peeks the first event of a stream without losing it. */
function withFirst<T>(events: Iterable<T>): { first: T | undefined; all: Iterable<T> } {
  const it = events[Symbol.iterator]();
  const head = it.next();
  if (head.done === true) return { first: undefined, all: [] };
  return {
    first: head.value,
    all: {
      *[Symbol.iterator]() {
        yield head.value;
        for (let r = it.next(); r.done !== true; r = it.next()) yield r.value;
      },
    },
  };
}

/** Opens the market data a `data` section describes, for these instruments. */
export function openMarketData(
  section: DataSection,
  instruments: readonly Instrument[],
  seed: number,
  baseDir: string,
): MarketData {
  const ids = new Set(instruments.map((i) => i.id));
  if (section.type === 'synthetic') {
    const startUs = microsFromDate(
      section.start.length === 10 ? `${section.start}T00:00:00Z` : section.start,
    );
    const endUs = startUs + section.days * MICROS_PER_DAY;
    const events = generateMarket(section.scenario, {
      seed,
      instruments: instruments.map((i) => ({
        ...presetInstrument(i.id),
        tickSize: i.tickSize,
        lotSize: i.lotSize,
      })),
      start: startUs,
      end: endUs,
      depth: section.depth,
    });
    return { events: marketOnly(events, ids), startUs, endUs };
  }
  const path = isAbsolute(section.path) ? section.path : resolve(baseDir, section.path);
  const source = section.type === 'csv' ? readCsvMarketData(path, section.kind) : walEvents(path);
  const { first, all } = withFirst(marketOnly(source, ids));
  if (first === undefined) {
    throw new InvalidArgumentError(
      `data ${section.type} ${path}`,
      section.path,
      `market data for ${[...ids].join(', ')}`,
    );
  }
  return { events: all, startUs: first.tsEvent, endUs: undefined };
}

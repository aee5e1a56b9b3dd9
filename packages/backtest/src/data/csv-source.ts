import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  type CanonicalEvent,
  type EventKind,
  InvalidArgumentError,
  microsFromDate,
  parseEventOf,
  ValidationError,
} from '@quantkubera/core';
import { mergeByTime } from './merge-by-time.js';

/** The market data kinds a CSV file can hold, named by the file (`trade.csv`, `quote.csv`, ...). */
export const CSV_KINDS = ['trade', 'quote', 'tick', 'bar'] as const;
/** A CSV market data kind. */
export type CsvKind = (typeof CSV_KINDS)[number];

type Converter = (row: Record<string, string>) => Record<string, unknown>;

const num = (v: string | undefined): number | undefined =>
  v === undefined || v === '' ? undefined : Number(v);

/** Epoch µs as an integer, or an ISO-8601 date (`2024-11-04T09:15:00+05:30`). */
function time(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  return /^\d+$/.test(v) ? Number(v) : microsFromDate(v);
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

// Columns are the canonical field names in snake_case, as `CsvDirectoryWriter` writes them.
// `ts_init` is optional (defaults to `ts_event`).
const CONVERTERS: Record<CsvKind, Converter> = {
  trade: (r) => ({
    instrumentId: r.instrument_id,
    price: num(r.price),
    size: num(r.size),
    aggressor: r.aggressor === undefined || r.aggressor === '' ? 'NONE' : r.aggressor,
    tradeId: r.trade_id,
  }),
  quote: (r) => ({
    instrumentId: r.instrument_id,
    bidPrice: num(r.bid_price),
    bidSize: num(r.bid_size),
    askPrice: num(r.ask_price),
    askSize: num(r.ask_size),
  }),
  tick: (r) =>
    defined({
      instrumentId: r.instrument_id,
      lastPrice: num(r.last_price),
      lastSize: num(r.last_size),
      volume: num(r.volume),
      bidPrice: num(r.bid_price),
      bidSize: num(r.bid_size),
      askPrice: num(r.ask_price),
      askSize: num(r.ask_size),
      openInterest: num(r.open_interest),
    }),
  bar: (r) => ({
    instrumentId: r.instrument_id,
    timeframe: r.timeframe,
    source: r.source === undefined || r.source === '' ? 'TRADE' : r.source,
    tsOpen: time(r.ts_open),
    open: num(r.open),
    high: num(r.high),
    low: num(r.low),
    close: num(r.close),
    volume: num(r.volume),
    count: num(r.count) ?? 0,
    revision: num(r.revision) ?? 0,
  }),
};

/** Splits one CSV line (RFC 4180 quoting; no line breaks inside fields). */
function splitLine(line: string, where: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0)
          throw new ValidationError(
            'CSV row',
            [{ path: [], pathString: '(root)', message: 'unterminated quote', code: 'syntax' }],
            { source: where },
          );
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      i++; // the comma
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** Lines of a file, read in 1 MiB chunks (files larger than memory are fine). */
function* readLines(path: string): IterableIterator<string> {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(1 << 20);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const text = rest + decoder.decode(buffer.subarray(0, n), { stream: true });
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (const l of lines) yield l.endsWith('\r') ? l.slice(0, -1) : l;
    }
    rest += decoder.decode();
    if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads one CSV file of one kind into validated canonical events, lazily. Every row is checked
 * against the event's schema: a bad row throws `ValidationError` naming `file:line` and the field.
 * Rows must be in time order (a row earlier than the one before is an error, not reordered).
 */
export function* readCsvEvents(path: string, kind: CsvKind): IterableIterator<CanonicalEvent> {
  const convert = CONVERTERS[kind];
  const name = basename(path);
  let header: string[] | undefined;
  let lineNo = 0;
  let lastTs = Number.NEGATIVE_INFINITY;
  for (const line of readLines(path)) {
    lineNo++;
    if (line.trim() === '') continue;
    const where = `${name}:${lineNo}`;
    const cells = splitLine(line, where);
    if (header === undefined) {
      header = cells.map((c) => c.trim());
      if (!header.includes('ts_event') || !header.includes('instrument_id')) {
        throw new ValidationError(
          `${kind} CSV header`,
          [
            {
              path: [],
              pathString: '(root)',
              message: 'needs ts_event and instrument_id columns',
              code: 'missing_column',
            },
          ],
          { source: where },
        );
      }
      continue;
    }
    if (cells.length !== header.length) {
      throw new ValidationError(
        `${kind} CSV row`,
        [
          {
            path: [],
            pathString: '(root)',
            message: `${cells.length} fields, header has ${header.length}`,
            code: 'field_count',
          },
        ],
        { source: where },
      );
    }
    const row: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) row[header[i]!] = cells[i]!;
    const tsEvent = time(row.ts_event);
    const event = parseEventOf(
      kind as EventKind,
      { kind, v: 1, tsEvent, tsInit: time(row.ts_init) ?? tsEvent, ...convert(row) },
      where,
    );
    if (event.tsEvent < lastTs) {
      throw new ValidationError(
        `${kind} CSV row`,
        [
          {
            path: ['tsEvent'],
            pathString: 'tsEvent',
            message: `out of time order (before the previous row's ${lastTs})`,
            code: 'order',
          },
        ],
        { source: where },
      );
    }
    lastTs = event.tsEvent;
    yield event;
  }
}

/**
 * Reads market data from a CSV file (named `trade.csv`, `quote.csv`, `tick.csv` or `bar.csv`,
 * or given `kind`) or a directory of them (as `CsvDirectoryWriter` writes), merged in time order.
 */
export function readCsvMarketData(path: string, kind?: CsvKind): IterableIterator<CanonicalEvent> {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch (cause) {
    throw new InvalidArgumentError('csv data path', path, 'an existing file or directory', { cause });
  }
  if (stat.isFile()) {
    const k = kind ?? (basename(path).replace(/\.csv$/, '') as CsvKind);
    if (!CSV_KINDS.includes(k))
      throw new InvalidArgumentError(
        'csv data kind',
        k,
        `one of ${CSV_KINDS.join(', ')} (name the file <kind>.csv or give kind)`,
      );
    return readCsvEvents(path, k);
  }
  const files = readdirSync(path)
    .filter((f) => CSV_KINDS.includes(f.replace(/\.csv$/, '') as CsvKind) && f.endsWith('.csv'))
    .sort();
  if (files.length === 0)
    throw new InvalidArgumentError(
      'csv data directory',
      path,
      `a directory with ${CSV_KINDS.map((k) => `${k}.csv`).join(', ')}`,
    );
  return mergeByTime(
    files.map((f) => ({
      [Symbol.iterator]: () => readCsvEvents(join(path, f), f.replace(/\.csv$/, '') as CsvKind),
    })),
  );
}

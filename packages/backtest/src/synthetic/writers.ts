import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type CanonicalEvent, eventCodec } from '@quantkubera/core';

/**
 * Anything events can be appended to: the file writers here, a `WalWriter`, an array's wrapper.
 * The return value is ignored (a WAL may return a sequence number or a promise).
 */
export interface EventSink {
  /** Appends one event. */
  append(event: CanonicalEvent): unknown;
}

/** Appends every event to every sink, in order; returns how many events there were. */
export function pipeToSinks(events: Iterable<CanonicalEvent>, sinks: readonly EventSink[]): number {
  let count = 0;
  for (const event of events) {
    for (const sink of sinks) sink.append(event);
    count++;
  }
  return count;
}

/**
 * Writes canonical binary frames (the `eventCodec` format: self-delimiting, versioned, checked)
 * back to back into one file, encoding into a large buffer that is written in chunks. Read it
 * back with `eventCodec.frameLength` and `eventCodec.decode`.
 *
 * @example
 * ```ts
 * const out = new BinaryFrameFileWriter('day.qkf');
 * pipeToSinks(generateMarket('normal-day', options), [out]);
 * out.close();
 * ```
 */
export class BinaryFrameFileWriter implements EventSink {
  /** The file path. */
  readonly path: string;
  private readonly fd: number;
  private readonly buffer: Uint8Array;
  private used = 0;
  private written = 0;
  private frames = 0;
  private closed = false;

  /** Creates (truncates) the file; frames are gathered in a `bufferBytes` buffer (default 1 MiB, at least 4 KiB). */
  constructor(path: string, bufferBytes = 1 << 20) {
    this.path = path;
    this.buffer = new Uint8Array(Math.max(bufferBytes, 4_096));
    this.fd = openSync(path, 'w');
  }

  /** Bytes written to the file so far (buffered bytes excluded). */
  get bytesWritten(): number {
    return this.written;
  }

  /** Frames appended. */
  get count(): number {
    return this.frames;
  }

  /** Encodes one event; throws `EncodeError` if it cannot be encoded. */
  append(event: CanonicalEvent): void {
    let n = eventCodec.encodeInto(event, this.buffer, this.used);
    if (n < 0) {
      this.flush();
      n = eventCodec.encodeInto(event, this.buffer, 0);
      if (n < 0) {
        // Bigger than the whole buffer (a deep book): encode on its own and write it through.
        this.writeAll(eventCodec.encode(event));
        this.frames++;
        return;
      }
    }
    this.used += n;
    this.frames++;
  }

  /** Writes the buffered frames to the file. */
  flush(): void {
    this.writeAll(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private writeAll(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    this.written += bytes.length;
  }

  /** Flushes and closes the file; later calls do nothing. */
  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }
}

const CSV_HEADERS = {
  trade: 'ts_event,ts_init,instrument_id,price,size,aggressor,trade_id',
  quote: 'ts_event,ts_init,instrument_id,bid_price,bid_size,ask_price,ask_size',
  depth: 'ts_event,ts_init,instrument_id,snapshot,sequence,side,level,price,size,orders',
  tick: 'ts_event,ts_init,instrument_id,last_price,last_size,volume,bid_price,bid_size,ask_price,ask_size,open_interest',
  bar: 'ts_event,ts_init,instrument_id,timeframe,source,ts_open,open,high,low,close,volume,count,revision',
} as const;

type CsvKind = keyof typeof CSV_HEADERS;

/** Quotes a CSV field when it holds a comma, a quote or a line break (RFC 4180). */
function field(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Writes events as CSV, one file per kind in a directory (`trade.csv`, `quote.csv`,
 * `depth.csv` with one row per level, `tick.csv`, `bar.csv`) and every other kind as JSON lines
 * in `other.jsonl`. Times are epoch µs. Rows are buffered and written in chunks.
 */
export class CsvDirectoryWriter implements EventSink {
  /** The output directory. */
  readonly directory: string;
  private readonly files = new Map<string, { fd: number; chunk: string[]; size: number; rows: number }>();
  private closed = false;

  /** Creates the directory if needed; files are created (truncated) on first use. */
  constructor(directory: string) {
    this.directory = directory;
    mkdirSync(directory, { recursive: true });
  }

  /** Rows written per file name. */
  get rows(): Record<string, number> {
    return Object.fromEntries([...this.files].map(([name, f]) => [name, f.rows]));
  }

  /** Appends one event as CSV row(s). */
  append(event: CanonicalEvent): void {
    const head = `${event.tsEvent},${event.tsInit},${field('instrumentId' in event ? event.instrumentId : undefined)}`;
    switch (event.kind) {
      case 'trade':
        this.row('trade', `${head},${event.price},${event.size},${event.aggressor},${field(event.tradeId)}`);
        return;
      case 'quote':
        this.row('quote', `${head},${event.bidPrice},${event.bidSize},${event.askPrice},${event.askSize}`);
        return;
      case 'depth':
        for (const [side, levels] of [
          ['BID', event.bids],
          ['ASK', event.asks],
        ] as const) {
          levels.forEach((l, i) => {
            this.row(
              'depth',
              `${head},${event.snapshot},${event.sequence},${side},${i},${l.price},${l.size},${l.orders}`,
            );
          });
        }
        return;
      case 'tick':
        this.row(
          'tick',
          [
            head,
            event.lastPrice,
            event.lastSize,
            event.volume,
            event.bidPrice,
            event.bidSize,
            event.askPrice,
            event.askSize,
            event.openInterest,
          ]
            .map((v, i) => (i === 0 ? v : field(v)))
            .join(','),
        );
        return;
      case 'bar':
        this.row(
          'bar',
          `${head},${field(event.timeframe)},${event.source},${event.tsOpen},${event.open},${event.high},${event.low},${event.close},${event.volume},${event.count},${event.revision}`,
        );
        return;
      default:
        this.write('other.jsonl', undefined, JSON.stringify(event));
    }
  }

  /** Writes buffered rows of every file. */
  flush(): void {
    for (const f of this.files.values()) this.drain(f);
  }

  /** Flushes and closes every file; later calls do nothing. */
  close(): void {
    if (this.closed) return;
    this.flush();
    for (const f of this.files.values()) closeSync(f.fd);
    this.closed = true;
  }

  private row(kind: CsvKind, line: string): void {
    this.write(`${kind}.csv`, CSV_HEADERS[kind], line);
  }

  private write(name: string, header: string | undefined, line: string): void {
    let f = this.files.get(name);
    if (f === undefined) {
      f = {
        fd: openSync(join(this.directory, name), 'w'),
        chunk: header === undefined ? [] : [header],
        size: 0,
        rows: 0,
      };
      this.files.set(name, f);
    }
    f.chunk.push(line);
    f.size += line.length + 1;
    f.rows++;
    if (f.size >= 1 << 20) this.drain(f);
  }

  private drain(f: { fd: number; chunk: string[]; size: number }): void {
    if (f.chunk.length === 0) return;
    writeSync(f.fd, `${f.chunk.join('\n')}\n`);
    f.chunk = [];
    f.size = 0;
  }
}

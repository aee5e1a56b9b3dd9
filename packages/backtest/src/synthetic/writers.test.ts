import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CanonicalEvent, eventCodec } from '@quantkubera/core';
import { afterAll, describe, expect, it } from 'vitest';
import { main, parseArgs } from './cli.js';
import { nseEquity } from './instruments.js';
import { generateMarket } from './market-generator.js';
import { BinaryFrameFileWriter, CsvDirectoryWriter, pipeToSinks } from './writers.js';

const dir = mkdtempSync(join(tmpdir(), 'qk-synthetic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const window = { start: '2024-11-04T04:25:00Z', end: '2024-11-04T04:35:00Z' }; // 09:55–10:05 IST

describe('synthetic market CLI and writers', () => {
  it('writes CSV and binary frames that decode back to the generated events, and feeds extra sinks', () => {
    const out = join(dir, 'news');
    const lines: string[] = [];
    const extra: CanonicalEvent[] = [];
    const code = main(
      [
        '--scenario',
        'news-spike',
        '--seed',
        '7',
        '--instruments',
        'RELIANCE.NSE',
        '--start',
        window.start,
        `--end=${window.end}`,
        '--out',
        out,
      ],
      { out: (l) => lines.push(l), err: (l) => lines.push(l) },
      [{ append: (e) => extra.push(e) }],
    );
    expect(code).toBe(0);
    const expected = [...generateMarket('news-spike', { seed: 7, instruments: [nseEquity()], ...window })];
    expect(lines[0]).toMatch(new RegExp(`^news-spike: ${expected.length} events for RELIANCE.NSE`));
    expect(extra.length).toBe(expected.length);
    const bytes = new Uint8Array(readFileSync(join(out, 'events.qkf')));
    const decoded = [...eventCodec.decodeAll(bytes)];
    expect(decoded.length).toBe(expected.length);
    // The file is exactly the events' frames; decoding gives the events back (key order aside).
    expect(Buffer.from(bytes).equals(Buffer.concat(expected.map((e) => eventCodec.encode(e))))).toBe(true);
    for (let k = 0; k < expected.length; k += 41) expect(decoded[k]).toEqual(expected[k]);
    const trades = readFileSync(join(out, 'trade.csv'), 'utf8').trimEnd().split('\n');
    expect(trades[0]).toBe('ts_event,ts_init,instrument_id,price,size,aggressor,trade_id');
    expect(trades.length - 1).toBe(expected.filter((e) => e.kind === 'trade').length);
    const firstTrade = expected.find((e) => e.kind === 'trade')!;
    expect(trades[1]).toBe(
      firstTrade.kind === 'trade'
        ? `${firstTrade.tsEvent},${firstTrade.tsInit},RELIANCE.NSE,${firstTrade.price},${firstTrade.size},${firstTrade.aggressor},${firstTrade.tradeId}`
        : '',
    );
    const depthRows = readFileSync(join(out, 'depth.csv'), 'utf8').trimEnd().split('\n').length - 1;
    expect(depthRows).toBe(
      expected.reduce((a, e) => a + (e.kind === 'depth' ? e.bids.length + e.asks.length : 0), 0),
    );
  });

  it('chunks large outputs through a small buffer and quotes CSV fields that need it', () => {
    const path = join(dir, 'small.qkf');
    const events = [...generateMarket('normal-day', { seed: 3, instruments: [nseEquity()], ...window })];
    const writer = new BinaryFrameFileWriter(path, 4_096);
    const csv = new CsvDirectoryWriter(join(dir, 'csv'));
    expect(pipeToSinks(events, [writer, csv])).toBe(events.length);
    csv.append({
      kind: 'health',
      v: 1,
      tsEvent: 1,
      tsInit: 2,
      component: 'x',
      status: 'UP',
      code: 'HEARTBEAT',
      message: 'a,"b"',
    });
    csv.append({
      kind: 'bar',
      v: 1,
      tsEvent: 60,
      tsInit: 61,
      instrumentId: 'M&M,X.NSE',
      timeframe: '1m',
      source: 'TRADE',
      tsOpen: 0,
      open: 1,
      high: 2,
      low: 0.5,
      close: 1.5,
      volume: 10,
      count: 3,
      revision: 1,
    });
    writer.close();
    writer.close();
    csv.close();
    expect(writer.count).toBe(events.length);
    expect(writer.bytesWritten).toBeGreaterThan(4_096 * 4);
    const decoded = [...eventCodec.decodeAll(new Uint8Array(readFileSync(path)))];
    expect(decoded.length).toBe(events.length);
    expect(readFileSync(join(dir, 'csv', 'bar.csv'), 'utf8').split('\n')[1]).toBe(
      '60,61,"M&M,X.NSE",1m,TRADE,0,1,2,0.5,1.5,10,3,1',
    );
    expect(JSON.parse(readFileSync(join(dir, 'csv', 'other.jsonl'), 'utf8').trim()).message).toBe('a,"b"');
    expect(csv.rows['quote.csv']).toBe(events.filter((e) => e.kind === 'quote').length);
  });

  it('parses arguments and reports usage errors with exit code 2', () => {
    const err: string[] = [];
    const io = { out: (l: string) => err.push(l), err: (l: string) => err.push(l) };
    expect(main(['--help'], io)).toBe(0);
    expect(err[0]).toMatch(/^Usage: synthetic-market/);
    expect(main(['--scenario', 'crash'], io)).toBe(2);
    expect(err.at(-1)).toMatch(/--scenario must be one of normal-day, pre-open-burst, news-spike/);
    expect(main(['--bogus'], io)).toBe(2);
    expect(main(['--seed'], io)).toBe(2);
    expect(main(['--start', 'soon'], io)).toBe(2);
    expect(main(['--format', 'xml'], io)).toBe(2);
    expect(main(['--instruments', 'GOLD.MCX', '--out', join(dir, 'mcx'), '--format', 'bin'], io)).toBe(2);
    expect(err.at(-1)).toMatch(/synthetic instrument/);
    expect(parseArgs(['--seed', 'abc', '--no-depth', '--format', 'csv'])).toMatchObject({
      seed: 'abc',
      depth: false,
      csv: true,
      binary: false,
      scenario: 'normal-day',
      end: '2024-11-05T00:00:00.000Z',
    });
    expect(parseArgs(['--seed', '12'])).toMatchObject({ seed: 12 });
  });
});

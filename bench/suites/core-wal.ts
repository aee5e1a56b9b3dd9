import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type CanonicalEvent, eventCodec } from '@quantkubera/core';
import { readWal, WalWriter } from '@quantkubera/core/wal';
import * as hdr from 'hdr-histogram-js';
import { sampleQuotes } from '../fixtures.js';
import { type BenchResult, type BenchSuite, consume, measureThroughput, median } from '../harness.js';

const COUNT = 10_000;
const APPENDS = 1_000_000;
const BATCH = 10_000;
const REPS = 5;
const T0 = 1_732_000_000_000_000;
const RUN = { configHash: 'sha256:bench', seed: 1, createdUs: T0 };

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Appends APPENDS events with `interval` durability (group commit every 10 ms on a LiveClock),
 * yielding to the event loop every BATCH appends as a live session does, and waits until all
 * of them are durable. Returns events/s over the whole run, fsyncs included.
 */
async function appendRun(root: string, events: readonly CanonicalEvent[], rep: number): Promise<number> {
  const dir = join(root, `append-${rep}`);
  const writer = WalWriter.open({ dir, run: RUN, durability: 'interval', groupCommitMs: 10 });
  const start = performance.now();
  for (let i = 0; i < APPENDS; ) {
    const end = Math.min(i + BATCH, APPENDS);
    for (; i < end; i++) writer.append(events[i % COUNT]!);
    await yieldToLoop();
  }
  await writer.flush();
  const seconds = (performance.now() - start) / 1_000;
  writer.close();
  rmSync(dir, { recursive: true, force: true });
  return APPENDS / seconds;
}

/** The same loop encoding into a buffer that is never written: what the WAL adds on top of the codec. */
async function encodeRun(events: readonly CanonicalEvent[]): Promise<number> {
  const buffer = new Uint8Array(1 << 20);
  let at = 0;
  const start = performance.now();
  for (let i = 0; i < APPENDS; ) {
    const end = Math.min(i + BATCH, APPENDS);
    for (; i < end; i++) {
      const n = eventCodec.encodeInto(events[i % COUNT]!, buffer, at);
      at = at + n + 128 > buffer.length ? 0 : at + n;
    }
    await yieldToLoop();
  }
  consume(at);
  return APPENDS / ((performance.now() - start) / 1_000);
}

/** Per-append latency under `interval` durability, in µs (includes the occasional buffer write). */
function appendLatencies(root: string, events: readonly CanonicalEvent[]): hdr.Histogram {
  const dir = join(root, 'latency');
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const writer = WalWriter.open({ dir, run: RUN, durability: 'interval', groupCommitMs: 10 });
  for (let i = 0; i < 200_000; i++) {
    const t = performance.now();
    writer.append(events[i % COUNT]!);
    // Nanoseconds, so sub-microsecond appends stay distinguishable.
    histogram.recordValue(Math.max(1, Math.round((performance.now() - t) * 1e6)));
  }
  writer.close();
  rmSync(dir, { recursive: true, force: true });
  return histogram;
}

function spread(samples: readonly number[]): number {
  const m = median(samples);
  return m === 0 ? 0 : (Math.max(...samples) - Math.min(...samples)) / m;
}

/**
 * WAL append throughput with `interval` durability against bare codec encoding, and replay
 * throughput (CRC-32C check, sequence check and decode of every record) against bare decoding,
 * for ~100-byte quote records. Logs go to the OS temp directory and are deleted.
 */
export const walSuite: BenchSuite = {
  name: 'core-wal',
  run: async () => {
    const events = sampleQuotes(COUNT);
    const root = mkdtempSync(join(tmpdir(), 'qk-bench-wal-'));
    try {
      const appendRates: number[] = [];
      const encodeRates: number[] = [];
      await appendRun(root, events, -1); // warm-up
      for (let rep = 0; rep < REPS; rep++) {
        appendRates.push(await appendRun(root, events, rep));
        encodeRates.push(await encodeRun(events));
      }
      const latency = appendLatencies(root, events);

      // A recorded log for replay, and the same frames in memory for the decode baseline.
      const logDir = join(root, 'replay');
      const writer = WalWriter.open({ dir: logDir, run: RUN, durability: 'none' });
      for (let i = 0; i < APPENDS; i++) writer.append(events[i % COUNT]!);
      writer.close();
      const recordBytes = writer.stats.bytes / APPENDS;
      const frames = new Uint8Array(COUNT * 128);
      const offsets = new Int32Array(COUNT);
      let end = 0;
      for (let i = 0; i < COUNT; i++) {
        offsets[i] = end;
        end += eventCodec.encodeInto(events[i]!, frames, end);
      }
      let sum = 0;
      const handler = (e: CanonicalEvent): void => {
        sum += e.tsEvent;
      };
      const decodeRepeat = APPENDS / COUNT;
      const replay = measureThroughput(
        {
          replay: { ops: APPENDS, run: () => consume(readWal(logDir).forEach(handler)) },
          decode: {
            ops: APPENDS,
            run: () => {
              for (let k = 0; k < decodeRepeat; k++) {
                for (let i = 0; i < COUNT; i++) handler(eventCodec.decodeUnchecked(frames, offsets[i]!));
              }
            },
          },
        },
        { reps: REPS, warmup: 2 },
      );
      const asyncRates: number[] = [];
      for (let rep = 0; rep < 3; rep++) {
        const start = performance.now();
        for await (const e of readWal(logDir)) handler(e);
        asyncRates.push(APPENDS / ((performance.now() - start) / 1_000));
      }
      consume(sum);

      const append = median(appendRates);
      const encode = median(encodeRates);
      return [
        {
          name: 'wal.append.quote.interval',
          value: append,
          unit: 'events/s',
          target: 2_000_000,
          ratio: append / encode,
          baseline: 'codec.encodeInto alone',
          spread: spread(appendRates),
        },
        {
          name: 'wal.replay.quote',
          value: replay.replay!.median,
          unit: 'events/s',
          target: 5_000_000,
          ratio: replay.replay!.median / replay.decode!.median,
          baseline: 'codec.decodeUnchecked alone',
          spread: replay.replay!.spread,
        },
        {
          name: 'wal.replay.quote.async-iterator',
          value: median(asyncRates),
          unit: 'events/s',
          spread: spread(asyncRates),
        },
        {
          name: 'wal.append.latency.p50',
          value: latency.getValueAtPercentile(50) / 1_000,
          unit: 'µs',
          lowerIsBetter: true,
        },
        {
          name: 'wal.append.latency.p99',
          value: latency.getValueAtPercentile(99) / 1_000,
          unit: 'µs',
          lowerIsBetter: true,
        },
        {
          name: 'wal.append.latency.p99.9',
          value: latency.getValueAtPercentile(99.9) / 1_000,
          unit: 'µs',
          lowerIsBetter: true,
        },
        { name: 'wal.record-bytes.quote', value: recordBytes, unit: 'bytes/event' },
      ] satisfies BenchResult[];
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type CanonicalEvent, InvalidArgumentError, type OrderIntent } from '@quantkubera/core';
import { readRunManifest, readWal } from '@quantkubera/core/wal';
import { type LoadedDescriptor, loadDescriptor, type ReplayReport } from '@quantkubera/sdk';
import { runBacktest } from './run-backtest.js';

function readKinds(
  dir: string,
  kinds: readonly CanonicalEvent['kind'][],
  limit = Number.POSITIVE_INFINITY,
): CanonicalEvent[] {
  const reader = readWal(dir, { kinds });
  const out: CanonicalEvent[] = [];
  try {
    for (let e = reader.next(); e !== undefined && out.length < limit; e = reader.next()) out.push(e);
  } finally {
    reader.close();
  }
  return out;
}

/** The parts of an intent that are the decision (times are the clock's, and differ live vs replay). */
function decision(intent: OrderIntent, withTimes: boolean): string {
  const { tsInit, tsEvent, ...rest } = intent;
  return JSON.stringify(withTimes ? { tsEvent, tsInit, ...rest } : rest);
}

/**
 * Re-runs a recorded run from its WAL and compares the orders. A log that holds market data (a
 * paper or live session records everything) is replayed as the backtest's data; a backtest's log
 * holds only decisions, so its descriptor's data is regenerated from the same seed. The
 * descriptor is the one named in the log's manifest.
 */
export async function replayRun(walDir: string): Promise<ReplayReport> {
  const dir = resolve(walDir);
  const manifest = readRunManifest(dir);
  const descriptorPath = manifest?.labels?.descriptor;
  if (manifest === undefined || descriptorPath === undefined) {
    throw new InvalidArgumentError('replay WAL', dir, 'a run log whose manifest names its descriptor');
  }
  if (!existsSync(descriptorPath))
    throw new InvalidArgumentError('replay descriptor', descriptorPath, 'the run descriptor, still on disk');
  const loaded = await loadDescriptor(descriptorPath);
  const recorded = readKinds(dir, ['orderIntent']) as OrderIntent[];
  // A backtest's log holds decisions (and the bars it built), not its input: regenerate that.
  const hasMarketData =
    manifest.labels?.mode !== 'backtest' &&
    readKinds(dir, ['tick', 'trade', 'quote', 'depth', 'bar'], 1).length > 0;
  const replayed: LoadedDescriptor = hasMarketData
    ? { ...loaded, descriptor: { ...loaded.descriptor, data: { type: 'wal', path: dir } } }
    : loaded;
  const out = mkdtempSync(join(tmpdir(), 'qk-replay-'));
  try {
    const seed = typeof manifest.seed === 'number' ? manifest.seed : loaded.descriptor.seed;
    const summary = await runBacktest(replayed, { seed, resultsDir: out });
    const produced = readKinds(join(summary.resultsDir, loaded.descriptor.wal.path), [
      'orderIntent',
    ]) as OrderIntent[];
    const withTimes = !hasMarketData;
    const n = Math.max(recorded.length, produced.length);
    for (let i = 0; i < n; i++) {
      const a = recorded[i];
      const b = produced[i];
      if (a === undefined || b === undefined || decision(a, withTimes) !== decision(b, withTimes)) {
        return {
          recordedIntents: recorded.length,
          replayedIntents: produced.length,
          identical: false,
          firstDifference: `order #${i + 1}: recorded ${a === undefined ? 'nothing' : decision(a, withTimes)}, replayed ${b === undefined ? 'nothing' : decision(b, withTimes)}`,
        };
      }
    }
    return { recordedIntents: recorded.length, replayedIntents: produced.length, identical: true };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

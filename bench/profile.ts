/**
 * `npm run profile -- <bench> [--out <dir>] [--heap-interval <bytes>]`: runs one benchmark suite
 * under V8's CPU profiler and sampling heap profiler (through the inspector, in this process) and
 * writes, under `bench/profiles/<suite>-<time>/`:
 *
 * - `cpu.cpuprofile`: open in Chrome DevTools (Performance) or https://www.speedscope.app;
 * - `cpu.folded`: collapsed stacks for flamegraph.pl / inferno-flamegraph / speedscope;
 * - `heap.heapprofile`: the allocation profile, open in Chrome DevTools (Memory);
 * - `summary.txt`: top self-time functions and top allocation sites, also printed.
 *
 * The heap sampler keeps objects the GC already collected, so short-lived per-event garbage shows
 * up (a default heap profile shows only what is still alive when it stops).
 *
 * `npm run profile -- --alloc` instead runs bench/alloc-probe.ts, which counts the exact bytes the
 * bus dispatch and the backtester allocate per event.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CpuProfile,
  collapseCpuProfile,
  formatTop,
  type HeapProfile,
  topAllocationSites,
  topSelfTime,
  totalAllocated,
} from './profile-format.js';
import { runSuites, SUITES, table } from './run.js';

interface Args {
  readonly bench: string | undefined;
  readonly out: string | undefined;
  readonly heapInterval: number;
  readonly alloc: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let bench: string | undefined;
  let out: string | undefined;
  let heapInterval = 4096;
  let alloc = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--alloc') alloc = true;
    else if (a === '--out') out = argv[++i];
    else if (a === '--heap-interval') heapInterval = Number(argv[++i]);
    else if (bench === undefined) bench = a;
    else throw new Error(`profile: one benchmark at a time (got ${bench} and ${a})`);
  }
  if (!Number.isInteger(heapInterval) || heapInterval <= 0) {
    throw new Error('profile: --heap-interval needs a positive whole number of bytes');
  }
  return { bench, out, heapInterval, alloc };
}

/** The sampler's parameters; the two "collected" flags exist in V8 but not in @types/node 20. */
interface SamplingParameters {
  samplingInterval: number;
  includeObjectsCollectedByMajorGC: boolean;
  includeObjectsCollectedByMinorGC: boolean;
}

function allocProbe(): void {
  const probe = fileURLToPath(new URL('./alloc-probe.ts', import.meta.url));
  // A young generation large enough that the measured windows complete without a scavenge.
  const child = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--min-semi-space-size=64',
      '--max-semi-space-size=64',
      '--conditions=@quantkubera/source',
      '--import',
      'tsx',
      probe,
    ],
    { stdio: 'inherit', cwd: fileURLToPath(new URL('..', import.meta.url)) },
  );
  process.exitCode = child.status ?? 1;
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  if (args.alloc) {
    allocProbe();
    return;
  }
  const names = SUITES.map((s) => s.name);
  const suite =
    SUITES.find((s) => s.name === args.bench) ??
    (args.bench === undefined ? undefined : SUITES.find((s) => s.name.includes(args.bench!)));
  if (suite === undefined) {
    console.error(`usage: npm run profile -- <bench> | --alloc\nbenchmarks: ${names.join(', ')}`);
    process.exit(2);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = resolve(
    args.out ?? fileURLToPath(new URL(`./profiles/${suite.name}-${stamp}`, import.meta.url)),
  );
  mkdirSync(dir, { recursive: true });

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('HeapProfiler.enable');
  const sampling: SamplingParameters = {
    samplingInterval: args.heapInterval,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  };
  await session.post('HeapProfiler.startSampling', sampling);
  await session.post('Profiler.start');
  const report = await runSuites([suite]);
  const { profile: cpu } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  const { profile: heap } = (await session.post('HeapProfiler.stopSampling')) as { profile: HeapProfile };
  session.disconnect();

  writeFileSync(join(dir, 'cpu.cpuprofile'), JSON.stringify(cpu));
  writeFileSync(join(dir, 'cpu.folded'), collapseCpuProfile(cpu as CpuProfile));
  writeFileSync(join(dir, 'heap.heapprofile'), JSON.stringify(heap));
  const summary = [
    `profile of ${suite.name} (${((cpu.endTime - cpu.startTime) / 1e6).toFixed(1)} s, node ${process.version})`,
    '',
    formatTop('top self time:', 'ms', topSelfTime(cpu, 25)),
    '',
    `allocated (sampled every ~${args.heapInterval} B, collected objects included): ${(totalAllocated(heap) / 1e6).toFixed(1)} MB`,
    formatTop('top allocation sites (frame ← caller):', 'B', topAllocationSites(heap, 25)),
  ].join('\n');
  writeFileSync(join(dir, 'summary.txt'), `${summary}\n`);
  console.log(table(report.results));
  console.log(`\n${summary}\n\nwrote ${dir}/{cpu.cpuprofile,cpu.folded,heap.heapprofile,summary.txt}`);
}

await main();

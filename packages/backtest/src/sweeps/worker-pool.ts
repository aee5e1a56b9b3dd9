import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError } from '@quantkubera/core';
import { type DescriptorTrialJob, runDescriptorTrial } from './descriptor-trial.js';
import type { Trial, TrialEvaluator, TrialOutcome } from './sweep-runner.js';

/** The URL of tsx's ESM register API (its CommonJS twin registers hooks that resolve wrongly). */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = require(pkgPath) as { exports: Record<string, { import: { default: string } }> };
  return new URL(pkg.exports['./esm/api']!.import.default, pathToFileURL(pkgPath)).href;
}

/** Starts one sweep worker thread, from source (through tsx) or from the built `.js`. */
function spawnWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './sweep-worker.ts' : './sweep-worker.js', import.meta.url);
  if (!fromSource) return new Worker(entry);
  // In the workspace the package runs from TypeScript source: the worker registers tsx's loader
  // first and resolves packages through the source condition, as the parent does.
  const tsx = tsxEsmApi();
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, execArgv: ['--conditions=@quantkubera/source'] });
}

interface Slot {
  readonly worker: Worker;
  busy: boolean;
}

/**
 * Fans descriptor backtests out over `worker_threads`. Each worker runs one trial at a time;
 * outcomes return in trial order. With `size` 0 the trials run in this thread, one by one.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool(2, (t) => ({ descriptorPath, strategy: 0, params: t.params, runName: `trial-${t.index}`, resultsDir }));
 * try { await runSweep(spec, pool); } finally { await pool.close(); }
 * ```
 */
export class WorkerPool implements TrialEvaluator {
  private readonly slots: Slot[] = [];
  private nextId = 0;

  constructor(
    readonly size: number,
    private readonly jobFor: (trial: Trial) => DescriptorTrialJob,
  ) {
    if (!Number.isInteger(size) || size < 0 || size > 256) {
      throw new InvalidArgumentError('WorkerPool size', size, 'an integer 0..256');
    }
  }

  /** Runs the trials on the workers; resolves with outcomes in the order of `trials`. */
  async evaluate(
    trials: readonly Trial[],
    onDone?: (trial: Trial, outcome: TrialOutcome) => void,
  ): Promise<TrialOutcome[]> {
    const outcomes = new Array<TrialOutcome>(trials.length);
    if (this.size === 0) {
      for (const [i, t] of trials.entries()) {
        outcomes[i] = await runDescriptorTrial(this.jobFor(t)).catch((e: unknown) => ({
          metrics: {},
          error: e instanceof Error ? e.message : String(e),
        }));
        onDone?.(t, outcomes[i]!);
      }
      return outcomes;
    }
    while (this.slots.length < Math.min(this.size, trials.length)) {
      this.slots.push({ worker: spawnWorker(), busy: false });
    }
    let next = 0;
    await new Promise<void>((resolveAll) => {
      let finished = 0;
      if (trials.length === 0) resolveAll();
      const dispatch = (slot: Slot) => {
        if (next >= trials.length) return;
        const i = next++;
        const trial = trials[i]!;
        const id = this.nextId++;
        slot.busy = true;
        const settle = (outcome: TrialOutcome) => {
          slot.worker.off('message', onMessage);
          slot.worker.off('error', onError);
          slot.busy = false;
          outcomes[i] = outcome;
          onDone?.(trial, outcome);
          if (++finished === trials.length) resolveAll();
          else dispatch(slot);
        };
        const onMessage = (m: { id: number; outcome: TrialOutcome }) => {
          if (m.id === id) settle(m.outcome);
        };
        const onError = (error: Error) => {
          // A crashed worker is replaced; the trial it was running is reported as failed.
          const index = this.slots.indexOf(slot);
          const fresh: Slot = { worker: spawnWorker(), busy: false };
          if (index >= 0) this.slots[index] = fresh;
          slot.worker.off('message', onMessage);
          slot.busy = false;
          outcomes[i] = { metrics: {}, error: `worker crashed: ${error.message}` };
          onDone?.(trial, outcomes[i]!);
          if (++finished === trials.length) resolveAll();
          else dispatch(fresh);
        };
        slot.worker.on('message', onMessage);
        slot.worker.once('error', onError);
        slot.worker.postMessage({ id, job: this.jobFor(trial) });
      };
      for (const slot of this.slots) dispatch(slot);
    });
    return outcomes;
  }

  /** Terminates the workers. */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

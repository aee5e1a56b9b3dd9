/**
 * The worker-thread entry of {@link WorkerPool}: receives descriptor trial jobs, runs each
 * backtest and posts the outcome back. Not part of the public API.
 */
import { parentPort } from 'node:worker_threads';
import { type DescriptorTrialJob, runDescriptorTrial } from './descriptor-trial.js';

const port = parentPort;
if (port !== null) {
  port.on('message', (message: { id: number; job: DescriptorTrialJob }) => {
    runDescriptorTrial(message.job).then(
      (outcome) => port.postMessage({ id: message.id, outcome }),
      (error: unknown) =>
        port.postMessage({
          id: message.id,
          outcome: { metrics: {}, error: error instanceof Error ? error.message : String(error) },
        }),
    );
  });
}

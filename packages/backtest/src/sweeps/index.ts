export { type DescriptorTrialJob, runDescriptorTrial, trialDescriptor } from './descriptor-trial.js';
export {
  gridTrials,
  gridValues,
  type ParamSet,
  type ParamValue,
  randomTrials,
  type ScoredTrial,
  sampleDomain,
  TpeSampler,
} from './samplers.js';
export {
  type DescriptorSweepOptions,
  sweepDescriptor,
  type WalkForwardDescriptorOptions,
  walkForwardDescriptor,
} from './sweep-descriptor.js';
export { readSweepSpec, sweepFiles } from './sweep-file.js';
export {
  functionEvaluator,
  runSweep,
  type SweepProgress,
  type SweepResult,
  scoreTrial,
  type Trial,
  type TrialEvaluator,
  type TrialOutcome,
  type TrialResult,
} from './sweep-runner.js';
export {
  type ParamDomain,
  ParamDomainSchema,
  parseSweepSpec,
  SweepConstraintSchema,
  type SweepSpec,
  type SweepSpecInput,
  SweepSpecSchema,
} from './sweep-spec.js';
export {
  type OutOfSampleRun,
  type SplitOptions,
  stitchEquity,
  type WalkForwardResult,
  type WalkForwardRunner,
  type WalkForwardStep,
  type WalkForwardWindow,
  walkForward,
  walkForwardSplits,
} from './walk-forward.js';
export { WorkerPool } from './worker-pool.js';

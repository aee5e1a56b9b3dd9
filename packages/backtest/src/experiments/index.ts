export {
  appendExperiment,
  codeVersion,
  EXPERIMENTS_FILE,
  type ExperimentRecord,
  readExperiments,
  recordedNow,
} from './experiment-store.js';
export { compareRuns, formatRuns, type RunsQuery } from './runs-table.js';

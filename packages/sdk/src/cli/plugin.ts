import type { LoadedDescriptor } from '../descriptor/load-descriptor.js';
import type { LatencySummary } from '../kernel/latency-tracker.js';

/** Progress of a long run, for a progress bar. */
export interface RunProgress {
  /** Fraction done, 0..1, when the total is known. */
  readonly fraction: number;
  /** Market events processed so far. */
  readonly events: number;
}

/** Options the CLI passes to a backtest. */
export interface BacktestRunOptions {
  /** Overrides the descriptor's seed. */
  readonly seed?: number;
  /** Overrides the descriptor's results directory. */
  readonly resultsDir?: string;
  /** Called now and then with progress. */
  readonly onProgress?: (progress: RunProgress) => void;
  /** Record the run in `<results.dir>/experiments.jsonl` (default true; sweeps record their own). */
  readonly track?: boolean;
}

/** The headline figures of a finished backtest. */
export interface BacktestSummary {
  readonly name: string;
  readonly seed: number;
  /** Market events replayed. */
  readonly events: number;
  /** Wall-clock seconds the run took. */
  readonly elapsedSeconds: number;
  /** Round trips closed (entry and exit). */
  readonly trades: number;
  /** Fills. */
  readonly fills: number;
  readonly startEquity: number;
  readonly endEquity: number;
  /** endEquity − startEquity, after fees. */
  readonly pnl: number;
  /** Total fees paid. */
  readonly fees: number;
  /** pnl / startEquity. */
  readonly totalReturn: number;
  /** Largest peak-to-trough fall of equity, as a fraction. */
  readonly maxDrawdown: number;
  /**
   * Annualised Sharpe ratio of the equity curve's period returns during trading time (0 when
   * undefined): mean / sample sd × √(periods per year), NSE 252 × 6.25 h, crypto 365 × 24 h.
   */
  readonly sharpe: number;
  /** Annualised Sortino ratio (downside deviation against 0). */
  readonly sortino: number;
  /** Total return compounded to a year of trading time. */
  readonly annualisedReturn: number;
  /** Annualised volatility of period returns. */
  readonly volatility: number;
  /** annualisedReturn / maxDrawdown (0 without a drawdown). */
  readonly calmar: number;
  /** Longest time under a previous equity peak, seconds. */
  readonly maxDrawdownDurationSeconds: number;
  /** Winning round trips over all round trips. */
  readonly winRate: number;
  /** Gross profit over gross loss of round trips (Infinity with no losing trip). */
  readonly profitFactor: number;
  /** Fraction of trading time with a position open. */
  readonly exposureTime: number;
  /** Traded notional over mean equity. */
  readonly turnover: number;
  readonly baseCurrency: string;
  /** Strategies that failed during the run. */
  readonly failures: readonly { readonly strategyId: string; readonly message: string }[];
  /** The latency checkpoints. */
  readonly latency: readonly LatencySummary[];
  /** Where the artifacts were written. */
  readonly resultsDir: string;
}

/** What `quantkubera replay` reports. */
export interface ReplayReport {
  /** Orders (intents) in the recorded log. */
  readonly recordedIntents: number;
  /** Orders the replay produced. */
  readonly replayedIntents: number;
  /** True when every replayed intent equals the recorded one, in order. */
  readonly identical: boolean;
  /** The first difference, when not identical. */
  readonly firstDifference?: string;
}

/** A recorded run or sweep as `quantkubera runs` lists it (a line of `experiments.jsonl`). */
export interface ExperimentRecordView {
  readonly kind: string;
  readonly name: string;
  readonly recordedAt: string;
  readonly seed: number;
  readonly params: readonly Record<string, unknown>[];
  readonly codeVersion: string;
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly artifacts: { readonly dir: string; readonly files: readonly string[] };
}

/** Filters and order of `quantkubera runs`. */
export interface RunsQueryOptions {
  /** A metric to sort by, descending unless `ascending`. */
  readonly sort?: string;
  readonly ascending?: boolean;
  readonly kind?: 'run' | 'sweep' | 'walk-forward';
  readonly name?: string;
  readonly limit?: number;
}

/** One trial of a parameter sweep, as the CLI shows it. */
export interface SweepTrialView {
  readonly index: number;
  readonly params: Readonly<Record<string, unknown>>;
  /** Every constraint met and no error. */
  readonly feasible: boolean;
  /** The objective's value (NaN when the trial failed). */
  readonly objective: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly error?: string;
}

/** A finished sweep, as the CLI shows it. */
export interface SweepResultView {
  /** Where trials.csv, sweep.json and the trials' folders were written. */
  readonly dir: string;
  readonly trials: readonly SweepTrialView[];
  readonly best: SweepTrialView | undefined;
}

/** Options the CLI passes to a sweep. */
export interface SweepRunOptions {
  /** Worker threads (default: the machine's parallelism). */
  readonly workers?: number;
  /** Called as trials finish. */
  readonly onProgress?: (progress: { readonly done: number; readonly total: number }) => void;
}

/** What the CLI needs from `@quantkubera/backtest`, loaded on demand. */
export interface BacktestPlugin {
  /** Runs the backtest a descriptor describes and writes its results. */
  runBacktest(loaded: LoadedDescriptor, options?: BacktestRunOptions): Promise<BacktestSummary>;
  /** Re-runs a recorded session from its WAL and compares the orders. */
  replayRun(walDir: string): Promise<ReplayReport>;
  /** Writes a run directory's self-contained HTML tearsheet; returns the file's path. */
  writeReport(runDir: string, out?: string): string;
  /** Reads the experiment store (`experiments.jsonl`) of a results directory. */
  readExperiments(dir: string): ExperimentRecordView[];
  /** Filters and sorts experiment records. */
  compareRuns(records: readonly ExperimentRecordView[], query?: RunsQueryOptions): ExperimentRecordView[];
  /** Renders experiment records as a table. */
  formatRuns(records: readonly ExperimentRecordView[]): string;
  /** Sweeps a descriptor's strategy params with the spec in a YAML/JSON file. */
  sweepFiles(descriptorFile: string, specFile: string, options?: SweepRunOptions): Promise<SweepResultView>;
}

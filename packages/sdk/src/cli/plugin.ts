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
  /** Annualised Sharpe ratio of the equity curve's period returns (0 when undefined). */
  readonly sharpe: number;
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

/** What the CLI needs from `@quantkubera/backtest`, loaded on demand. */
export interface BacktestPlugin {
  /** Runs the backtest a descriptor describes and writes its results. */
  runBacktest(loaded: LoadedDescriptor, options?: BacktestRunOptions): Promise<BacktestSummary>;
  /** Re-runs a recorded session from its WAL and compares the orders. */
  replayRun(walDir: string): Promise<ReplayReport>;
}

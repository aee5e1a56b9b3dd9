import type { BacktestPlugin } from '../plugin.js';

/** Arguments of `quantkubera report`. */
export interface ReportCommandArgs {
  /** The run's results directory (`runs/<name>`). */
  readonly runDir: string;
  /** Where to write the HTML (default `<runDir>/report.html`). */
  readonly out?: string;
}

/**
 * `quantkubera report <run-dir> [--out FILE]`: writes the run's self-contained HTML tearsheet and
 * prints its path. Returns the exit code.
 */
export function reportCommand(plugin: BacktestPlugin, args: ReportCommandArgs): number {
  const path = plugin.writeReport(args.runDir, args.out);
  console.log(path);
  return 0;
}

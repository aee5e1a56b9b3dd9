import { SimulatedVenueError } from './venue-error.js';

/**
 * Which of a bar's high and low the simulated price visits first; a bar's path is always
 * open → first extreme → second extreme → close, straight lines between them:
 * - `open-high-low-close`: the high first;
 * - `open-low-high-close`: the low first;
 * - `nearest-extreme-first` (default): whichever extreme is nearer the open (on a tie, the one
 *   away from the close, so the bar ends moving toward its close).
 */
export type IntrabarPath = 'open-high-low-close' | 'open-low-high-close' | 'nearest-extreme-first';

/** Every intrabar path convention. */
export const INTRABAR_PATHS: readonly IntrabarPath[] = [
  'open-high-low-close',
  'open-low-high-close',
  'nearest-extreme-first',
];

/** Throws `INVALID_ARGUMENT` unless `value` is an {@link IntrabarPath}. */
export function checkIntrabarPath(value: unknown): IntrabarPath {
  if (!INTRABAR_PATHS.includes(value as IntrabarPath)) {
    throw new SimulatedVenueError(
      'INVALID_ARGUMENT',
      'SimulatedVenue barPath',
      `expected one of ${INTRABAR_PATHS.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as IntrabarPath;
}

/**
 * Fills `out` (length ≥ 4) with the bar's path points open, first extreme, second extreme, close
 * under `convention`.
 */
export function barPathPoints(
  convention: IntrabarPath,
  open: number,
  high: number,
  low: number,
  close: number,
  out: number[],
): void {
  let highFirst: boolean;
  if (convention === 'open-high-low-close') highFirst = true;
  else if (convention === 'open-low-high-close') highFirst = false;
  else {
    const up = high - open;
    const down = open - low;
    highFirst = up < down || (up === down && close < open);
  }
  out[0] = open;
  out[1] = highFirst ? high : low;
  out[2] = highFirst ? low : high;
  out[3] = close;
}

/**
 * The first position ≥ `from` at which the path reaches `target`, as segment index plus the
 * fraction of that segment travelled (0 = open, 3 = close), or Infinity if it never does.
 * Position 0 counts only when `from` is 0 and the open equals the target.
 */
export function firstReach(path: readonly number[], target: number, from: number): number {
  for (let i = Math.floor(from); i < 3; i++) {
    const a = path[i]!;
    const b = path[i + 1]!;
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    if (target < lo || target > hi) continue;
    const pos = a === b ? i : i + (target - a) / (b - a);
    if (pos >= from) return pos;
    // The segment reached the target before `from`; it may still come back in a later one.
  }
  return Number.POSITIVE_INFINITY;
}

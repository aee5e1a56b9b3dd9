/** What a progress line shows: a fraction done and a count of something. */
export interface ProgressUpdate {
  /** 0..1. */
  readonly fraction: number;
  /** Items processed so far. */
  readonly events: number;
  /** What the items are (default `events`). */
  readonly unit?: string;
}

/** A progress bar being drawn. */
export interface ProgressLine {
  /** Redraws when the percentage changed. */
  update(p: ProgressUpdate): void;
  /** Ends the line. */
  stop(): void;
}

/**
 * A one-line progress bar on stderr, redrawn when the percentage changes. Silent when disabled
 * or when stderr is not a terminal (CI logs stay clean).
 */
export function progressLine(enabled: boolean): ProgressLine {
  if (!enabled || process.stderr.isTTY !== true) return { update() {}, stop() {} };
  let last = -1;
  return {
    update(p) {
      const pct = Math.floor(Math.min(1, Math.max(0, p.fraction)) * 100);
      if (pct === last) return;
      last = pct;
      const width = 30;
      const done = Math.round((pct / 100) * width);
      process.stderr.write(
        `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${String(pct).padStart(3)}%  ${p.events.toLocaleString('en-US')} ${p.unit ?? 'events'}`,
      );
    },
    stop() {
      if (last >= 0) process.stderr.write('\n');
    },
  };
}

import { readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat this module needs, or `undefined` when unreadable. */
function readStat(pid: number): { state: string; startTicks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is parenthesised and may hold spaces or parentheses: split after
  // the last ')'. Field 3 is the state, field 22 the start time.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(rest[19]);
  return { state: rest[0] ?? '?', startTicks: Number.isSafeInteger(startTicks) ? startTicks : 0 };
}

/**
 * A process's start time in clock ticks since boot (Linux `/proc/<pid>/stat` field 22), or 0 when
 * unknown. With the pid it names one process even after the pid is reused.
 */
export function processStartTicks(pid: number): number {
  return readStat(pid)?.startTicks ?? 0;
}

/**
 * True when the process `pid` exists, is not a zombie, and (when `startTicks` is non-zero) is the
 * same process that recorded it rather than a later one that reused the pid.
 */
export function processAlive(pid: number, startTicks: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = readStat(pid);
  if (stat === undefined) return true;
  if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false;
  return startTicks === 0 || stat.startTicks === 0 || stat.startTicks === startTicks;
}

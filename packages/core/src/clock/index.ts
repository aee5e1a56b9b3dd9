export { BaseClock } from './base-clock.js';
export type { Clock, ClockOptions, TimeEvent, TimerCallback, TimerHandle, TimerSpec } from './clock.js';
export { LiveClock, type LiveClockOptions } from './live-clock.js';
export { SimClock } from './sim-clock.js';
export {
  isUnixMicros,
  MICROS_PER_DAY,
  MICROS_PER_HOUR,
  MICROS_PER_MILLI,
  MICROS_PER_MINUTE,
  MICROS_PER_SECOND,
  microsFromDate,
  microsFromMillis,
  microsToIso,
  type UnixMicros,
} from './time.js';
export { type HeapEntry, TimerHeap } from './timer-heap.js';

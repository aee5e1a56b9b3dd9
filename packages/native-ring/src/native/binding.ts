import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { RingError } from '../errors/index.js';

/** The addon's C++ batch producer (see csrc/addon.cc). */
export interface NativeRingWriter {
  /** Copies `count` messages packed in `src` (lengths in `lengths`) and publishes them; returns how many fitted. */
  writeBatch(src: Uint8Array, lengths: Int32Array, count: number): number;
}

/** The addon's C++ batch consumer (see csrc/addon.cc). */
export interface NativeRingReader {
  /** Copies up to `max` messages packed into `dst`, lengths into `lengths`; returns how many. */
  readBatch(dst: Uint8Array, lengths: Int32Array, max: number): number;
  /** Broadcast messages lost to overruns. */
  missed(): number;
  /** Broadcast overrun episodes. */
  overruns(): number;
}

/**
 * The raw addon (csrc/addon.cc), for tools, tests and benchmarks: rings are normally used through
 * `createRing` and `openRingConsumer`. Segment names here are POSIX object names without the
 * leading slash (`qkring.<ring name>`).
 */
export interface NativeBinding {
  /** Creates a segment exclusively, zero-filled, and maps it (throws an errno-coded Error). */
  createSegment(name: string, size: number): ArrayBuffer;
  /** Maps an existing segment; an empty ArrayBuffer while it is still unsized. */
  openSegment(name: string): ArrayBuffer;
  /** Removes a segment's name: true when removed, false when there was none. */
  unlinkSegment(name: string): boolean;
  /** Detaches a segment's ArrayBuffer; the unmap follows once nothing native holds it. */
  releaseSegment(buffer: ArrayBuffer): void;
  /** The C++ header check, numbered like `LAYOUT_STATUS`. */
  validateHeader(buffer: ArrayBuffer): number;
  /** The C++ header initialiser (kind 1 SPSC, 2 broadcast). */
  initHeader(
    buffer: ArrayBuffer,
    kind: number,
    capacity: number,
    slotSize: number,
    pid: number,
    nowUs: number,
  ): void;
  /** Process-shared futex wait on `words[index]`: 0 woken, 1 value differed, 2 timed out. */
  futexWait(words: Int32Array, index: number, expected: number, timeoutMs: number): number;
  /** `futexWait` on a libuv pool thread; the segment stays mapped until it settles. */
  futexWaitAsync(words: Int32Array, index: number, expected: number, timeoutMs: number): Promise<number>;
  /** Wakes up to `count` futex waiters on `words[index]`; returns how many woke. */
  futexWake(words: Int32Array, index: number, count: number): number;
  /** `sched_yield()`. */
  yieldCpu(): void;
  /** The C++ batch producer over a mapped segment. */
  NativeRingWriter: new (
    buffer: ArrayBuffer,
  ) => NativeRingWriter;
  /** The C++ batch consumer over a mapped segment (`fromStart`: broadcast readers start at the oldest message). */
  NativeRingReader: new (
    buffer: ArrayBuffer,
    fromStart: boolean,
  ) => NativeRingReader;
  /** The C++ header size, for cross-checks. */
  readonly headerSize: number;
  /** The C++ layout version, for cross-checks. */
  readonly layoutVersion: number;
}

let loaded: NativeBinding | undefined;
let failure: unknown;

/**
 * The native addon, loaded on first use with node-gyp-build (a prebuild for this platform, else
 * build/Release). Throws `RING_NATIVE_UNAVAILABLE` when it cannot be loaded; the
 * `SharedArrayBuffer` ring needs no addon.
 */
export function nativeBinding(): NativeBinding {
  if (loaded !== undefined) return loaded;
  if (failure === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const load = require('node-gyp-build') as (dir: string) => NativeBinding;
      // src/native/ and dist/native/ both sit two levels below the package root.
      loaded = load(fileURLToPath(new URL('../..', import.meta.url)));
      return loaded;
    } catch (err) {
      failure = err;
    }
  }
  throw new RingError(
    'RING_NATIVE_UNAVAILABLE',
    '(native)',
    `cannot load the addon (${failure instanceof Error ? failure.message : String(failure)}); run \`npm rebuild @quantkubera/native-ring\``,
    { cause: failure },
  );
}

/** True when the native addon loads on this machine. */
export function isNativeRingAvailable(): boolean {
  try {
    nativeBinding();
    return true;
  } catch {
    return false;
  }
}

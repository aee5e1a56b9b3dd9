/**
 * The shared-memory ring between two processes against worker_threads `postMessage` and a Unix
 * domain socket, measured the same way: messages/s for 64- and 512-byte messages (timed by the
 * receiver from its first to its last message; one send call per message for the baselines), and
 * one-way latency percentiles of messages sent ~20 µs apart, stamped with CLOCK_MONOTONIC
 * (`process.hrtime`, shared by every process on the host).
 *
 * Throughput runs use the 'yield' wait strategy on both sides (poll 200 times, then sched_yield),
 * so on a busy 2-core machine a side that waits lets the other run. Latency runs use a spinning
 * ('spin') and a futex-blocking ('block') consumer.
 *
 * The receiving process is this file again, forked with QK_NATIVE_RING_BENCH_PEER set; the
 * `postMessage` receiver is a worker thread.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  createRing,
  isNativeRingAvailable,
  nativeBinding,
  openRingConsumer,
  type RingConsumer,
  type RingProducer,
  unlinkRing,
  type WaitStrategy,
} from '@quantkubera/native-ring';
import * as hdr from 'hdr-histogram-js';
import { type BenchResult, type BenchSuite, measureStalls, median } from '../harness.js';

const PEER_ENV = 'QK_NATIVE_RING_BENCH_PEER';
const REPS = 5;
const RING_MESSAGES: Record<number, number> = { 64: 4_000_000, 512: 1_000_000 };
const BASELINE_MESSAGES = 100_000;
const LATENCY_SAMPLES = 20_000;
const LATENCY_INTERVAL_US = 20;
const RING_CAPACITY = 1 << 14;

type Mode = 'throughput' | 'latency';

type PeerCommand =
  | { cmd: 'ring'; name: string; count: number; mode: Mode; strategy: WaitStrategy }
  | { cmd: 'napi'; name: string; count: number }
  | { cmd: 'uds-connect'; path: string }
  | { cmd: 'uds'; count: number; size: number; mode: Mode }
  | { cmd: 'exit' };

interface PeerDone {
  readonly type: 'done';
  /** Messages delivered (a lapped broadcast reader gets fewer than were sent). */
  readonly received: number;
  /** Messages delivered or skipped: the stream the receiver kept pace with. */
  readonly covered: number;
  /** Receiver time from its first to its last message. */
  readonly ns: number;
  /** Messages that arrived out of sequence (must be 0). */
  readonly bad: number;
  /** One-way latencies in ns (latency mode). */
  readonly latencies: number[];
}

function now(): number {
  return Number(process.hrtime.bigint());
}

// ---------------------------------------------------------------------------------------------
// The receiving process.

/**
 * Consumes ring messages until the one with sequence number `count - 1` (a lapped broadcast
 * reader skips some); in latency mode each message carries its send time at byte 0.
 */
function consumeRing(consumer: RingConsumer, count: number, mode: Mode): PeerDone {
  let cached: Uint8Array | undefined;
  let words: Int32Array = new Int32Array(0);
  let view: DataView = new DataView(new ArrayBuffer(8));
  let last = -1;
  let firstSeq = -1;
  let bad = 0;
  let received = 0;
  const latencies: number[] = [];
  const handler = (bytes: Uint8Array, offset: number, length: number): void => {
    if (bytes !== cached) {
      cached = bytes;
      words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
      view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    received++;
    if (mode === 'latency') {
      latencies.push(now() - view.getFloat64(offset, true));
      last++;
      return;
    }
    // Touch the message's last word too, so the whole payload crosses to this core.
    const seq = words[offset >>> 2]! + (words[(offset + length - 4) >>> 2]! & 0);
    if (seq <= last) bad++;
    if (firstSeq < 0) firstSeq = seq;
    last = seq;
  };
  let first = 0;
  while (last < count - 1) {
    if (consumer.poll(handler) === 0) {
      consumer.wait();
      continue;
    }
    if (first === 0) first = now();
  }
  const covered = mode === 'latency' ? received : last - firstSeq + 1;
  return { type: 'done', received, covered, ns: now() - first, bad, latencies };
}

function consumeNative(name: string, count: number): PeerDone {
  const buffer = nativeBinding().openSegment(`qkring.${name}`);
  const reader = new (nativeBinding().NativeRingReader)(buffer, false);
  const dst = new Uint8Array(256 * 64);
  const lengths = new Int32Array(256);
  const words = new Int32Array(dst.buffer);
  let received = 0;
  let bad = 0;
  let expected = 0;
  let first = 0;
  let idle = 0;
  while (received < count) {
    const n = reader.readBatch(dst, lengths, 256);
    if (n === 0) {
      // The 'yield' strategy, as the JavaScript path uses: spin a while, then sched_yield.
      if (++idle > 200) nativeBinding().yieldCpu();
      continue;
    }
    idle = 0;
    if (first === 0) first = now();
    for (let i = 0; i < n; i++) {
      // The same reads as the JavaScript path: the sequence number and the last word.
      if (words[i * 16]! + (words[i * 16 + 15]! & 0) !== expected) bad++;
      expected++;
    }
    received += n;
  }
  const ns = now() - first;
  nativeBinding().releaseSegment(buffer);
  return { type: 'done', received, covered: received, ns, bad, latencies: [] };
}

/** A Unix-socket receiver: parses fixed-size messages out of the stream. */
class SocketReceiver {
  private count = 0;
  private size = 64;
  private mode: Mode = 'throughput';
  private received = 0;
  private first = 0;
  private partial: Buffer = Buffer.alloc(0);
  private latencies: number[] = [];

  constructor(
    socket: Socket,
    private readonly done: (result: PeerDone) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  arm(count: number, size: number, mode: Mode): void {
    this.count = count;
    this.size = size;
    this.mode = mode;
    this.received = 0;
    this.first = 0;
    this.latencies = [];
  }

  private onData(chunk: Buffer): void {
    const t = now();
    if (this.first === 0) this.first = t;
    const data = this.partial.length === 0 ? chunk : Buffer.concat([this.partial, chunk]);
    const whole = Math.floor(data.length / this.size);
    if (this.mode === 'latency') {
      for (let i = 0; i < whole; i++) this.latencies.push(t - data.readDoubleLE(i * this.size));
    }
    this.partial = data.subarray(whole * this.size);
    this.received += whole;
    if (this.received >= this.count && this.count > 0) {
      this.count = 0;
      this.done({
        type: 'done',
        received: this.received,
        covered: this.received,
        ns: t - this.first,
        bad: 0,
        latencies: this.latencies,
      });
    }
  }
}

async function runPeer(): Promise<void> {
  const consumers = new Map<string, RingConsumer>();
  let sockets: SocketReceiver | undefined;
  const send = (message: object): void => {
    process.send?.(message);
  };
  process.on('message', async (command: PeerCommand) => {
    if (command.cmd === 'exit') {
      for (const c of consumers.values()) c.close();
      process.exit(0);
    }
    if (command.cmd === 'ring') {
      const key = `${command.name}/${command.strategy}`;
      let consumer = consumers.get(key);
      if (consumer === undefined) {
        consumer = openRingConsumer(command.name, {
          waitStrategy: command.strategy,
          timeoutMs: 10_000,
          start: 'next',
        });
        consumers.set(key, consumer);
      }
      send({ type: 'armed' });
      send(consumeRing(consumer, command.count, command.mode));
      if (command.mode === 'latency') {
        consumer.close();
        consumers.delete(key);
      }
    } else if (command.cmd === 'napi') {
      send({ type: 'armed' });
      send(consumeNative(command.name, command.count));
    } else if (command.cmd === 'uds-connect') {
      const socket = connect(command.path);
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.setNoDelay(true);
      sockets = new SocketReceiver(socket, send);
      send({ type: 'armed' });
      send({ type: 'done', received: 0, covered: 0, ns: 0, bad: 0, latencies: [] });
    } else if (command.cmd === 'uds') {
      sockets?.arm(command.count, command.size, command.mode);
      send({ type: 'armed' });
    }
  });
  send({ type: 'ready' });
}

if (process.env[PEER_ENV] === '1') await runPeer();

// ---------------------------------------------------------------------------------------------
// The measuring process.

interface Peer {
  readonly child: ChildProcess;
  request(command: PeerCommand, whileArmed?: () => void | Promise<void>): Promise<PeerDone>;
}

function startPeer(): Promise<Peer> {
  const require = createRequire(import.meta.url);
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [PEER_ENV]: '1' },
    execArgv: ['--import', require.resolve('tsx'), '--conditions=@quantkubera/source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type: string): Promise<PeerDone> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: { type: string }): void => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as PeerDone);
      };
      const onExit = (code: number | null): void => reject(new Error(`bench peer exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const peer: Peer = {
    child,
    async request(command, whileArmed) {
      const armed = next('armed');
      const done = next('done');
      child.send(command);
      await armed;
      await whileArmed?.();
      return done;
    },
  };
  return next('ready').then(() => peer);
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
let count = 0, mode = 'throughput', received = 0, first = 0, latencies = [];
parentPort.on('message', (m) => {
  const t = Number(process.hrtime.bigint());
  if (!(m instanceof Uint8Array)) {
    count = m.count; mode = m.mode; received = 0; first = 0; latencies = [];
    parentPort.postMessage({ type: 'armed' });
    return;
  }
  if (first === 0) first = t;
  if (mode === 'latency') latencies.push(t - new DataView(m.buffer, m.byteOffset, 8).getFloat64(0, true));
  if (++received === count) parentPort.postMessage({ type: 'done', received, covered: received, ns: t - first, bad: 0, latencies });
});
`;

function workerRequest(worker: Worker, count: number, mode: Mode, send: () => void): Promise<PeerDone> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string }): void => {
      if (m.type === 'armed') {
        send();
      } else if (m.type === 'done') {
        worker.off('message', onMessage);
        resolve(m as PeerDone);
      }
    };
    worker.on('message', onMessage);
    worker.postMessage({ count, mode });
  });
}

/** Writes `count` messages of `size` bytes: seq in word 0, the payload filled word by word. */
function produceRing(producer: RingProducer, count: number, size: number): void {
  const words = new Int32Array(producer.bytes.buffer, 0, producer.bytes.byteLength >>> 2);
  const n = size >>> 2;
  let seq = 0;
  while (seq < count) {
    const at = producer.tryClaim();
    if (at < 0) {
      producer.flush();
      producer.waitForRoom();
      continue;
    }
    const w = at >>> 2;
    words[w] = seq;
    for (let k = 1; k < n; k++) words[w + k] = k;
    producer.commit(size);
    if ((++seq & 63) === 0) producer.flush();
  }
  producer.flush();
}

function produceNative(producer: RingProducer, count: number): void {
  const writer = new (nativeBinding().NativeRingWriter)(producer.bytes.buffer as ArrayBuffer);
  const batch = 64;
  const src = new Uint8Array(batch * 64);
  const words = new Int32Array(src.buffer);
  const lengths = new Int32Array(batch).fill(64);
  let seq = 0;
  while (seq < count) {
    const n = Math.min(batch, count - seq);
    // Build each message in full, as the JavaScript path does in the slot itself.
    for (let i = 0; i < n; i++) {
      const w = i * 16;
      words[w] = seq + i;
      for (let k = 1; k < 16; k++) words[w + k] = k;
    }
    // writeBatch publishes the prefix that fitted; wait ('yield' strategy) and send the rest.
    let at = writer.writeBatch(src, lengths, n);
    let idle = 0;
    while (at < n) {
      if (++idle > 200) nativeBinding().yieldCpu();
      at += writer.writeBatch(src.subarray(at * 64), lengths.subarray(at), n - at);
    }
    seq += n;
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Sends `samples` messages about LATENCY_INTERVAL_US apart, each stamped with its send time. The
 * sender sleeps between messages (a short Atomics.wait) rather than spinning, so on a machine
 * with two cores it leaves one to the receiver.
 */
function paced(samples: number, send: (stamp: number) => void): void {
  for (let i = 0; i < samples; i++) {
    Atomics.wait(pause, 0, 0, LATENCY_INTERVAL_US / 1_000);
    send(now());
  }
}

/**
 * `paced` for a socket: a Node socket flushes a write only when the event loop runs (a write
 * issued while another is in flight waits for its callback), so yield after every send.
 */
async function pacedAsync(samples: number, send: (stamp: number) => void): Promise<void> {
  for (let i = 0; i < samples; i++) {
    Atomics.wait(pause, 0, 0, LATENCY_INTERVAL_US / 1_000);
    send(now());
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function produceRingLatency(producer: RingProducer, samples: number, size: number): void {
  const view = new DataView(producer.bytes.buffer);
  paced(samples, () => {
    let at = producer.tryClaim();
    while (at < 0) at = producer.tryClaim();
    view.setFloat64(at, now(), true);
    producer.commit(size);
    producer.flush();
  });
}

function percentiles(name: string, latenciesNs: readonly number[], target?: number): BenchResult[] {
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000_000,
    numberOfSignificantValueDigits: 3,
  });
  for (const ns of latenciesNs) histogram.recordValue(Math.max(1, Math.round(ns)));
  const at = (p: number): number => histogram.getValueAtPercentile(p) / 1_000;
  const results: BenchResult[] = [
    { name: `${name}.p50`, value: at(50), unit: 'µs', lowerIsBetter: true },
    {
      name: `${name}.p99`,
      value: at(99),
      unit: 'µs',
      lowerIsBetter: true,
      ...(target === undefined ? {} : { target }),
    },
    { name: `${name}.p99.9`, value: at(99.9), unit: 'µs', lowerIsBetter: true },
  ];
  histogram.destroy();
  return results;
}

function rate(done: PeerDone): number {
  if (done.bad !== 0) throw new Error(`native-ring bench: ${done.bad} messages out of sequence`);
  return (done.received * 1e9) / done.ns;
}

function summary(samples: number[]): { value: number; spread: number } {
  const value = median(samples);
  return { value, spread: value === 0 ? 0 : (Math.max(...samples) - Math.min(...samples)) / value };
}

async function listen(path: string): Promise<{ server: Server; socket: Promise<Socket> }> {
  rmSync(path, { force: true });
  let accept: (s: Socket) => void = () => undefined;
  const socket = new Promise<Socket>((resolve) => {
    accept = resolve;
  });
  const server = createServer((s) => {
    s.setNoDelay(true);
    accept(s);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { server, socket };
}

async function measure(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const peer = await startPeer();
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  const socketPath = join(tmpdir(), `qk-native-ring-bench-${process.pid}.sock`);
  const { server, socket: accepted } = await listen(socketPath);
  const names: string[] = [];
  // Connect the socket receiver once; every later request reuses the connection.
  await peer.request({ cmd: 'uds-connect', path: socketPath });
  const socket = await accepted;

  const udsRun = (
    count: number,
    size: number,
    mode: Mode,
    send: () => void | Promise<void>,
  ): Promise<PeerDone> => peer.request({ cmd: 'uds', count, size, mode }, send);
  const udsWrite = (count: number, size: number): void => {
    for (let i = 0; i < count; i++) socket.write(Buffer.alloc(size, i & 255));
  };

  try {
    const ringRate: Record<number, number> = {};
    const postRate: Record<number, number> = {};
    for (const size of [64, 512]) {
      const name = `bench-${process.pid}-${size}`;
      names.push(name);
      const producer = createRing(name, {
        kind: 'spsc',
        capacity: RING_CAPACITY,
        maxMessageSize: size,
        waitStrategy: 'yield',
      });
      const count = RING_MESSAGES[size]!;
      const payload = new Uint8Array(size);
      const ring: number[] = [];
      const post: number[] = [];
      const uds: number[] = [];
      for (let rep = -1; rep < REPS; rep++) {
        const r = await peer.request(
          { cmd: 'ring', name, count, mode: 'throughput', strategy: 'yield' },
          () => produceRing(producer, count, size),
        );
        const p = await workerRequest(worker, BASELINE_MESSAGES, 'throughput', () => {
          for (let i = 0; i < BASELINE_MESSAGES; i++) worker.postMessage(payload);
        });
        const u = await udsRun(BASELINE_MESSAGES, size, 'throughput', () =>
          udsWrite(BASELINE_MESSAGES, size),
        );
        if (rep < 0) continue; // warm-up
        ring.push(rate(r));
        post.push(rate(p));
        uds.push(rate(u));
      }
      producer.close();
      const ringSummary = summary(ring);
      const postSummary = summary(post);
      const udsSummary = summary(uds);
      ringRate[size] = ringSummary.value;
      postRate[size] = postSummary.value;
      results.push(
        {
          name: `native-ring.spsc-${size}B.throughput`,
          value: ringSummary.value,
          unit: 'msgs/s',
          ...(size === 64 ? { target: 20_000_000, ratioTarget: 20 } : {}),
          ratio: ringSummary.value / postSummary.value,
          baseline: 'worker_threads postMessage',
          spread: ringSummary.spread,
        },
        {
          name: `native-ring.postmessage-${size}B.throughput`,
          value: postSummary.value,
          unit: 'msgs/s',
          spread: postSummary.spread,
        },
        {
          name: `native-ring.uds-${size}B.throughput`,
          value: udsSummary.value,
          unit: 'msgs/s',
          ratio: udsSummary.value / postSummary.value,
          baseline: 'worker_threads postMessage',
          spread: udsSummary.spread,
        },
      );
    }

    // The same SPSC ring driven by the addon's C++ batch calls (one N-API call per 64 messages
    // each way), against the JavaScript Atomics path measured above.
    {
      const name = `bench-${process.pid}-napi`;
      names.push(name);
      const producer = createRing(name, { kind: 'spsc', capacity: RING_CAPACITY, maxMessageSize: 64 });
      const count = RING_MESSAGES[64]!;
      const napi: number[] = [];
      for (let rep = -1; rep < 3; rep++) {
        const r = await peer.request({ cmd: 'napi', name, count }, () => produceNative(producer, count));
        if (rep >= 0) napi.push(rate(r));
      }
      producer.close();
      const s = summary(napi);
      results.push({
        name: 'native-ring.spsc-64B.napi-batch.throughput',
        value: s.value,
        unit: 'msgs/s',
        ratio: s.value / ringRate[64]!,
        baseline: 'JS Atomics path',
        spread: s.spread,
      });
    }

    // One broadcast reader. It may be lapped (it shares two cores with the writer and
    // everything else), so report the stream rate it kept pace with and the share it received.
    {
      const name = `bench-${process.pid}-bcast`;
      names.push(name);
      const producer = createRing(name, { kind: 'broadcast', capacity: RING_CAPACITY, maxMessageSize: 64 });
      const count = RING_MESSAGES[64]!;
      const samples: number[] = [];
      const delivered: number[] = [];
      for (let rep = -1; rep < 3; rep++) {
        const r = await peer.request(
          { cmd: 'ring', name, count, mode: 'throughput', strategy: 'yield' },
          () => produceRing(producer, count, 64),
        );
        if (rep < 0) continue;
        if (r.bad !== 0) throw new Error(`native-ring bench: ${r.bad} broadcast messages out of sequence`);
        samples.push((r.covered * 1e9) / r.ns);
        delivered.push((100 * r.received) / r.covered);
      }
      producer.close();
      const s = summary(samples);
      results.push(
        {
          name: 'native-ring.broadcast-64B.throughput',
          value: s.value,
          unit: 'msgs/s',
          ratio: s.value / postRate[64]!,
          baseline: 'worker_threads postMessage',
          spread: s.spread,
        },
        { name: 'native-ring.broadcast-64B.delivered', value: median(delivered), unit: '%' },
      );
    }

    // How often any busy loop is stalled on this machine right now: the floor under every
    // latency tail below (a spinning consumer cannot beat it).
    const stalls = measureStalls(1000, 20);
    results.push(
      { name: 'machine.stalls-over-20us', value: stalls.perSecond, unit: '/s', lowerIsBetter: true },
      { name: 'machine.stalled-time', value: stalls.lostFraction * 100, unit: '%', lowerIsBetter: true },
      { name: 'machine.longest-stall', value: stalls.longestUs, unit: 'µs', lowerIsBetter: true },
    );
    // One-way latency of paced 64-byte messages.
    for (const strategy of ['spin', 'block'] as const) {
      const name = `bench-${process.pid}-lat-${strategy}`;
      names.push(name);
      const producer = createRing(name, { kind: 'spsc', capacity: 1024, maxMessageSize: 64 });
      const done = await peer.request(
        { cmd: 'ring', name, count: LATENCY_SAMPLES, mode: 'latency', strategy },
        () => produceRingLatency(producer, LATENCY_SAMPLES, 64),
      );
      producer.close();
      results.push(
        ...percentiles(
          `native-ring.latency.${strategy}`,
          done.latencies,
          strategy === 'spin' ? 5 : undefined,
        ),
      );
    }
    const stamped = new Uint8Array(64);
    const stampView = new DataView(stamped.buffer);
    const postLatency = await workerRequest(worker, LATENCY_SAMPLES, 'latency', () =>
      paced(LATENCY_SAMPLES, (stamp) => {
        stampView.setFloat64(0, stamp, true);
        worker.postMessage(stamped);
      }),
    );
    results.push(...percentiles('native-ring.latency.postmessage', postLatency.latencies));
    const udsLatency = await udsRun(LATENCY_SAMPLES, 64, 'latency', () =>
      pacedAsync(LATENCY_SAMPLES, (stamp) => {
        const message = Buffer.alloc(64);
        message.writeDoubleLE(stamp, 0);
        socket.write(message);
      }),
    );
    results.push(...percentiles('native-ring.latency.uds', udsLatency.latencies));
  } finally {
    peer.child.send({ cmd: 'exit' });
    await worker.terminate();
    socket.destroy();
    server.close();
    rmSync(socketPath, { force: true });
    for (const name of names) unlinkRing(name);
  }
  return results;
}

/**
 * Shared-memory ring throughput and latency between two processes, with postMessage and Unix
 * socket baselines. Skipped (no figures) when the addon is not built.
 */
export const nativeRingSuite: BenchSuite = {
  name: 'native-ring',
  run: async () => {
    if (!isNativeRingAvailable()) {
      process.stderr.write('native-ring: addon not built (npm rebuild @quantkubera/native-ring); skipped\n');
      return [];
    }
    return measure();
  },
};

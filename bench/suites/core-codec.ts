import { type CanonicalEvent, eventCodec } from '@quantkubera/core';
import { sampleQuotes, sampleTrades } from '../fixtures.js';
import { type BenchResult, type BenchSuite, consume, measureThroughput } from '../harness.js';

const COUNT = 10_000;

function codecFigures(label: string, events: CanonicalEvent[]): BenchResult[] {
  const buffer = new Uint8Array(COUNT * 128);
  const offsets = new Int32Array(COUNT);
  let end = 0;
  for (let i = 0; i < COUNT; i++) {
    offsets[i] = end;
    end += eventCodec.encodeInto(events[i]!, buffer, end);
  }
  const json = events.map((e) => JSON.stringify(e));
  const REPEAT = 30;
  const ops = COUNT * REPEAT;
  const jsonOps = COUNT * 3;
  const r = measureThroughput({
    encode: {
      ops,
      run: () => {
        for (let k = 0; k < REPEAT; k++) {
          let at = 0;
          for (let i = 0; i < COUNT; i++) at += eventCodec.encodeInto(events[i]!, buffer, at);
          consume(at);
        }
      },
    },
    stringify: {
      ops: jsonOps,
      run: () => {
        for (let k = 0; k < 3; k++) for (let i = 0; i < COUNT; i++) consume(JSON.stringify(events[i]).length);
      },
    },
    decode: {
      ops,
      run: () => {
        for (let k = 0; k < REPEAT; k++) {
          for (let i = 0; i < COUNT; i++) consume(eventCodec.decode(buffer, offsets[i]!).tsEvent);
        }
      },
    },
    parse: {
      ops: jsonOps,
      run: () => {
        for (let k = 0; k < 3; k++)
          for (let i = 0; i < COUNT; i++) consume((JSON.parse(json[i]!) as CanonicalEvent).tsEvent);
      },
    },
  });
  const enc = r.encode!;
  const dec = r.decode!;
  return [
    {
      name: `codec.encode.${label}`,
      value: enc.median,
      unit: 'events/s',
      target: 5_000_000,
      ratio: enc.median / r.stringify!.median,
      ratioTarget: 20,
      baseline: 'JSON.stringify',
      spread: enc.spread,
    },
    {
      name: `codec.decode.${label}`,
      value: dec.median,
      unit: 'events/s',
      target: 5_000_000,
      ratio: dec.median / r.parse!.median,
      ratioTarget: 20,
      baseline: 'JSON.parse',
      spread: dec.spread,
    },
    {
      name: `codec.json-stringify.${label}`,
      value: r.stringify!.median,
      unit: 'events/s',
      spread: r.stringify!.spread,
    },
    { name: `codec.json-parse.${label}`, value: r.parse!.median, unit: 'events/s', spread: r.parse!.spread },
    {
      name: `codec.frame-bytes.${label}`,
      value: end / COUNT,
      unit: 'bytes/event',
      ratio: end / COUNT / (json.join('').length / COUNT),
      baseline: 'JSON length',
    },
  ];
}

/** Binary codec throughput for Trade and Quote events against JSON. */
export const codecSuite: BenchSuite = {
  name: 'core-codec',
  run: () => [...codecFigures('trade', sampleTrades(COUNT)), ...codecFigures('quote', sampleQuotes(COUNT))],
};

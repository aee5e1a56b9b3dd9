import type { Rng } from '@quantkubera/core';
import { requireNumber, SimulatedVenueError } from '../venue/venue-error.js';

/**
 * The three legs a message travels between the client and the simulated venue: `inbound`
 * (submit, modify, cancel and cancel-all requests to the venue), `ack` (acknowledgements and
 * order status pushes back) and `fill` (execution reports back).
 */
export type LatencyLeg = 'inbound' | 'ack' | 'fill';

/** All latency legs, in a fixed order. */
export const LATENCY_LEGS: readonly LatencyLeg[] = ['inbound', 'ack', 'fill'];

/**
 * Draws the delay of one message on one leg. The venue passes a seeded `Rng` per leg, so a
 * model holds no random state of its own and one instance can serve many runs deterministically.
 */
export interface LatencyModel {
  /** A short name for reports (`zero`, `fixed`, `random`). */
  readonly name: string;
  /** The delay in microseconds of one message on `leg`: a finite number >= 0 (rounded by the venue). */
  delayUs(leg: LatencyLeg, rng: Rng): number;
}

/**
 * No latency: requests reach the venue and reports come back in the same instant, synchronously
 * (see docs/simulated-venue.md, "Time and latency").
 */
export const zeroLatency: LatencyModel = {
  name: 'zero',
  delayUs: () => 0,
};

/** Fixed delays per leg, in microseconds. */
export interface FixedLatencyOptions {
  /** Client → venue, µs. */
  readonly inboundUs: number;
  /** Venue → client for acks and order status pushes, µs. */
  readonly ackUs: number;
  /** Venue → client for fills, µs. */
  readonly fillUs: number;
}

/**
 * The same delay for every message of a leg.
 *
 * @example
 * ```ts
 * new FixedLatencyModel({ inboundUs: 800, ackUs: 800, fillUs: 900 }); // ~1 ms each way
 * ```
 */
export class FixedLatencyModel implements LatencyModel {
  /** `fixed`. */
  readonly name = 'fixed';
  readonly #delays: Record<LatencyLeg, number>;

  /** Validates each delay (finite, >= 0). */
  constructor(options: FixedLatencyOptions) {
    this.#delays = {
      inbound: requireNumber('FixedLatencyModel inboundUs', options.inboundUs, 0),
      ack: requireNumber('FixedLatencyModel ackUs', options.ackUs, 0),
      fill: requireNumber('FixedLatencyModel fillUs', options.fillUs, 0),
    };
  }

  /** The configured delay of `leg`. */
  delayUs(leg: LatencyLeg): number {
    return this.#delays[leg];
  }
}

/**
 * How one leg's delay is distributed, in microseconds:
 * - `fixed`: always `us`;
 * - `uniform`: uniform in [`minUs`, `maxUs`);
 * - `exponential`: `minUs` plus an exponential jitter with mean `meanJitterUs` (a network floor
 *   plus queueing);
 * - `lognormal`: `minUs` plus a log-normal jitter with median `medianJitterUs` and log-space
 *   standard deviation `sigma` (heavier tail: occasional slow messages).
 */
export type LatencyDistribution =
  | { readonly type: 'fixed'; readonly us: number }
  | { readonly type: 'uniform'; readonly minUs: number; readonly maxUs: number }
  | { readonly type: 'exponential'; readonly minUs: number; readonly meanJitterUs: number }
  | {
      readonly type: 'lognormal';
      readonly minUs: number;
      readonly medianJitterUs: number;
      readonly sigma: number;
    };

/** A distribution per leg for {@link RandomLatencyModel}. */
export interface RandomLatencyOptions {
  /** Client → venue. */
  readonly inbound: LatencyDistribution;
  /** Venue → client, acks and status pushes. */
  readonly ack: LatencyDistribution;
  /** Venue → client, fills. */
  readonly fill: LatencyDistribution;
}

function checkDistribution(where: string, d: LatencyDistribution): LatencyDistribution {
  switch (d?.type) {
    case 'fixed':
      requireNumber(`${where} us`, d.us, 0);
      return d;
    case 'uniform':
      requireNumber(`${where} minUs`, d.minUs, 0);
      requireNumber(`${where} maxUs`, d.maxUs, d.minUs);
      return d;
    case 'exponential':
      requireNumber(`${where} minUs`, d.minUs, 0);
      requireNumber(`${where} meanJitterUs`, d.meanJitterUs, 0);
      return d;
    case 'lognormal':
      requireNumber(`${where} minUs`, d.minUs, 0);
      requireNumber(`${where} medianJitterUs`, d.medianJitterUs, 0);
      requireNumber(`${where} sigma`, d.sigma, 0, 10);
      return d;
    default:
      throw new SimulatedVenueError(
        'INVALID_ARGUMENT',
        where,
        `expected a distribution of type fixed, uniform, exponential or lognormal, got ${JSON.stringify(d)}`,
      );
  }
}

/** Draws one delay from `d` with `rng`. */
export function sampleLatency(d: LatencyDistribution, rng: Rng): number {
  switch (d.type) {
    case 'fixed':
      return d.us;
    case 'uniform':
      return d.maxUs === d.minUs ? d.minUs : rng.uniform(d.minUs, d.maxUs);
    case 'exponential':
      return d.meanJitterUs === 0 ? d.minUs : d.minUs + rng.exponential(1 / d.meanJitterUs);
    case 'lognormal':
      return d.medianJitterUs === 0 ? d.minUs : d.minUs + d.medianJitterUs * Math.exp(d.sigma * rng.normal());
  }
}

/**
 * Seeded random delays, one distribution per leg. The randomness comes from the venue's seeded
 * generator (one independent stream per leg), so the same seed gives the same delays.
 *
 * @example
 * ```ts
 * const latency = new RandomLatencyModel({
 *   inbound: { type: 'exponential', minUs: 600, meanJitterUs: 250 },
 *   ack: { type: 'exponential', minUs: 600, meanJitterUs: 250 },
 *   fill: { type: 'lognormal', minUs: 700, medianJitterUs: 200, sigma: 0.8 },
 * });
 * ```
 */
export class RandomLatencyModel implements LatencyModel {
  /** `random`. */
  readonly name = 'random';
  readonly #legs: Record<LatencyLeg, LatencyDistribution>;

  /** Validates every distribution; throws `SimulatedVenueError` `INVALID_ARGUMENT` naming the bad field. */
  constructor(options: RandomLatencyOptions) {
    this.#legs = {
      inbound: checkDistribution('RandomLatencyModel inbound', options.inbound),
      ack: checkDistribution('RandomLatencyModel ack', options.ack),
      fill: checkDistribution('RandomLatencyModel fill', options.fill),
    };
  }

  /** One draw from `leg`'s distribution. */
  delayUs(leg: LatencyLeg, rng: Rng): number {
    return sampleLatency(this.#legs[leg], rng);
  }
}

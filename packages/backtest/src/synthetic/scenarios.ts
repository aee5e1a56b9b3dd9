import {
  InvalidArgumentError,
  MICROS_PER_MINUTE,
  MICROS_PER_SECOND,
  type Rng,
  type Session,
  type SessionCalendar,
} from '@quantkubera/core';
import type { SyntheticInstrument } from './instruments.js';

/**
 * A stretch of a session with constant conditions. The arrival process runs only inside
 * segments; factors multiply the instrument's base values.
 */
export interface Segment {
  /** Start (inclusive), epoch µs. */
  readonly startUs: number;
  /** End (exclusive), epoch µs. */
  readonly endUs: number;
  /** Multiplier of the Hawkes baselines (arrival rates). */
  readonly intensity: number;
  /** Multiplier of the price volatility. */
  readonly volatility: number;
  /** Multiplier of the mean extra spread. */
  readonly spread: number;
  /** Continuous trading: false in a pre-open order-collection phase (quotes only). */
  readonly trades: boolean;
}

/** Something that happens at a fixed instant of a session. */
export type ScheduledEvent =
  /** The pre-open call auction's single equilibrium trade of `lots` lots. */
  | { readonly kind: 'auction'; readonly atUs: number; readonly lots: number }
  /** A price shock of log size `logReturn` (news), followed at once by a new quote. */
  | { readonly kind: 'jump'; readonly atUs: number; readonly logReturn: number };

/** What a scenario does in one session. */
export interface SessionPlan {
  /** Non-overlapping segments in time order. */
  readonly segments: readonly Segment[];
  /** Scheduled events in time order, each at a segment boundary or in a gap between segments. */
  readonly events: readonly ScheduledEvent[];
}

/** Inputs a scenario plans from. */
export interface ScenarioContext {
  /** The instrument being generated. */
  readonly instrument: SyntheticInstrument;
  /** The instrument's calendar. */
  readonly calendar: SessionCalendar;
  /** A stream for the scenario's own random choices (a news move's sign). */
  readonly rng: Rng;
}

/**
 * A synthetic market scenario: a plan of segments and scheduled events for each session.
 * Implement it to script your own (a circuit breaker, a flash crash).
 */
export interface Scenario {
  /** The scenario's name (`normal-day`). */
  readonly name: string;
  /** Plans one session. */
  plan(session: Session, context: ScenarioContext): SessionPlan;
}

/** Local midnight of a session, epoch µs. */
function localMidnight(session: Session, calendar: SessionCalendar): number {
  return session.day * 86_400 * MICROS_PER_SECOND - calendar.utcOffsetUs;
}

/** Parses local `HH:MM` into µs after local midnight. */
function localTime(what: string, text: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  const minutes = Number(m?.[1]) * 60 + Number(m?.[2]);
  if (m === null || Number(m[2]) > 59 || minutes > 24 * 60) {
    throw new InvalidArgumentError(what, text, 'a local time HH:MM');
  }
  return minutes * MICROS_PER_MINUTE;
}

/**
 * The regular intraday activity profile in 15-minute segments: a U shape over a bounded session
 * (busy open and close, quiet lunch), a gentle daily wave peaking at 15:00 UTC over a 24-hour one.
 * Intensity averages about 1.3; volatility follows its square root.
 */
export function intradayProfile(session: Session, calendar: SessionCalendar): Segment[] {
  const length = session.closeUs - session.openUs;
  const fullDay = length >= 86_400 * MICROS_PER_SECOND;
  const step = 15 * MICROS_PER_MINUTE;
  const midnight = localMidnight(session, calendar);
  const out: Segment[] = [];
  for (let start = session.openUs; start < session.closeUs; start += step) {
    const end = Math.min(start + step, session.closeUs);
    const mid = (start + end) / 2;
    let intensity: number;
    if (fullDay) {
      const hourUtc =
        ((mid - midnight) / (3_600 * MICROS_PER_SECOND) -
          calendar.utcOffsetUs / (3_600 * MICROS_PER_SECOND) +
          24) %
        24;
      intensity = 1.3 + 0.35 * Math.cos((2 * Math.PI * (hourUtc - 15)) / 24);
    } else {
      const x = (mid - session.openUs) / length;
      intensity = 0.7 + 1.8 * (2 * x - 1) ** 2;
    }
    out.push({
      startUs: start,
      endUs: end,
      intensity,
      volatility: Math.sqrt(intensity),
      spread: 1,
      trades: true,
    });
  }
  return out;
}

/** An overlay for {@link applyOverlays}: multiplies the factors of whatever lies in [startUs, endUs). */
export interface SegmentOverlay {
  readonly startUs: number;
  readonly endUs: number;
  readonly intensity: number;
  readonly volatility: number;
  readonly spread: number;
}

/** Cuts `base` at every overlay boundary and multiplies the factors where they overlap. */
export function applyOverlays(
  base: readonly Segment[],
  overlays: readonly SegmentOverlay[],
  cuts: readonly number[] = [],
): Segment[] {
  const points = new Set<number>(cuts);
  for (const o of overlays) {
    points.add(o.startUs);
    points.add(o.endUs);
  }
  const out: Segment[] = [];
  for (const segment of base) {
    const inner = [...points].filter((p) => p > segment.startUs && p < segment.endUs).sort((a, b) => a - b);
    const bounds = [segment.startUs, ...inner, segment.endUs];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const startUs = bounds[k]!;
      const endUs = bounds[k + 1]!;
      let { intensity, volatility, spread } = segment;
      for (const o of overlays) {
        if (startUs >= o.startUs && startUs < o.endUs) {
          intensity *= o.intensity;
          volatility *= o.volatility;
          spread *= o.spread;
        }
      }
      out.push({ startUs, endUs, intensity, volatility, spread, trades: segment.trades });
    }
  }
  return out;
}

/** The pre-open call auction of a session with a pre-open: one large trade at the matching start. */
function auction(session: Session, instrument: SyntheticInstrument): ScheduledEvent[] {
  if (session.preOpenMatchUs === undefined) return [];
  return [
    {
      kind: 'auction',
      atUs: session.preOpenMatchUs,
      lots: Math.max(1, Math.round(25 * instrument.meanTradeLots)),
    },
  ];
}

/** A decaying burst from `atUs`: factors per consecutive stretch of `minutes`. */
function burst(
  atUs: number,
  stretches: readonly (readonly [minutes: number, intensity: number, volatility: number, spread: number])[],
): SegmentOverlay[] {
  const out: SegmentOverlay[] = [];
  let start = atUs;
  for (const [minutes, intensity, volatility, spread] of stretches) {
    const end = start + minutes * MICROS_PER_MINUTE;
    out.push({ startUs: start, endUs: end, intensity, volatility, spread });
    start = end;
  }
  return out;
}

/**
 * A continuous normal day: the regular intraday profile, plus the pre-open auction print on
 * venues with a pre-open (NSE).
 */
export function normalDay(): Scenario {
  return {
    name: 'normal-day',
    plan: (session, { instrument, calendar }) => ({
      segments: intradayProfile(session, calendar),
      events: auction(session, instrument),
    }),
  };
}

/**
 * A pre-open burst. With a pre-open (NSE): order collection 09:00–09:08 IST streams indicative
 * quotes at triple intensity without trades, the call auction prints at 09:08, nothing trades
 * until 09:15, then trading opens in a burst (4× the usual opening intensity, 2× volatility, wide spreads)
 * decaying over 20 minutes. Without one (crypto), the same opening burst starts at the session
 * open (00:00 UTC).
 */
export function preOpenBurst(): Scenario {
  return {
    name: 'pre-open-burst',
    plan: (session, { instrument, calendar }) => {
      const preOpen: Segment[] =
        session.preOpenStartUs === undefined || session.preOpenMatchUs === undefined
          ? []
          : [
              {
                startUs: session.preOpenStartUs,
                endUs: session.preOpenMatchUs,
                intensity: 3,
                volatility: 1.5,
                spread: 2,
                trades: false,
              },
            ];
      const opening = burst(session.openUs, [
        [5, 4, 2, 2.5],
        [5, 3, 1.6, 1.8],
        [5, 2, 1.3, 1.3],
        [5, 1.4, 1.1, 1.1],
      ]);
      return {
        segments: [...preOpen, ...applyOverlays(intradayProfile(session, calendar), opening)],
        events: auction(session, instrument),
      };
    },
  };
}

/** Options of {@link newsSpike}. */
export interface NewsSpikeOptions {
  /** Local time of the release (default `10:00` on a venue with a pre-open, such as NSE; `12:30` otherwise, i.e. US CPI in UTC). */
  readonly at?: string;
  /** Size of the price move as a fraction (default 0.015 = 1.5 %). */
  readonly move?: number;
  /** Direction; default random per session. */
  readonly direction?: 'up' | 'down';
}

/**
 * A macro news spike on a normal day: at the release the price moves by a factor 1 ± `move`, arrivals jump
 * to 10× and decay over 20 minutes, volatility triples and spreads widen fourfold, both decaying.
 */
export function newsSpike(options: NewsSpikeOptions = {}): Scenario {
  const move = options.move ?? 0.015;
  if (!(move >= 0 && move < 1))
    throw new InvalidArgumentError('newsSpike move', move, 'a fraction in [0, 1)');
  if (options.at !== undefined) localTime('newsSpike at', options.at);
  return {
    name: 'news-spike',
    plan: (session, { instrument, calendar, rng }) => {
      const at = options.at ?? (session.preOpenStartUs === undefined ? '12:30' : '10:00');
      const atUs = localMidnight(session, calendar) + localTime('newsSpike at', at);
      const base = intradayProfile(session, calendar);
      const events = auction(session, instrument);
      // Draw the direction every session, used or not, so sessions stay independent of options.
      const up = rng.bernoulli(0.5);
      if (atUs < session.openUs || atUs >= session.closeUs) return { segments: base, events };
      const rises = options.direction === undefined ? up : options.direction === 'up';
      const spike = burst(atUs, [
        [1, 10, 3, 4],
        [4, 5, 2, 2],
        [15, 2.5, 1.5, 1.3],
      ]);
      return {
        segments: applyOverlays(base, spike, [atUs]),
        events: [...events, { kind: 'jump', atUs, logReturn: Math.log1p(rises ? move : -move) }],
      };
    },
  };
}

/** The seed scenarios by name. */
export const SCENARIOS = {
  'normal-day': normalDay(),
  'pre-open-burst': preOpenBurst(),
  'news-spike': newsSpike(),
} as const satisfies Record<string, Scenario>;

/** A seed scenario's name. */
export type ScenarioName = keyof typeof SCENARIOS;

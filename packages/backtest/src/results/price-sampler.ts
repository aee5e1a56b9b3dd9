import type { MarketDataEvent } from '@quantkubera/sdk';

/** A sampled price: the last price of an instrument in one sampling interval. */
export interface PricePoint {
  /** End of the interval (epoch µs). */
  readonly ts: number;
  readonly instrumentId: string;
  readonly price: number;
}

function priceOf(event: MarketDataEvent): number | undefined {
  switch (event.kind) {
    case 'trade':
      return event.price;
    case 'tick':
      return event.lastPrice;
    case 'quote':
      return (event.bidPrice + event.askPrice) / 2;
    case 'bar':
      return event.close;
    default:
      return undefined;
  }
}

/**
 * Keeps the last trade (or quote mid, tick, bar close) per instrument in each interval of
 * `intervalUs`, so the report can draw a price chart without storing a million ticks.
 */
export class PriceSampler {
  readonly points: PricePoint[] = [];
  private readonly last = new Map<string, { bucket: number; price: number }>();

  constructor(private readonly intervalUs: number) {}

  /** Feeds one market event. */
  observe(event: MarketDataEvent): void {
    const price = priceOf(event);
    if (price === undefined || !Number.isFinite(price)) return;
    const bucket = Math.floor(event.tsEvent / this.intervalUs);
    const prev = this.last.get(event.instrumentId);
    if (prev !== undefined && prev.bucket !== bucket) {
      this.points.push({
        ts: (prev.bucket + 1) * this.intervalUs,
        instrumentId: event.instrumentId,
        price: prev.price,
      });
    }
    this.last.set(event.instrumentId, { bucket, price });
  }

  /** Emits the open intervals' last prices; call once at the end. */
  finish(): PricePoint[] {
    for (const [instrumentId, { bucket, price }] of this.last) {
      this.points.push({ ts: (bucket + 1) * this.intervalUs, instrumentId, price });
    }
    this.last.clear();
    return this.points;
  }
}

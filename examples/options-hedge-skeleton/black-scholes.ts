/** Standard normal cumulative distribution (Abramowitz–Stegun 7.1.26, |error| < 7.5e-8). */
export function normCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const d = 0.3989422804014327 * Math.exp((-x * x) / 2);
  const p =
    d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return x >= 0 ? 1 - p : p;
}

/** Black-76 price and delta of a European option on a future (price in the future's units). */
export function black76(
  right: 'CALL' | 'PUT',
  future: number,
  strike: number,
  years: number,
  vol: number,
  rate: number,
): { price: number; delta: number } {
  const discount = Math.exp(-rate * years);
  if (years <= 0 || vol <= 0) {
    const intrinsic = right === 'CALL' ? Math.max(0, future - strike) : Math.max(0, strike - future);
    const itm = right === 'CALL' ? future > strike : future < strike;
    return { price: intrinsic, delta: itm ? (right === 'CALL' ? 1 : -1) : 0 };
  }
  const sd = vol * Math.sqrt(years);
  const d1 = (Math.log(future / strike) + (sd * sd) / 2) / sd;
  const d2 = d1 - sd;
  if (right === 'CALL') {
    return { price: discount * (future * normCdf(d1) - strike * normCdf(d2)), delta: discount * normCdf(d1) };
  }
  return {
    price: discount * (strike * normCdf(-d2) - future * normCdf(-d1)),
    delta: -discount * normCdf(-d1),
  };
}

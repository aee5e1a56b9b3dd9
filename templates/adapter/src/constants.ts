/** The venue code in instrument ids (`BTCUSDT.{{VENUE_CODE}}`). */
export const VENUE_CODE = '{{VENUE_CODE}}';

/** The venue's plugin name, as descriptors spell it (`venue: {{venue}}`). */
export const VENUE_NAME = '{{venue}}';

/** Fee rate the venue charges a taker, as a fraction of notional (0.1 %). */
export const TAKER_FEE_RATE = 0.001;

/** Fee rate the venue charges a maker, as a fraction of notional (0.08 %). */
export const MAKER_FEE_RATE = 0.0008;

import { type CryptoSpotInstrument, IdentifierError } from '@quantkubera/core';
import { VENUE_CODE } from './constants.js';
import type { RestClient } from './http/index.js';
import { parseMarket } from './parse.js';

/** Loads the venue's markets as canonical instruments and maps venue symbols to instrument ids. */
export class InstrumentProvider {
  readonly #rest: RestClient;
  readonly #byId = new Map<string, CryptoSpotInstrument>();
  readonly #bySymbol = new Map<string, CryptoSpotInstrument>();

  constructor(rest: RestClient) {
    this.#rest = rest;
  }

  /** Fetches the venue's markets (again), replacing what was loaded. */
  async load(): Promise<CryptoSpotInstrument[]> {
    const instruments = (await this.#rest.markets()).map(parseMarket);
    this.#byId.clear();
    this.#bySymbol.clear();
    for (const instrument of instruments) {
      this.#byId.set(instrument.id, instrument);
      this.#bySymbol.set(instrument.venueSymbol, instrument);
    }
    return instruments;
  }

  /** The loaded instruments. */
  all(): CryptoSpotInstrument[] {
    return [...this.#byId.values()];
  }

  /** The venue symbol of an instrument id; throws for an instrument the venue does not list. */
  symbolOf(instrumentId: string): string {
    const instrument = this.#byId.get(instrumentId);
    if (instrument === undefined) {
      throw new IdentifierError(
        'instrument id',
        instrumentId,
        `not listed on ${VENUE_CODE} (${this.#byId.size} markets loaded)`,
      );
    }
    return instrument.venueSymbol;
  }

  /** The instrument id of a venue symbol, or undefined for one not loaded. */
  idOf(symbol: string): string | undefined {
    return this.#bySymbol.get(symbol)?.id;
  }
}

import { QuantKuberaError, type QuantKuberaErrorOptions } from '../errors/index.js';

/**
 * An adapter broke its port contract in a conformance case: says which case and what was
 * expected against what happened.
 *
 * @example
 * ```ts
 * // ConformanceError: [gateway: cancel of an unknown order] expected a CANCEL ack with accepted: false
 * ```
 */
export class ConformanceError extends QuantKuberaError {
  override readonly _tag = 'ConformanceError' as const;
  declare readonly code: 'CONFORMANCE_FAILED';
  /** The name of the failing case. */
  readonly caseName: string;

  constructor(caseName: string, message: string, options?: QuantKuberaErrorOptions) {
    super('CONFORMANCE_FAILED', `[${caseName}] ${message}`, options);
    this.caseName = caseName;
  }
}

import { QuantKuberaError, type QuantKuberaErrorOptions } from './quantkubera-error.js';

/**
 * An argument or option is outside its documented domain: a non-positive period, a Poisson mean
 * that is not finite, a session whose close is before its open. Says which argument of which
 * function, what it was and what was expected.
 *
 * @example
 * ```ts
 * new Sma(0); // InvalidArgumentError: Sma period: expected an integer >= 1, got 0
 * ```
 */
export class InvalidArgumentError extends QuantKuberaError {
  override readonly _tag = 'InvalidArgumentError' as const;
  declare readonly code: 'INVALID_ARGUMENT';
  /** Which argument, qualified by its owner (`Sma period`, `Rng.nextInt max`). */
  readonly argument: string;
  /** The offending value. */
  readonly value: unknown;

  constructor(argument: string, value: unknown, expected: string, options?: QuantKuberaErrorOptions) {
    super('INVALID_ARGUMENT', `${argument}: expected ${expected}, got ${show(value)}`, options);
    this.argument = argument;
    this.value = value;
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

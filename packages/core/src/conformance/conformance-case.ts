import { parseEvent } from '../schemas/index.js';
import { ConformanceError } from './conformance-error.js';

/**
 * One check of a conformance suite, independent of any test runner: `run` resolves when the
 * implementation conforms and rejects with a {@link ConformanceError} when it does not.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * for (const c of gatewayConformanceCases(harness)) it(c.name, c.run);
 * ```
 */
export interface ConformanceCase {
  /** What the case checks, as a test title. */
  readonly name: string;
  /** Runs the case on a fresh fixture. */
  readonly run: () => Promise<void>;
}

/** Assertion helpers bound to one case's name, so every failure says where it came from. */
export class CaseAsserts {
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  /** Throws a {@link ConformanceError} with `message` unless `condition` holds. */
  check(condition: boolean, message: string): asserts condition {
    if (!condition) throw new ConformanceError(this.#name, message);
  }

  /** Validates every event against its canonical schema, naming the first invalid one. */
  canonical(events: readonly unknown[]): void {
    events.forEach((event, i) => {
      try {
        parseEvent(event, `event ${i}`);
      } catch (cause) {
        const detail = cause instanceof Error ? cause.message : String(cause);
        throw new ConformanceError(this.#name, `event ${i} is not a valid canonical event: ${detail}`, {
          cause,
        });
      }
    });
  }
}

/**
 * Throws a {@link ConformanceError} named after `t`'s case unless `condition` holds. A function
 * rather than a method so it narrows inside callbacks whose parameters are inferred.
 */
export function check(t: CaseAsserts, condition: boolean, message: string): asserts condition {
  t.check(condition, message);
}

/** Runs `body` with a fresh fixture and disposes of it afterwards, whatever happened. */
export async function withFixture<F extends { dispose?: () => Promise<void> }>(
  create: () => F | Promise<F>,
  body: (fixture: F) => Promise<void>,
): Promise<void> {
  const fixture = await create();
  try {
    await body(fixture);
  } finally {
    await fixture.dispose?.();
  }
}

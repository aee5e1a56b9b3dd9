import type { z } from 'zod';
import { QuantKuberaError, type QuantKuberaErrorOptions } from './quantkubera-error.js';

/** One problem with one field of a validated record. */
export interface ValidationIssue {
  /** Path from the record's root to the field, e.g. `['levels', 3, 'price']`. */
  readonly path: readonly (string | number)[];
  /** The path as a display string, e.g. `levels[3].price` (`(root)` for the record itself). */
  readonly pathString: string;
  /** What was wrong. */
  readonly message: string;
  /** The zod issue code (`invalid_type`, `too_small`, ...). */
  readonly code: string;
}

/** Formats a field path as `a.b[2].c`; `(root)` when empty. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out.startsWith('[') ? `(root)${out}` : out;
}

/**
 * A record failed validation. `issues` names every bad field by path; the message lists them.
 * `source` says where the record came from (a file and line, a venue message, a descriptor).
 */
export class ValidationError extends QuantKuberaError {
  override readonly _tag = 'ValidationError' as const;
  /** Every field that failed, in schema order. */
  readonly issues: readonly ValidationIssue[];
  /** Where the record came from, when known (file:line, venue channel, ...). */
  readonly source: string | undefined;

  constructor(
    what: string,
    issues: readonly ValidationIssue[],
    options?: QuantKuberaErrorOptions & { source?: string },
  ) {
    const where = options?.source === undefined ? '' : ` (${options.source})`;
    const list = issues.map((i) => `${i.pathString}: ${i.message}`).join('; ');
    super('VALIDATION_FAILED', `invalid ${what}${where}: ${list}`, options);
    this.issues = issues;
    this.source = options?.source;
  }

  /** Builds a ValidationError from a zod error, keeping each issue's path. */
  static fromZod(what: string, error: z.ZodError, source?: string): ValidationError {
    const issues = error.issues.map(
      (issue): ValidationIssue => ({
        path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
        pathString: formatPath(issue.path),
        message: issue.message,
        code: issue.code,
      }),
    );
    return new ValidationError(
      what,
      issues,
      source === undefined ? { cause: error } : { cause: error, source },
    );
  }
}

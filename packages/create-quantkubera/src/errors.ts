/** What went wrong, as stable codes a script can match on. */
export const CREATE_ERROR_CODES = {
  /** A command-line option is unknown or has a bad value. */
  BAD_OPTION: 'a command-line option is unknown or has a bad value',
  /** The project name is not a valid npm package name. */
  BAD_NAME: 'the project name is not a valid npm package name',
  /** The target directory exists and is not empty. */
  DIRECTORY_NOT_EMPTY: 'the target directory is not empty',
  /** A value is missing and there is no terminal to ask for it. */
  NOT_INTERACTIVE: 'a value is missing and stdin is not a terminal',
  /** The user cancelled a prompt. */
  CANCELLED: 'cancelled',
  /** The templates shipped with the initializer cannot be found. */
  TEMPLATES_MISSING: 'the templates are missing',
} as const;

/** A stable code from {@link CREATE_ERROR_CODES}. */
export type CreateErrorCode = keyof typeof CREATE_ERROR_CODES;

/**
 * An error the initializer reports to the user: a code and a message that says what was wrong
 * and how to fix it. It mirrors QuantKuberaError's shape (`_tag`, `code`) without depending on
 * `@quantkubera/core`, so `npm create quantkubera` downloads one small package.
 */
export class CreateError extends Error {
  /** Discriminant. */
  readonly _tag = 'CreateError' as const;
  /** A stable code. */
  readonly code: CreateErrorCode;

  constructor(code: CreateErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'CreateError';
  }
}

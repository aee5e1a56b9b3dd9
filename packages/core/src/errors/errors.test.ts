import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DecodeError } from './decode-error.js';
import { ERROR_CODES } from './error-codes.js';
import { isQuantKuberaError, QuantKuberaError, toQuantKuberaError } from './quantkubera-error.js';
import { formatPath, ValidationError } from './validation-error.js';

describe('QuantKuberaError', () => {
  it('carries a tag, a documented code and the cause', () => {
    const cause = new Error('disk full');
    const err = new QuantKuberaError('UNKNOWN', 'boom', { cause });
    expect(err._tag).toBe('QuantKuberaError');
    expect(err.code).toBe('UNKNOWN');
    expect(err.cause).toBe(cause);
    expect(err.codeDescription).toBe(ERROR_CODES.UNKNOWN);
    expect(err.name).toBe('QuantKuberaError');
    expect(err).toBeInstanceOf(Error);
  });

  it('subclasses narrow the tag and keep their name', () => {
    const err = new DecodeError('DECODE_TRUNCATED', 'short', 'trade', 12);
    expect(err._tag).toBe('DecodeError');
    expect(err.name).toBe('DecodeError');
    expect(err.message).toBe('cannot decode trade at byte 12: short');
    expect(isQuantKuberaError(err)).toBe(true);
  });
});

describe('toQuantKuberaError', () => {
  it('passes ours through and wraps anything else', () => {
    const ours = new QuantKuberaError('UNKNOWN', 'x');
    expect(toQuantKuberaError(ours)).toBe(ours);
    const wrapped = toQuantKuberaError(new TypeError('bad'), 'loading ticks');
    expect(wrapped.message).toBe('loading ticks: bad');
    expect(wrapped.cause).toBeInstanceOf(TypeError);
    expect(toQuantKuberaError('oops').message).toBe('non-error value thrown: "oops"');
    expect(toQuantKuberaError({ a: 1 }).message).toBe('non-error value thrown: {"a":1}');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(toQuantKuberaError(circular).message).toBe('non-error value thrown: [object Object]');
  });
});

describe('ValidationError', () => {
  it('formats paths and lists every issue', () => {
    expect(formatPath([])).toBe('(root)');
    expect(formatPath(['levels', 3, 'price'])).toBe('levels[3].price');
    expect(formatPath([0, 'a'])).toBe('(root)[0].a');
    const result = z.object({ a: z.number(), b: z.array(z.string()) }).safeParse({ a: 'x', b: [1] });
    if (result.success) throw new Error('expected failure');
    const err = ValidationError.fromZod('row', result.error, 'file.csv:3');
    expect(err.issues.map((i) => i.pathString)).toEqual(['a', 'b[0]']);
    expect(err.message).toMatch(/^invalid row \(file\.csv:3\): a: .*; b\[0\]: /);
    expect(err.source).toBe('file.csv:3');
    expect(err.code).toBe('VALIDATION_FAILED');
  });
});

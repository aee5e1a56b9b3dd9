import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, toQuantKuberaError, ValidationError } from '@quantkubera/core';
import { parse as parseYaml } from 'yaml';
import { type DescriptorSweepOptions, sweepDescriptor } from './sweep-descriptor.js';
import type { SweepResult } from './sweep-runner.js';
import { parseSweepSpec, type SweepSpec } from './sweep-spec.js';

/** Reads a sweep specification from a YAML or JSON file; errors name the file and field path. */
export function readSweepSpec(file: string): SweepSpec {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new InvalidArgumentError('sweep spec file', path, 'a readable file', { cause });
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new ValidationError(
      'sweep spec file',
      [{ path: [], pathString: '(root)', message: toQuantKuberaError(cause).message, code: 'syntax' }],
      { cause, source: path },
    );
  }
  return parseSweepSpec(raw, path);
}

/**
 * Sweeps the descriptor in `descriptorFile` with the spec in `specFile` (what
 * `quantkubera sweep` runs): every trial a full backtest, fanned out over worker threads.
 *
 * @example
 * ```ts
 * const result = await sweepFiles('examples/sma-crossover/backtest.yaml', 'examples/sma-crossover/sweep.yaml', { workers: 2 });
 * console.log(result.best?.params, result.dir);
 * ```
 */
export function sweepFiles(
  descriptorFile: string,
  specFile: string,
  options: DescriptorSweepOptions = {},
): Promise<SweepResult & { readonly dir: string }> {
  return sweepDescriptor(resolve(descriptorFile), readSweepSpec(specFile), options);
}

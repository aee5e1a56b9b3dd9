import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  InvalidArgumentError,
  QuantKuberaError,
  toQuantKuberaError,
  ValidationError,
} from '@quantkubera/core';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { isStrategyDefinition, type StrategyDefinition } from '../strategy/strategy-definition.js';
import { type DeploymentDescriptor, parseDescriptor, type StrategyEntry } from './descriptor.js';

/** A descriptor read from a file, with where it came from. */
export interface LoadedDescriptor {
  readonly descriptor: DeploymentDescriptor;
  /** Absolute path of the file. */
  readonly path: string;
  /** Directory relative paths in the descriptor resolve against. */
  readonly baseDir: string;
  /** SHA-256 of the file's bytes: recorded in the run manifest. */
  readonly hash: string;
}

/**
 * Reads a YAML (`.yaml`, `.yml`) or JSON descriptor file and validates it. Syntax errors name the
 * line and column; schema errors name each field's path and the file.
 */
export async function loadDescriptor(file: string): Promise<LoadedDescriptor> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InvalidArgumentError('descriptor file', path, 'a readable file', { cause });
  }
  const hash = createHash('sha256').update(text).digest('hex');
  let raw: unknown;
  try {
    raw = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (cause) {
    const where =
      cause instanceof YAMLParseError && cause.linePos !== undefined
        ? `${path}:${cause.linePos[0].line}:${cause.linePos[0].col}`
        : path;
    throw new ValidationError(
      'descriptor file',
      [{ path: [], pathString: '(root)', message: toQuantKuberaError(cause).message, code: 'syntax' }],
      { cause, source: where },
    );
  }
  return { descriptor: parseDescriptor(raw, path), path, baseDir: dirname(path), hash };
}

/** A strategy module failed to load or does not export a strategy. */
export class StrategyLoadError extends QuantKuberaError {
  override readonly _tag = 'StrategyLoadError' as const;
  /** The module specifier as written in the descriptor. */
  readonly module: string;

  constructor(module: string, detail: string, options?: { cause?: unknown }) {
    super('STRATEGY_LOAD_FAILED', `strategy module ${module}: ${detail}`, options);
    this.module = module;
  }
}

let tsLoader: Promise<void> | undefined;

/** Registers tsx's loader once, so strategy modules written in TypeScript import directly. */
async function enableTypeScript(): Promise<void> {
  tsLoader ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  await tsLoader;
}

/**
 * Imports the strategy an entry names: a path relative to `baseDir` (`.ts` works through tsx) or
 * a package specifier.
 */
export async function loadStrategy(entry: StrategyEntry, baseDir: string): Promise<StrategyDefinition> {
  const local = entry.module.startsWith('.') || isAbsolute(entry.module);
  const target = local ? pathToFileURL(resolve(baseDir, entry.module)).href : entry.module;
  if (/\.(c|m)?tsx?$/.test(entry.module)) await enableTypeScript();
  let mod: Record<string, unknown>;
  try {
    mod = (await import(target)) as Record<string, unknown>;
  } catch (cause) {
    throw new StrategyLoadError(entry.module, `cannot import: ${toQuantKuberaError(cause).message}`, {
      cause,
    });
  }
  const value = mod[entry.export];
  if (!isStrategyDefinition(value)) {
    throw new StrategyLoadError(
      entry.module,
      `export ${JSON.stringify(entry.export)} is not a strategy (use defineStrategy); exports: ${Object.keys(mod).join(', ')}`,
    );
  }
  return value;
}

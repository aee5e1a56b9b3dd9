import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { eventCodec } from '../codec/index.js';
import { ValidationError } from '../errors/index.js';
import { MicrosSchema } from '../schemas/index.js';
import { writeFileAtomic } from './wal-directory.js';
import { WalError } from './wal-errors.js';

/** File name of the run manifest inside a WAL directory. */
export const MANIFEST_FILE = 'manifest.json';

/**
 * The run manifest written beside a log when it is created: what produced the log, so a replay
 * can check it runs the same code and configuration. Immutable once written.
 */
export const RunManifestSchema = z.object({
  /** Always `quantkubera-wal`. */
  format: z.literal('quantkubera-wal'),
  /** The on-disk format version (docs/wal-format.md). */
  formatVersion: z.literal(1),
  /** Version of `@quantkubera/core` that created the log. */
  codeVersion: z.string().min(1),
  /** Current schema version of every event kind the writer knew, by kind. */
  schemaVersions: z.record(z.string(), z.number().int().min(1).max(255)),
  /** Hash of the deployment descriptor or configuration of the run (see {@link hashConfig}). */
  configHash: z.string().min(1),
  /** The run's PRNG seed, or null when the run has none. */
  seed: z.union([z.number(), z.string()]).nullable(),
  /** When the log was created, epoch µs from the run's Clock. */
  createdUs: MicrosSchema,
  /** Free-form labels (strategy name, host, mode...). */
  labels: z.record(z.string(), z.string()).optional(),
});

/** A validated run manifest. */
export type RunManifest = z.infer<typeof RunManifestSchema>;

/** What the caller says about a run when it creates a log; the rest of the manifest is derived. */
export interface RunInfo {
  /** Hash of the run's descriptor or configuration, e.g. from {@link hashConfig}. */
  readonly configHash: string;
  /** The run's PRNG seed; omit for runs without randomness. */
  readonly seed?: number | string;
  /** Creation time, epoch µs, read from the run's Clock (core never reads the wall clock itself). */
  readonly createdUs: number;
  /** Free-form labels. */
  readonly labels?: Readonly<Record<string, string>>;
}

let coreVersion: string | undefined;

/** The version of `@quantkubera/core` running now (read once from its package.json). */
export function coreCodeVersion(): string {
  if (coreVersion === undefined) {
    // src/wal and dist/wal both sit two levels below the package root.
    const url = new URL('../../package.json', import.meta.url);
    const version = (JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown }).version;
    coreVersion = typeof version === 'string' ? version : '0.0.0-unknown';
  }
  return coreVersion;
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * A stable hash of a descriptor or configuration: SHA-256 of its JSON with keys sorted at every
 * level, so key order does not change it.
 *
 * @example
 * ```ts
 * hashConfig({ b: 1, a: [1, 2] }) === hashConfig({ a: [1, 2], b: 1 }); // true
 * ```
 */
export function hashConfig(config: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(config)).digest('hex')}`;
}

/** Builds the manifest for a new log from what the caller knows about the run. */
export function createRunManifest(run: RunInfo): RunManifest {
  const schemaVersions: Record<string, number> = {};
  for (const k of eventCodec.kinds()) schemaVersions[k.kind] = k.version;
  const manifest = {
    format: 'quantkubera-wal' as const,
    formatVersion: 1 as const,
    codeVersion: coreCodeVersion(),
    schemaVersions,
    configHash: run.configHash,
    seed: run.seed ?? null,
    createdUs: run.createdUs,
    ...(run.labels === undefined ? {} : { labels: { ...run.labels } }),
  };
  return parseRunManifest(manifest, 'run info');
}

/** Validates a manifest read from anywhere (a file, Arrow metadata); throws ValidationError. */
export function parseRunManifest(input: unknown, source: string): RunManifest {
  const result = RunManifestSchema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod('run manifest', result.error, source);
  return result.data;
}

/** Reads and validates the manifest of the log in `dir`; `undefined` when there is none. */
export function readRunManifest(dir: string): RunManifest | undefined {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new WalError('WAL_MANIFEST', path, 'the manifest is not valid JSON', { cause });
  }
  try {
    return parseRunManifest(value, path);
  } catch (cause) {
    throw new WalError('WAL_MANIFEST', path, (cause as Error).message, { cause });
  }
}

/** Writes the manifest of the log in `dir` atomically. */
export function writeRunManifest(dir: string, manifest: RunManifest): void {
  writeFileAtomic(dir, MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Checks that `run` describes the same run as an existing manifest (configuration hash and seed);
 * a different run must not append to this log.
 */
export function checkSameRun(manifest: RunManifest, run: RunInfo, path: string): void {
  const seed = run.seed ?? null;
  if (manifest.configHash !== run.configHash || manifest.seed !== seed) {
    throw new WalError(
      'WAL_MANIFEST',
      path,
      `the log belongs to run ${manifest.configHash} (seed ${String(manifest.seed)}), ` +
        `not ${run.configHash} (seed ${String(seed)})`,
    );
  }
}

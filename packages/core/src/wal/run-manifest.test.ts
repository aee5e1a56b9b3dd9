import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { coreCodeVersion, createRunManifest, hashConfig, RunManifestSchema } from './index.js';
import { parseRunManifest } from './run-manifest.js';

describe('hashConfig', () => {
  it('ignores key order at every level and changes with any value', () => {
    const a = hashConfig({ strategy: 'x', params: { fast: 5, slow: 20 }, venues: ['NSE', 'BINANCE'] });
    const b = hashConfig({ venues: ['NSE', 'BINANCE'], params: { slow: 20, fast: 5 }, strategy: 'x' });
    expect(a).toBe(b);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hashConfig({ strategy: 'x', params: { fast: 5, slow: 21 }, venues: ['NSE', 'BINANCE'] })).not.toBe(
      a,
    );
    expect(hashConfig({ venues: ['BINANCE', 'NSE'] })).not.toBe(hashConfig({ venues: ['NSE', 'BINANCE'] }));
    expect(hashConfig({ a: undefined, b: 1 })).toBe(hashConfig({ b: 1 }));
  });
});

describe('run manifest', () => {
  it('records schema versions, code version, config hash, seed and creation time', () => {
    const manifest = createRunManifest({
      configHash: hashConfig({ a: 1 }),
      seed: 'abc',
      createdUs: 5,
      labels: { mode: 'paper' },
    });
    expect(RunManifestSchema.parse(manifest)).toEqual(manifest);
    expect(manifest.seed).toBe('abc');
    expect(manifest.labels).toEqual({ mode: 'paper' });
    expect(manifest.schemaVersions).toMatchObject({ trade: 1, quote: 1, health: 1 });
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(coreCodeVersion()).toBe(pkg.version);
    expect(createRunManifest({ configHash: 'h', createdUs: 0 }).seed).toBeNull();
  });

  it('rejects invalid manifests with a ValidationError naming the field', () => {
    expect(() => createRunManifest({ configHash: '', createdUs: 1 })).toThrow(ValidationError);
    let error: unknown;
    try {
      parseRunManifest({ format: 'quantkubera-wal', formatVersion: 1 }, 'm.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.pathString)).toContain('configHash');
    expect((error as ValidationError).message).toContain('m.json');
  });
});

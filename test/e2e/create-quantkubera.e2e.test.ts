import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
/** The published packages: the strategy template needs core, sdk and backtest; native-ring is packed and checked too. */
const PACKAGES = {
  '@quantkubera/core': 'packages/core',
  '@quantkubera/sdk': 'packages/sdk',
  '@quantkubera/backtest': 'packages/backtest',
  '@quantkubera/native-ring': 'packages/native-ring',
  'create-quantkubera': 'packages/create-quantkubera',
} as const;
type PackageName = keyof typeof PACKAGES;

/**
 * The environment of child processes, without what `npm run` injected into ours: a child npm must
 * see the scaffolded project, not this workspace.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (
      lower.startsWith('npm_') &&
      !['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig'].includes(lower)
    ) {
      continue;
    }
    if (key === 'INIT_CWD' || key === 'VITEST' || key.startsWith('VITEST_') || key === 'NODE_OPTIONS')
      continue;
    env[key] = value;
  }
  return {
    ...env,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    NO_UPDATE_NOTIFIER: '1',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd,
    env: childEnv(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

let work: string;
const tarballs = {} as Record<PackageName, string>;
const packed = {} as Record<PackageName, string[]>;

/** Points the project's QuantKubera dependencies at the tarballs, directly and transitively. */
function useTarballs(project: string): void {
  const path = join(project, 'package.json');
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as {
    dependencies?: Record<string, string>;
    overrides?: Record<string, string>;
  };
  const overrides: Record<string, string> = {};
  for (const name of ['@quantkubera/core', '@quantkubera/sdk', '@quantkubera/backtest'] as const) {
    overrides[name] = `file:${tarballs[name]}`;
    if (pkg.dependencies?.[name] !== undefined) pkg.dependencies[name] = overrides[name];
  }
  pkg.overrides = overrides;
  writeFileSync(path, `${JSON.stringify(pkg, null, 2)}\n`);
}

function scaffold(args: readonly string[]): string {
  run(
    'npm',
    ['exec', '--yes', `--package=${tarballs['create-quantkubera']}`, '--', 'create-quantkubera', ...args],
    work,
  );
  return join(work, args[0] as string);
}

beforeAll(() => {
  for (const dir of Object.values(PACKAGES)) {
    if (!existsSync(join(repo, dir, 'dist')))
      throw new Error(`${dir}/dist is missing: run \`npm run build\` first`);
  }
  work = mkdtempSync(join(tmpdir(), 'qk-e2e-'));
  for (const [name, dir] of Object.entries(PACKAGES) as [PackageName, string][]) {
    const out = run('npm', ['pack', '--json', '--pack-destination', work], join(repo, dir)).stdout;
    const [info] = JSON.parse(out.slice(out.indexOf('['))) as {
      filename: string;
      files: { path: string }[];
    }[];
    if (info === undefined) throw new Error(`npm pack ${name} printed no report`);
    tarballs[name] = join(work, info.filename);
    packed[name] = info.files.map((f) => f.path);
  }
});

describe('published packages', () => {
  it('ship built code, types and READMEs, and no tests, sources, source maps or build info', () => {
    for (const [name, files] of Object.entries(packed) as [PackageName, string[]][]) {
      expect(files, name).toContain('package.json');
      expect(files, name).toContain('README.md');
      // Template files are what a project starts from, tests included: only the package's own count.
      const junk = files.filter(
        (f) =>
          (!f.startsWith('templates/') && /\.test\.|\.test-support\.|\.map$|\.tsbuildinfo$/.test(f)) ||
          (f.startsWith('src/') && f.endsWith('.ts')),
      );
      expect(junk, name).toEqual([]);
      if (name !== 'create-quantkubera') expect(files, name).toContain('dist/index.d.ts');
    }
    expect(packed['create-quantkubera']).toContain('templates/strategy/backtest.yaml');
    expect(packed['create-quantkubera']).toContain('templates/adapter/test/conformance.test.ts');
    expect(packed['@quantkubera/core']).toContain('dist/conformance/index.js');
  });
});

describe('npm create quantkubera (from the packed tarballs)', () => {
  it('scaffolds a strategy project whose backtest, generated strategy, tests and types all pass', () => {
    const project = scaffold(['desk-momentum', '--yes', '--template', 'strategy', '--venue', 'zerodha']);
    expect(readdirSync(project)).toContain('paper.yaml');
    useTarballs(project);
    run('npm', ['install'], project);
    const backtest = run('npm', ['run', 'backtest', '--', '--no-progress'], project).stdout;
    expect(backtest).toMatch(/desk-momentum/);
    expect(existsSync(join(project, 'runs', 'desk-momentum', 'orders.csv'))).toBe(true);
    expect(existsSync(join(project, 'runs', 'desk-momentum', 'summary.json'))).toBe(true);
    const replay = run('npm', ['run', 'replay'], project).stdout;
    expect(replay).toMatch(/replay identical/);
    run('npx', ['quantkubera', 'new', 'strategy', 'mean-reversion'], project);
    const tests = run('npm', ['test'], project);
    expect(`${tests.stdout}${tests.stderr}`).toMatch(/Test Files\s+2 passed/);
    run('npm', ['run', 'typecheck'], project);
  });

  it('scaffolds an adapter that passes the conformance suite and builds', () => {
    const project = scaffold(['adapter-kraken', '--yes', '--template', 'adapter', '--venue', 'kraken']);
    useTarballs(project);
    run('npm', ['install'], project);
    const tests = run('npm', ['test'], project);
    expect(`${tests.stdout}${tests.stderr}`).toMatch(/Tests\s+17 passed/);
    run('npm', ['run', 'typecheck'], project);
    run('npm', ['run', 'build'], project);
    expect(existsSync(join(project, 'dist', 'index.d.ts'))).toBe(true);
  });
});

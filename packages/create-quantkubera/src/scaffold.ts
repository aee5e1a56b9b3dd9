import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateError } from './errors.js';
import { runNameOf, type TemplateName, VENUES } from './options.js';

/** Everything a scaffold needs, validated. */
export interface ScaffoldOptions {
  /** Where the project goes; created, or an existing empty directory. */
  readonly directory: string;
  /** The npm package name. */
  readonly packageName: string;
  readonly template: TemplateName;
  /** A strategy venue preset name, or an adapter's venue plugin name. */
  readonly venue: string;
  /** Strategy instruments (ignored by the adapter template). */
  readonly instruments: readonly string[];
  /** The version range of the QuantKubera packages the project depends on. */
  readonly qkVersion: string;
}

/** Files npm never packs under their real name, restored when scaffolding. */
const RENAMES: Readonly<Record<string, string>> = { _gitignore: '.gitignore' };
/** Entries a directory may hold and still count as empty. */
const IGNORABLE = new Set(['.git', '.DS_Store']);

/**
 * The templates folder: beside `dist/` in the published package (copied at pack time), or the
 * repository's `templates/` when run from the workspace.
 */
export function templatesRoot(): string {
  const candidates = ['../templates/', '../../../templates/'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  const found = candidates.find((dir) => existsSync(join(dir, 'strategy', 'package.json')));
  if (found === undefined) {
    throw new CreateError('TEMPLATES_MISSING', `no templates found (looked in ${candidates.join(' and ')})`);
  }
  return found;
}

/** Throws when `directory` exists and holds anything but VCS metadata. */
export function assertEmptyDirectory(directory: string): void {
  if (!existsSync(directory)) return;
  if (!statSync(directory).isDirectory()) {
    throw new CreateError('DIRECTORY_NOT_EMPTY', `${directory} exists and is a file`);
  }
  const entries = readdirSync(directory).filter((e) => !IGNORABLE.has(e));
  if (entries.length > 0) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', ...' : '');
    throw new CreateError(
      'DIRECTORY_NOT_EMPTY',
      `${directory} is not empty (${shown}); choose a new directory, nothing was written`,
    );
  }
}

/** The placeholder values of a scaffold. */
export function placeholders(options: ScaffoldOptions): Record<string, string> {
  const values: Record<string, string> = {
    packageName: options.packageName,
    runName: runNameOf(options.packageName),
    venue: options.venue,
    qkVersion: options.qkVersion,
    VENUE_CODE: options.venue.toUpperCase().replace(/-/g, '_'),
  };
  const preset = VENUES[options.venue];
  if (options.template === 'strategy' && preset !== undefined) {
    Object.assign(values, {
      instrumentList: options.instruments.join(', '),
      baseCurrency: preset.baseCurrency,
      capital: String(preset.capital),
      quantity: String(preset.quantity),
      maxOrderNotional: String(preset.maxOrderNotional),
      timeframe: '5m',
      days: '2',
    });
  }
  return values;
}

/** Replaces every `{{key}}`; an unknown key is a bug in the templates, so it throws. */
export function fill(text: string, values: Readonly<Record<string, string>>, file: string): string {
  return text.replace(/\{\{([A-Za-z_]+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new CreateError('TEMPLATES_MISSING', `${file}: no value for {{${key}}}`);
    return value;
  });
}

/** Writes the template into the directory; returns the files written, relative to it. */
export function scaffold(options: ScaffoldOptions, root = templatesRoot()): string[] {
  assertEmptyDirectory(options.directory);
  const source = join(root, options.template);
  const values = placeholders(options);
  // Render everything first: a template error must not leave a half-written project behind.
  const files: [string, string][] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(path);
        continue;
      }
      const rel = relative(source, path);
      const target = join(dirname(rel), RENAMES[entry.name] ?? entry.name);
      files.push([target, fill(readFileSync(path, 'utf8'), values, `${options.template}/${rel}`)]);
    }
  };
  walk(source);
  for (const [rel, text] of files) {
    const target = join(options.directory, rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  return files.map(([rel]) => rel);
}

import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError } from '@quantkubera/core';

function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Writes a CSV file: a header line, then one line per row (RFC 4180 quoting). */
export function writeCsvFile(
  path: string,
  header: readonly string[],
  rows: Iterable<readonly unknown[]>,
): void {
  const lines = [header.join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

function splitLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

/** Reads a CSV file written by {@link writeCsvFile} into records keyed by the header. */
export function readCsvFile(path: string): Record<string, string>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new InvalidArgumentError('results file', path, 'a readable CSV file', { cause });
  }
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = splitLine(lines[0] ?? '');
  return lines.slice(1).map((line, i) => {
    const cells = splitLine(line);
    if (cells.length !== header.length) {
      throw new InvalidArgumentError(`${path}:${i + 2}`, line, `${header.length} fields`);
    }
    return Object.fromEntries(header.map((h, j) => [h, cells[j]!]));
  });
}

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readExperiments, runBacktest, writeReport } from '@quantkubera/backtest';
import { loadDescriptor } from '@quantkubera/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
const STRATEGY = fileURLToPath(new URL('../../../examples/sma-crossover/strategy.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'qk-report-'));
let reportPath = '';

beforeAll(async () => {
  const descriptor = join(dir, 'backtest.yaml');
  writeFileSync(
    descriptor,
    `name: report-test
mode: backtest
seed: 3
venue: zerodha
baseCurrency: INR
capital: { INR: 1000000 }
instruments: [RELIANCE.NSE]
strategies:
  - module: ${JSON.stringify(STRATEGY)}
    params: { instrument: RELIANCE.NSE, timeframe: 1m, fast: 5, slow: 20, quantity: 100 }
data: { type: synthetic, scenario: normal-day, start: 2024-11-04, days: 2 }
execution: { matching: L1, fees: { schedule: zerodha, equityProduct: intraday } }
results: { dir: ./runs }
`,
  );
  const summary = await runBacktest(await loadDescriptor(descriptor));
  reportPath = writeReport(summary.resultsDir);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the HTML tearsheet', () => {
  it('is self-contained: no script, stylesheet or image is fetched', async () => {
    const { readFileSync } = await import('node:fs');
    const html = readFileSync(reportPath, 'utf8');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
    for (const id of ['equity', 'drawdown', 'price-0', 'monthly', 'trade-distribution'])
      expect(html).toContain(`id="${id}"`);
  });

  it('records the run in the experiment store', () => {
    const [record] = readExperiments(join(dir, 'runs'));
    expect(record).toMatchObject({ kind: 'run', name: 'report-test', seed: 3 });
    expect(record!.artifacts.files).toContain('stats.json');
  });

  it.skipIf(!hasChromium)(
    `renders its charts in headless Chromium without console errors${hasChromium ? '' : ` (SKIPPED: ${CHROMIUM} not installed; apt-get install -y chromium)`}`,
    async () => {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        const errors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('request', (r) => {
          if (!r.url().startsWith('file:')) errors.push(`network request ${r.url()}`);
        });
        await page.goto(pathToFileURL(reportPath).href);
        const charts = await page.$$eval('svg.chart', (svgs) =>
          svgs.map((svg) => {
            const box = svg.getBoundingClientRect();
            return {
              id: svg.id,
              width: box.width,
              height: box.height,
              shapes: svg.querySelectorAll('path,rect,polygon').length,
            };
          }),
        );
        for (const id of ['equity', 'drawdown', 'price-0', 'monthly', 'trade-distribution']) {
          const chart = charts.find((c) => c.id === id);
          expect(chart, id).toBeDefined();
          expect(chart!.width).toBeGreaterThan(100);
          expect(chart!.height).toBeGreaterThan(50);
          expect(chart!.shapes, id).toBeGreaterThan(0);
        }
        const seriesLength = await page.$eval('#equity path.series', (p) =>
          (p as unknown as { getTotalLength(): number }).getTotalLength(),
        );
        expect(seriesLength).toBeGreaterThan(100);
        expect(await page.$$eval('#price-0 polygon.marker', (m) => m.length)).toBeGreaterThan(0);
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'report-tearsheet.png'), fullPage: true });
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});

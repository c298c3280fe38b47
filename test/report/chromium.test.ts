import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/build-report.js';
import { COLORS } from '../../src/report/palette.js';
import type { ReportData } from '../../src/report/report-data.js';

/*
 * Opens a generated report in Debian's headless Chromium (installed by .ci/run when missing)
 * and checks that the page works as a researcher would use it. Set TRAJKIT_SCREENSHOT_DIR to
 * keep the screenshots.
 */

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SPARK = join(ROOT, '..', 'shared', 'data', 'spark', 'all_model_pdi');
const HOSTILE = join(ROOT, 'fixtures', 'report', 'hostile.jsonl');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the HTML report in headless Chromium', () => {
  let dir: string;
  let url: string;
  let data: ReportData;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: this test needs Debian's chromium package (apt-get install -y chromium; .ci/run installs it when missing)`);
    }
    dir = mkdtempSync(join(tmpdir(), 'trajkit-chromium-'));
    const out = join(dir, 'report.html');
    ({ data } = await writeReport({ inputs: [HOSTILE, SPARK], out, threads: 1, generated: 'by the Chromium test' }));
    url = pathToFileURL(out).href;
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1360, height: 900 },
    });
    page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await page.goto(url, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await context?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads from its own file only, without errors or blocked content', async () => {
    expect(requests).toEqual([url]);
    expect(problems).toEqual([]);
    // the inline sorting script ran (its hash matched the CSP): every sortable header has a handler
    expect(await page.evaluate(() => document.querySelectorAll('table.sortable th button').length)).toBeGreaterThan(5);
  });

  it('shows hostile text from the data as text and runs none of it', async () => {
    const facts = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      images: document.querySelectorAll('img').length,
      scripts: document.querySelectorAll('script').length,
      headings: [...document.querySelectorAll('.task-card h3')].map((h) => h.firstChild?.textContent ?? ''),
    }));
    expect(facts.pwned).toBeNull();
    expect(facts.images).toBe(0);
    expect(facts.scripts).toBe(1);
    expect(facts.headings).toContain('<img src=x onerror="window.__pwned=1">\\x00 café â\\x80\\x94 </script><script>window.__pwned=2</script>');
  });

  it('renders every task chart: PDI curve, threshold, trigger markers, reward bars, PASS markers', async () => {
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.task-card')].map((card) => {
        const box = (el: Element | null) => {
          const r = el?.getBoundingClientRect();
          return r ? { w: r.width, h: r.height } : { w: 0, h: 0 };
        };
        const all = (selector: string) => [...card.querySelectorAll(selector)];
        return {
          task: card.querySelector('h3')?.firstChild?.textContent ?? '',
          steps: Number(card.dataset.steps),
          triggers: Number(card.dataset.triggers),
          attempts: Number(card.dataset.attempts),
          svg: box(card.querySelector('svg.task-chart')),
          line: box(card.querySelector('path.pdi-line')),
          threshold: box(card.querySelector('line.threshold-line')),
          points: all('circle.pdi-point').length,
          markers: all('path.marker').filter((m) => box(m).w > 0 && box(m).h > 0).length,
          bars: all('rect.reward-bar').filter((b) => box(b).w > 0 && box(b).h > 0).length,
          passes: all('g.pass-marker').length,
        };
      }),
    );
    expect(charts).toHaveLength(data.tasks.length);
    for (const [i, chart] of charts.entries()) {
      const task = data.tasks[i];
      expect(chart.task).toBe(task.task.replace('\u0000', '\\x00').replace('\u0080', '\\x80').replace('\u0094', '\\x94'));
      expect(chart.svg.w, task.task).toBeGreaterThan(500);
      expect(chart.svg.h, task.task).toBeGreaterThan(200);
      expect(chart.threshold.w, task.task).toBeGreaterThan(400);
      expect(chart.bars, task.task).toBe(task.attempts.length);
      expect(chart.passes, task.task).toBe(task.attempts.filter((a) => a.passed).length);
      expect(chart.markers, task.task).toBe(chart.triggers);
      if (chart.steps > 0) expect(chart.points + chart.markers, task.task).toBe(chart.steps);
      // a curve needs two steps; a single one is a lone point
      if (chart.steps > 1) expect(chart.line.w, task.task).toBeGreaterThan(0);
    }
    expect(charts.filter((c) => c.triggers > 0).length).toBeGreaterThan(5);
  });

  it('renders the distributions and the intervention chart', async () => {
    const facts = await page.evaluate(() => ({
      charts: document.querySelectorAll('svg.distribution-chart').length,
      points: document.querySelectorAll('svg.distribution-chart circle.strip-point').length,
      boxes: [...document.querySelectorAll('svg.distribution-chart rect.box-body')].filter((b) => b.getBoundingClientRect().width > 0).length,
      rateBars: document.querySelectorAll('svg.intervention-chart rect.rate-bar').length,
    }));
    const steps = data.tasks.reduce((n, t) => n + t.steps.length, 0);
    expect(facts.charts).toBe(4);
    expect(facts.points).toBe(4 * steps);
    expect(facts.boxes).toBeGreaterThanOrEqual(4 * 2);
    expect(facts.rateBars).toBe(3);
  });

  it('sorts the task table when a header is clicked, empty cells last', async () => {
    const column = async (label: string) => {
      const index = await page.evaluate((l) => [...document.querySelectorAll('table.task-table thead th')].findIndex((th) => th.textContent?.trim() === l), label);
      return page.evaluate((i) => [...document.querySelectorAll('table.task-table tbody tr')].map((tr) => (tr as HTMLTableRowElement).cells[i].textContent ?? ''), index);
    };
    const numbers = (cells: string[]) => cells.filter((c) => c !== '').map((c) => Number(c.replace('\u2212', '-')));
    const header = (label: string) => page.locator('table.task-table thead th', { hasText: new RegExp(`^${label}$`) }).locator('button');

    await header('attempts').click();
    const up = numbers(await column('attempts'));
    expect(up).toEqual([...up].sort((a, b) => a - b));
    expect(await page.locator('table.task-table thead th[aria-sort="ascending"]').textContent()).toBe('attempts');
    await header('attempts').click();
    const down = numbers(await column('attempts'));
    expect(down).toEqual([...down].sort((a, b) => b - a));
    expect(new Set(down).size).toBeGreaterThan(2);

    await header('first pass').click();
    const firstPass = await column('first pass');
    const blank = firstPass.indexOf('');
    expect(blank).toBeGreaterThan(0);
    expect(firstPass.slice(blank).every((c) => c === '')).toBe(true);

    await header('task').click();
    const names = await column('task');
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('takes a screenshot in which the charts are visibly drawn', async () => {
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.length).toBeGreaterThan(100_000);

    // One chart with both trigger levels and a pass, decoded in a blank page: its colours must be on screen.
    const index = data.tasks.findIndex((t) => t.steps.some((s) => s.level === 'soft') && t.steps.some((s) => s.level === 'strong') && t.attempts.some((a) => a.passed));
    expect(index).toBeGreaterThanOrEqual(0);
    const chart = await page.locator(`#chart-${index}`).screenshot();
    const viewer = await context.newPage();
    const counts = await viewer.evaluate(
      async ({ base64, colors }) => {
        const image = new Image();
        image.src = `data:image/png;base64,${base64}`;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(image, 0, 0);
        const pixels = ctx.getImageData(0, 0, image.width, image.height).data;
        const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
        return Object.fromEntries(
          Object.entries(colors).map(([name, hex]) => {
            const [r, g, b] = rgb(hex);
            let n = 0;
            for (let p = 0; p < pixels.length; p += 4) if (Math.abs(pixels[p] - r) + Math.abs(pixels[p + 1] - g) + Math.abs(pixels[p + 2] - b) < 24) n++;
            return [name, n];
          }),
        );
      },
      { base64: chart.toString('base64'), colors: { pdi: COLORS.pdi, soft: COLORS.soft, strong: COLORS.strong, pass: COLORS.pass, threshold: COLORS.threshold } },
    );
    await viewer.close();
    for (const [name, n] of Object.entries(counts)) expect(n, name).toBeGreaterThan(20);

    const keep = process.env.TRAJKIT_SCREENSHOT_DIR;
    if (keep) {
      copyFileSync(shot, join(keep, 'trajkit-report.png'));
      await page.locator(`#task-${index}`).screenshot({ path: join(keep, 'trajkit-report-task.png') });
    }
  });
});

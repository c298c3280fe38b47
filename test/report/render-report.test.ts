import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSparkToFile } from '../../src/import/import-spark.js';
import { buildReport } from '../../src/report/build-report.js';
import { escapeHtml } from '../../src/report/escape-html.js';
import { renderReport } from '../../src/report/render-report.js';
import type { ReportData } from '../../src/report/report-data.js';
import { formatNumber, niceDomain, niceTicks, quantile } from '../../src/report/svg.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SPARK = join(ROOT, '..', 'shared', 'data', 'spark', 'all_model_pdi');
const HOSTILE = join(ROOT, 'fixtures', 'report', 'hostile.jsonl');

describe('escapeHtml', () => {
  it('escapes markup and makes invisible or invalid characters visible', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeHtml('a\u0000b\u001bc\u007f')).toBe('a\\x00b\\x1bc\\x7f');
    expect(escapeHtml('caf\u00e9 \u00e2\u0080\u0094')).toBe('café â\\x80\\x94');
    expect(escapeHtml('x\ud800y\udfffz😀')).toBe('x\ufffdy\ufffdz😀');
    expect(escapeHtml('tab\tnew\nline')).toBe('tab\tnew\nline');
  });
});

describe('chart helpers', () => {
  it('picks round ticks and domains', () => {
    expect(niceTicks(-4.3062, 1.5106, 4)).toEqual([-4, -2, 0]);
    expect(niceDomain(-4.3062, 1.5106, 4)).toEqual([-6, 2]);
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0, 1, 8)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceDomain(0.5, 0.5)).toEqual([-0.5, 1.5]);
  });

  it('computes quartiles like numpy and prints numbers with a real minus sign', () => {
    expect([0.25, 0.5, 0.75].map((q) => quantile([1, 2, 3, 4], q))).toEqual([1.75, 2.5, 3.25]);
    expect(formatNumber(-1.45844)).toBe('\u22121.4584');
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(0.5)).toBe('0.5');
  });
});

describe('renderReport', () => {
  let data: ReportData;
  let html: string;
  beforeAll(async () => {
    ({ data } = await buildReport({ inputs: [HOSTILE, SPARK], threads: 1 }));
    html = renderReport(data);
  });

  it('is deterministic: the same data gives the same bytes', () => {
    expect(renderReport(structuredClone(data))).toBe(html);
  });

  it('never lets text from the data become markup', () => {
    expect(data.tasks.map((t) => t.task)).toContain('<img src=x onerror="window.__pwned=1">\u0000 café \u00e2\u0080\u0094 </script><script>window.__pwned=2</script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('onerror="');
    expect(html).not.toContain('\u0000');
    expect(html).not.toMatch(/[\u0080-\u009f]/);
    expect(html).toContain('&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;\\x00 café â\\x80\\x94 &lt;/script&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;');
    // exactly one script element, ours
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('loads nothing from anywhere: no external references, and a CSP that allows only its own style and script', () => {
    const refs = [...html.matchAll(/\b(?:src|href|xlink:href|action|poster|data)\s*=\s*"([^"]*)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref).toMatch(/^#task-\d+$/);
    expect(html).not.toMatch(/url\(|@import|<link|<iframe|<object|<embed|<img|https?:\/\/(?!www\.w3\.org\/2000\/svg")/);
    const style = html.match(/<style>([\s\S]*?)<\/style>/)![1];
    const script = html.match(/<script>([\s\S]*?)<\/script>/)![1];
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)![1];
    expect(csp).toBe(`default-src 'none'; style-src ${hash(style)}; script-src ${hash(script)}; img-src data:; base-uri 'none'; form-action 'none'`);
    // style attributes would be blocked by that policy, so there must be none
    expect(html).not.toMatch(/\sstyle="/);
  });

  it('draws one chart per task, with a marker per trigger and a bar per attempt', () => {
    const charts = html.split('<section class="task-card"').slice(1);
    expect(charts).toHaveLength(data.tasks.length);
    charts.forEach((chart, i) => {
      const task = data.tasks[i];
      const triggers = task.steps.filter((s) => s.triggered).length;
      expect(chart.match(/class="reward-bar"/g) ?? [], task.task).toHaveLength(task.attempts.length);
      expect(chart.match(/class="marker marker-(soft|strong)"/g) ?? [], task.task).toHaveLength(triggers);
      expect((chart.match(/class="pdi-point"/g) ?? []).length + triggers, task.task).toBe(task.steps.filter((s) => s.attempt !== null).length);
      expect(chart.match(/class="pass-marker"/g) ?? []).toHaveLength(task.attempts.filter((a) => a.passed).length);
      expect(chart.match(/class="feedback feedback-(soft|strong)"/g) ?? []).toHaveLength(task.attempts.filter((a) => a.intervention).length);
    });
  });
});

describe('buildReport', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trajkit-report-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('draws the same tasks from raw SPARK folders and from their standardized import', async () => {
    const file = join(dir, 'spark.jsonl');
    await importSparkToFile(SPARK, file, { threads: 1 });
    const raw = await buildReport({ inputs: [SPARK], threads: 1 });
    const standardized = await buildReport({ inputs: [file], threads: 1 });
    expect(standardized.data.tasks).toEqual(raw.data.tasks);
    expect(standardized.data.summary).toEqual(raw.data.summary);
    expect(raw.data.tasks.length).toBeGreaterThan(10);
    expect(raw.data.tasks.some((t) => t.steps.some((s) => s.level === 'strong'))).toBe(true);
  });

  it('writes the page atomically through writeReport', async () => {
    const { writeReport } = await import('../../src/report/build-report.js');
    const out = join(dir, 'report.html');
    const result = await writeReport({ inputs: [HOSTILE], out, generated: 'test' });
    const html = readFileSync(out, 'utf8');
    expect(result.bytes).toBe(Buffer.byteLength(html));
    expect(html).toBe(renderReport(result.data));
    expect(html).toContain('Generated test.');
  });
});

describe('trajkit report (CLI)', () => {
  // These run the built CLI (`npm test` builds first; alone: `npx tsc -p .` first).
  function trajkit(...args: string[]) {
    const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'trajkit.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'trajkit-report-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the page and prints what it wrote with --json', () => {
    const out = join(dir, 'r.html');
    const { code, stdout, stderr } = trajkit('report', 'fixtures/report/hostile.jsonl', '--out', out, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(JSON.parse(stdout)).toEqual({ out, bytes: Buffer.byteLength(html), tasks: 2, left_out: 0 });
    expect(html).toMatch(/^<!DOCTYPE html>/);
  });

  it('exits 1 and lists what it left out; 2 for an --out that is not .html or in no folder', () => {
    const broken = trajkit('report', 'fixtures/analytics/broken.jsonl', '--out', join(dir, 'b.html'));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('trajkit: left out: fixtures/analytics/broken.jsonl:2: record left out: invalid JSON');
    expect(broken.stderr).toMatch(/trajkit: wrote .*b\.html \(1 tasks?, 2 attempts/);
    const usage = trajkit('report', 'fixtures/report/hostile.jsonl', '--out', join(dir, 'r.txt'));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--out must end in .html');
    const nowhere = trajkit('report', 'fixtures/report/hostile.jsonl', '--out', join(dir, 'missing', 'r.html'));
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toBe(`trajkit: ${join(dir, 'missing', 'r.html')}: cannot write here: the folder does not exist\n`);
  });
});

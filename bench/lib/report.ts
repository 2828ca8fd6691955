import fs from 'node:fs';
import path from 'node:path';
import type { MetricRow, RunRecord, ScenarioResult, Target } from '../scenarios/types.js';
import { ratio, summarize } from './stats.js';

/** A table row from the measured runs' values; met is null without a target. */
export function row(options: {
  metric: string;
  unit: string;
  p: number[];
  ref?: number[] | null;
  refLabel?: string;
  target?: Target | null;
  note?: string;
}): MetricRow {
  const p = summarize(options.p);
  const ref = options.ref ? summarize(options.ref) : null;
  const r = ref ? ratio(p.median, ref.median) : Number.NaN;
  const target = options.target ?? null;
  let met: boolean | null = null;
  if (target) met = Number.isFinite(r) ? (target.op === '<=' ? r <= target.limit : r >= target.limit) : false;
  return {
    metric: options.metric,
    unit: options.unit,
    p,
    ref,
    refLabel: options.refLabel ?? 'R',
    ratio: Number.isFinite(r) ? r : null,
    target,
    met,
    ...(options.note ? { note: options.note } : {}),
  };
}

export const atMost = (limit: number, of = 'R'): Target => ({ op: '<=', limit, text: `≤ ${limit}× ${of}` });
export const atLeast = (limit: number, of = 'R'): Target => ({ op: '>=', limit, text: `≥ ${limit}× ${of}` });

/** Values of one metric over the measured (non-warm-up) runs of one implementation/label. */
export function values(runs: RunRecord[], label: string, metric: string): number[] {
  return runs
    .filter((run) => !run.warmup && run.label === label)
    .map((run) => run.metrics[metric])
    .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 10_000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function formatSummary(summary: MetricRow['p'] | null): string {
  if (!summary || !Number.isFinite(summary.median)) return '–';
  if (summary.values.length <= 1) return formatNumber(summary.median);
  return `${formatNumber(summary.median)} [${formatNumber(summary.min)}–${formatNumber(summary.max)}]`;
}

/** The results as a Markdown table: readable in a terminal and pasteable into docs. */
export function renderTable(scenarios: ScenarioResult[]): string {
  const header = ['Scenario', 'Metric', 'P median [min–max]', 'Reference median [min–max]', 'P/ref', 'Target', 'Met'];
  const lines: string[][] = [];
  for (const scenario of scenarios) {
    if (scenario.error) {
      lines.push([scenario.id, `ERROR: ${scenario.error.split('\n')[0]?.slice(0, 100) ?? ''}`, '', '', '', '', 'no']);
      continue;
    }
    for (const metric of scenario.rows) {
      lines.push([
        scenario.id,
        `${metric.metric} (${metric.unit})`,
        formatSummary(metric.p),
        metric.ref ? `${metric.refLabel}: ${formatSummary(metric.ref)}` : '',
        metric.ratio === null ? '' : metric.ratio.toFixed(2),
        metric.target?.text ?? '',
        metric.met === null ? '' : metric.met ? 'yes' : '**no**',
      ]);
    }
    lines.push([
      scenario.id,
      'correctness (acked = delivered = stored, no duplicates)',
      scenario.correctness.ok ? `ok (${scenario.correctness.checkedRuns} runs)` : `FAILED: ${scenario.correctness.failures[0] ?? ''}`,
      '',
      '',
      'all runs',
      scenario.correctness.ok ? 'yes' : '**no**',
    ]);
  }
  const widths = header.map((cell, column) => Math.max(cell.length, ...lines.map((line) => (line[column] ?? '').length)));
  const format = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [format(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...lines.map(format)].join('\n');
}

export function writeResults(outDir: string, stamp: string, results: unknown): { file: string; latest: string } {
  fs.mkdirSync(outDir, { recursive: true });
  const body = `${JSON.stringify(results, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
  const file = path.join(outDir, `${stamp}.json`);
  const latest = path.join(outDir, 'latest.json');
  fs.writeFileSync(file, body);
  fs.writeFileSync(latest, body);
  return { file, latest };
}

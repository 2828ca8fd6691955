import type { Summary } from '../lib/stats.js';

export interface Target {
  /** P/ref must be <= or >= limit. */
  op: '<=' | '>=';
  limit: number;
  text: string;
}

/** One line of the results table: P against a reference (R, a bare baseline, or P itself elsewhere). */
export interface MetricRow {
  metric: string;
  unit: string;
  p: Summary;
  ref: Summary | null;
  refLabel: string;
  /** p.median / ref.median */
  ratio: number | null;
  target: Target | null;
  met: boolean | null;
  note?: string;
}

export interface RunRecord {
  label: string;
  impl: string;
  round: number;
  warmup: boolean;
  metrics: Record<string, number | null>;
  correctness?: { ok: boolean; details: Record<string, unknown> };
  raw?: unknown;
}

export interface ScenarioResult {
  id: string;
  title: string;
  config: Record<string, unknown>;
  rows: MetricRow[];
  runs: RunRecord[];
  correctness: { ok: boolean; checkedRuns: number; failures: string[] };
  notes: string[];
  extra?: Record<string, unknown>;
  error?: string;
  durationS: number;
  /** How much else ran on the server core during measured windows, and the load average around the scenario. */
  disturbance?: { maxForeignCpuPct: number | null; medianForeignCpuPct: number | null; loadAverageBefore: number; loadAverageAfter: number };
}

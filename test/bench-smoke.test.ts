import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface SmokeReport {
  mode: string;
  correctnessOk: boolean;
  startedPids: number[];
  scenarios: {
    id: string;
    error?: string;
    correctness: { ok: boolean; checkedRuns: number };
    runs: { impl: string; warmup: boolean; metrics: Record<string, number | null> }[];
    rows: { metric: string; p: { median: number | null }; ref: { median: number | null } | null; ratio: number | null }[];
  }[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `bench/run.ts --smoke [args]` as a child process; SIGINT (then SIGKILL) if it overruns. */
function runBench(outDir: string, timeoutMs: number, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', ...args, '--out', outDir], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const interrupt = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 10_000);
    child.once('exit', (code) => {
      clearTimeout(interrupt);
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run bench -- --smoke', () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-smoke-'));
  const inboxOutDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-smoke-s8-'));
  const typingOutDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-smoke-s9-'));
  afterAll(() => {
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.rmSync(inboxOutDir, { recursive: true, force: true });
    fs.rmSync(typingOutDir, { recursive: true, force: true });
  });

  it('runs S1 and S2 for Parley and the relay, prints a table, writes JSON, and leaves no process behind', async () => {
    const { code, stdout, stderr } = await runBench(outDir, 100_000);
    const output = `${stdout}\n${stderr}`;
    expect(code, output).toBe(0);
    expect(stdout).toMatch(/\| Scenario \| Metric/);
    expect(stdout).toMatch(/\| S1 +\| server CPU per message/);
    expect(stdout).toMatch(/\| S2 +\| @300\/s: ack latency p99/);

    const report = JSON.parse(fs.readFileSync(path.join(outDir, 'latest.json'), 'utf8')) as SmokeReport;
    expect(report.mode).toBe('smoke');
    expect(report.correctnessOk, output).toBe(true);
    expect(report.scenarios.map((scenario) => scenario.id)).toEqual(['S1', 'S2']);
    for (const scenario of report.scenarios) {
      expect(scenario.error, output).toBeUndefined();
      expect(scenario.correctness.ok).toBe(true);
      expect(scenario.correctness.checkedRuns).toBeGreaterThanOrEqual(2);
      const impls = new Set(scenario.runs.filter((run) => !run.warmup).map((run) => run.impl));
      // S2 also times bare better-sqlite3 commits at its fixed rate: the disk's share of the latency.
      expect([...impls].sort()).toEqual(scenario.id === 'S2' ? ['P', 'R', 'bare'] : ['P', 'R']);
      const cpu = scenario.rows.find((row) => row.metric.includes('CPU per message'));
      expect(cpu?.p.median).toBeGreaterThan(0);
      expect(cpu?.ref?.median).toBeGreaterThan(0);
      expect(cpu?.ratio).toBeGreaterThan(0);
    }
    const bareCommitP99 = report.scenarios[1]?.rows.find((row) => row.metric.includes('bare better-sqlite3 commit latency p99'));
    expect(bareCommitP99?.p.median).toBeGreaterThan(0);
    const s1 = report.scenarios[0];
    for (const run of s1?.runs ?? []) {
      expect(run.metrics['messages']).toBeGreaterThan(0);
      expect(run.metrics['ackP99']).toBeGreaterThan(0);
    }

    expect(report.startedPids.length).toBeGreaterThanOrEqual(3); // Parley, relay, load generator
    expect(report.startedPids.filter(alive)).toEqual([]);
  }, 130_000);

  it('runs S8 (inbox) on a tiny seeded store: Parley over HTTP against the bare listInbox SQL, every page checked', async () => {
    const { code, stdout, stderr } = await runBench(inboxOutDir, 110_000, ['--only', 'S8']);
    const output = `${stdout}\n${stderr}`;
    expect(code, output).toBe(0);
    expect(stdout).toMatch(/\| S8 +\| 160 conversations: first page: p99/);
    expect(stdout).toMatch(/\| S8 +\| P first page p99 at 160 vs 60 conversations/);

    const report = JSON.parse(fs.readFileSync(path.join(inboxOutDir, 'latest.json'), 'utf8')) as SmokeReport;
    expect(report.correctnessOk, output).toBe(true);
    expect(report.scenarios.map((scenario) => scenario.id)).toEqual(['S8']);
    const s8 = report.scenarios[0];
    expect(s8?.error, output).toBeUndefined();
    // 5 measured pages, each once for P and once bare, and the seed and paging checks.
    expect(s8?.correctness.checkedRuns).toBe(11);
    expect(new Set(s8?.runs.map((run) => run.impl))).toEqual(new Set(['P', 'bare', 'check']));
    for (const metric of ['first page: p99', 'page 3: p99', 'moved since its cursor: p99']) {
      const row = s8?.rows.find((candidate) => candidate.metric.includes(metric));
      expect(row?.p.median, metric).toBeGreaterThan(0);
      expect(row?.ref?.median, metric).toBeGreaterThan(0);
    }

    expect(report.startedPids.filter(alive)).toEqual([]);
  }, 130_000);

  it('runs S9 (typing flood) for Parley and the relay: every false delivered, trues throttled, nothing stored', async () => {
    const { code, stdout, stderr } = await runBench(typingOutDir, 60_000, ['--only', 'S9']);
    const output = `${stdout}\n${stderr}`;
    expect(code, output).toBe(0);
    expect(stdout).toMatch(/\| S9 +\| @300\/s: server CPU per offered event/);

    const report = JSON.parse(fs.readFileSync(path.join(typingOutDir, 'latest.json'), 'utf8')) as SmokeReport;
    expect(report.correctnessOk, output).toBe(true);
    expect(report.scenarios.map((scenario) => scenario.id)).toEqual(['S9']);
    const s9 = report.scenarios[0];
    expect(s9?.error, output).toBeUndefined();
    expect(s9?.correctness.checkedRuns).toBe(2);
    expect(new Set(s9?.runs.map((run) => run.impl))).toEqual(new Set(['P', 'R']));
    for (const run of s9?.runs ?? []) {
      expect(run.metrics['offeredPerSecond']).toBeGreaterThan(200);
      // Far fewer forwarded than offered: the throttle drops most trues.
      expect(run.metrics['forwardedPerSecond']).toBeGreaterThan(0);
      expect(run.metrics['forwardedPerSecond']).toBeLessThan(50);
    }
    const cpu = s9?.rows.find((row) => row.metric.includes('CPU per offered event'));
    expect(cpu?.p.median).toBeGreaterThan(0);
    expect(cpu?.ref?.median).toBeGreaterThan(0);

    expect(report.startedPids.filter(alive)).toEqual([]);
  }, 80_000);
});

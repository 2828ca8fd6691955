/**
 * `npm run bench [-- --quick | --smoke] [--only S1,S3] [--out DIR] [--keep] [--cpu-prof]`
 *
 * Builds Parley if dist/ is missing or older than src/, then runs each scenario with Parley (P)
 * and the reference relay (R) interleaved, the servers pinned to one core and the load
 * generator to the other. Prints progress, a table, and writes bench/results/<stamp>.json and
 * bench/results/latest.json. Exit code 1 when a scenario failed to run or a correctness
 * check failed; missed performance targets are reported, not fatal.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freezeBuild, projectRoot, type BenchContext } from './lib/context.js';
import { LoadGenerator } from './lib/loadgen.js';
import { modes, type Mode } from './lib/modes.js';
import { hardFileLimit, hasTaskset, pinProcess, ProcessRegistry } from './lib/processes.js';
import { formatNumber, renderTable, writeResults } from './lib/report.js';
import { median } from './lib/stats.js';
import { runS1 } from './scenarios/s1-hot-path.js';
import { runS2 } from './scenarios/s2-latency.js';
import { runS3 } from './scenarios/s3-scale-out.js';
import { runS4 } from './scenarios/s4-connections.js';
import { runS5 } from './scenarios/s5-history.js';
import { runS6 } from './scenarios/s6-login-storm.js';
import { runS7 } from './scenarios/s7-overload.js';
import { runS8 } from './scenarios/s8-inbox.js';
import { runS9 } from './scenarios/s9-typing.js';
import { runS10 } from './scenarios/s10-metrics.js';
import { runSoak } from './scenarios/soak.js';
import type { ScenarioResult } from './scenarios/types.js';

const scenarios: Record<string, (ctx: BenchContext) => Promise<Omit<ScenarioResult, 'durationS'>>> = {
  S1: runS1,
  S2: runS2,
  S3: runS3,
  S4: runS4,
  S5: runS5,
  S6: runS6,
  S7: runS7,
  S8: runS8,
  S9: runS9,
  S10: runS10,
  SOAK: runSoak,
};

interface Options {
  mode: Mode;
  only: string[] | undefined;
  outDir: string;
  keep: boolean;
  cpuProf: boolean;
  soakMinutes?: number;
}

function usage(): string {
  return [
    'Usage: npm run bench -- [--quick | --smoke | --soak [MINUTES]] [--only S1,S2,...] [--out DIR] [--keep] [--cpu-prof]',
    '  (default)  full run, under 30 minutes',
    '  --quick    short runs, under 3 minutes',
    '  --smoke    tiny runs of S1 and S2 (for the test suite)',
    '  --soak     the soak: MINUTES (default 60) at half capacity with reconnecting clients; writes a chart (SVG)',
    '  --only     scenarios to run: S1 hot path, S2 latency, S3 scale-out, S4 connections, S5 history, S6 login storm, S7 overload, S8 inbox, S9 typing flood, S10 metrics cost',
    '  --out      results folder (default bench/results)',
    '  --keep     keep the temporary folder with server logs and data',
    '  --cpu-prof profile every server (node --cpu-prof) into <run folder>/profiles (implies --keep);',
    '             summarize one with: node bench/profile-summary.mjs FILE.cpuprofile',
  ].join('\n');
}

function parseArgs(argv: string[]): Options {
  const options: Options = { mode: 'full', only: undefined, outDir: path.join(projectRoot, 'bench/results'), keep: false, cpuProf: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? '';
    switch (name) {
      case '--quick':
        options.mode = 'quick';
        break;
      case '--smoke':
        options.mode = 'smoke';
        break;
      case '--soak': {
        options.mode = 'soak';
        const minutes = inline ?? (/^\d+(\.\d+)?$/.test(argv[i + 1] ?? '') ? argv[++i] : undefined);
        if (minutes !== undefined) options.soakMinutes = Number(minutes);
        break;
      }
      case '--full':
        options.mode = 'full';
        break;
      case '--only':
        options.only = value()
          .split(',')
          .map((id) => id.trim().toUpperCase())
          .filter(Boolean);
        break;
      case '--out':
        options.outDir = path.resolve(value());
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--cpu-prof':
        options.cpuProf = true;
        options.keep = true;
        break;
      case '--help':
      case '-h':
        console.log(usage());
        process.exit(0);
        break;
      default:
        console.error(`Unknown option ${arg}\n${usage()}`);
        process.exit(2);
    }
  }
  for (const id of options.only ?? []) {
    if (!scenarios[id]) {
      console.error(`Unknown scenario ${id}\n${usage()}`);
      process.exit(2);
    }
  }
  return options;
}

function newestMtime(dir: string, include: (file: string) => boolean): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (include(file)) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

/** npm run build, only when dist/index.js is missing or older than something under src/ (or the build config). */
function buildIfStale(log: (message: string) => void): void {
  const distIndex = path.join(projectRoot, 'dist/index.js');
  const builtAt = fs.existsSync(distIndex) ? fs.statSync(distIndex).mtimeMs : 0;
  const sourcesAt = Math.max(
    newestMtime(path.join(projectRoot, 'src'), (file) => file.endsWith('.ts') && !file.endsWith('.test.ts')),
    ...['tsconfig.json', 'tsconfig.build.json'].map((file) => fs.statSync(path.join(projectRoot, file)).mtimeMs),
  );
  if (builtAt >= sourcesAt) {
    log('dist/ is up to date');
    return;
  }
  log(builtAt === 0 ? 'dist/ missing: npm run build' : 'dist/ older than src/: npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status})`);
}

function machineInfo(): Record<string, unknown> {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  return {
    nproc: os.cpus().length, // not availableParallelism(): this process is pinned to one CPU by now
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    taskset: hasTaskset(),
    hardOpenFileLimit: hardFileLimit(),
    gitCommit: git(['rev-parse', '--short', 'HEAD']),
    gitDirty: (git(['status', '--porcelain', '--', 'src']) ?? '') !== '',
  };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const base = modes[options.mode];
  const settings = options.soakMinutes === undefined ? base : { ...base, soak: { ...base.soak, minutes: options.soakMinutes } };
  const selected = options.only ?? settings.defaultScenarios;
  const started = Date.now();
  const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);

  buildIfStale(log);
  const cpus = os.availableParallelism();
  const serverCpus = '0';
  const loadCpus = cpus > 1 ? '1' : '0';
  const pinned = hasTaskset() && cpus > 1;
  // The orchestrator itself stays off the servers' core.
  if (pinned) pinProcess(process.pid, loadCpus);
  log(
    `mode ${options.mode}; scenarios ${selected.join(', ')}; ` +
      (pinned ? `servers on CPU ${serverCpus}, load generator on CPU ${loadCpus}` : 'no CPU pinning (taskset missing or 1 CPU)'),
  );

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  freezeBuild(runDir);
  const registry = new ProcessRegistry();
  let loadGenerator: LoadGenerator | undefined;
  let counter = 0;
  const ctx: BenchContext = {
    registry,
    runDir,
    resultsDir: options.outDir,
    settings,
    serverCpus: pinned ? serverCpus : '',
    loadCpus: pinned ? loadCpus : '',
    profileDir: options.cpuProf ? path.join(runDir, 'profiles') : undefined,
    jwtSecret: randomBytes(32).toString('hex'),
    sessionSecret: randomBytes(32).toString('hex'),
    log,
    async loadGenerator() {
      if (!loadGenerator || !loadGenerator.managed.running()) {
        loadGenerator = LoadGenerator.start(registry, { runDir, cpus: ctx.loadCpus, cwd: projectRoot });
      }
      return loadGenerator;
    },
    earlier: new Map(),
    nextName: (prefix) => `${prefix}${++counter}`,
  };

  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping every process started`);
    void registry.stopAll(3000).finally(() => {
      if (!options.keep) fs.rmSync(runDir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => registry.killAllNow());

  const results: ScenarioResult[] = [];
  let failed = false;
  try {
    for (const id of selected) {
      const scenarioStarted = Date.now();
      const loadAverageBefore = os.loadavg()[0] ?? 0;
      log(`${id}: start (load average ${loadAverageBefore.toFixed(2)})`);
      try {
        const result = await (scenarios[id] as (typeof scenarios)[string])(ctx);
        const foreign = result.runs
          .filter((run) => !run.warmup)
          .map((run) => run.metrics['foreignCpuPct'])
          .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
        const disturbance = {
          maxForeignCpuPct: foreign.length > 0 ? Math.max(...foreign) : null,
          medianForeignCpuPct: foreign.length > 0 ? median(foreign) : null,
          loadAverageBefore,
          loadAverageAfter: os.loadavg()[0] ?? 0,
        };
        results.push({ ...result, durationS: (Date.now() - scenarioStarted) / 1000, disturbance });
        if (!result.correctness.ok) failed = true;
        const missed = result.rows.filter((r) => r.met === false).map((r) => r.metric);
        log(`${id}: done in ${((Date.now() - scenarioStarted) / 1000).toFixed(0)} s; correctness ${result.correctness.ok ? 'ok' : 'FAILED'}; ` +
          (missed.length > 0 ? `targets missed: ${missed.join('; ')}` : 'all targets met'));
      } catch (error) {
        if (interrupted) throw error;
        failed = true;
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        log(`${id}: FAILED: ${message}`);
        results.push({
          id,
          title: id,
          config: {},
          rows: [],
          runs: [],
          correctness: { ok: false, checkedRuns: 0, failures: [message] },
          notes: [],
          error: message,
          durationS: (Date.now() - scenarioStarted) / 1000,
        });
      }
    }
  } finally {
    await loadGenerator?.stop().catch(() => undefined);
    await registry.stopAll();
    if (options.keep || failed) log(`logs and data kept in ${runDir}`);
    else fs.rmSync(runDir, { recursive: true, force: true });
  }

  const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
  const targets = results.flatMap((result) => result.rows.filter((r) => r.met !== null).map((r) => ({ scenario: result.id, metric: r.metric, met: r.met })));
  const report = {
    startedAt: new Date(started).toISOString(),
    durationS: (Date.now() - started) / 1000,
    mode: options.mode,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machineInfo(),
    pinning: pinned ? { servers: serverCpus, loadGenerator: loadCpus } : null,
    settings,
    correctnessOk: results.every((result) => result.correctness.ok),
    targetsMet: targets.filter((t) => t.met).length,
    targetsTotal: targets.length,
    startedPids: registry.startedPids,
    scenarios: results,
  };
  const { file, latest } = writeResults(options.outDir, stamp, report);
  console.log('');
  console.log(renderTable(results));
  console.log('');
  console.log(`Targets met: ${report.targetsMet}/${report.targetsTotal}; correctness ${report.correctnessOk ? 'ok' : 'FAILED'}`);
  const disturbed = results.filter((result) => (result.disturbance?.maxForeignCpuPct ?? 0) > 15);
  for (const result of disturbed) {
    console.log(
      `WARNING ${result.id}: other processes used up to ${formatNumber(result.disturbance?.maxForeignCpuPct)}% of the server core ` +
        `(median ${formatNumber(result.disturbance?.medianForeignCpuPct)}%; load average ${result.disturbance?.loadAverageBefore.toFixed(2)} -> ${result.disturbance?.loadAverageAfter.toFixed(2)}): its numbers are disturbed`,
    );
  }
  console.log(`Results: ${path.relative(process.cwd(), file)} (also ${path.relative(process.cwd(), latest)}); ${report.durationS.toFixed(0)} s`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

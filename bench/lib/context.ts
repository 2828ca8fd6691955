import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadGenerator } from './loadgen.js';
import type { ProcessRegistry } from './processes.js';
import type { ModeSettings } from './modes.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What every scenario gets from the orchestrator. */
export interface BenchContext {
  registry: ProcessRegistry;
  /** A temporary folder for this invocation: data dirs, logs, probe files. */
  runDir: string;
  /** Where results are written (--out): the soak's chart goes there too. */
  resultsDir: string;
  settings: ModeSettings;
  /** CPU lists for taskset: servers (and Redis) on one core, load generator on another. */
  serverCpus: string;
  loadCpus: string;
  /** With --cpu-prof: where servers write their CPU profiles. */
  profileDir: string | undefined;
  /** Shared secrets, so the bench can mint tokens Parley accepts. */
  jwtSecret: string;
  sessionSecret: string;
  /** Progress line, with elapsed time. */
  log(message: string): void;
  /** A load generator process, started on first use and reused. */
  loadGenerator(): Promise<LoadGenerator>;
  /** Results of scenarios run earlier in this invocation, by id. */
  earlier: Map<string, unknown>;
  nextName(prefix: string): string;
}

let parleyRoot = projectRoot;

/**
 * Where the benchmarked build lives: a frozen copy of dist/ (with package.json and a link to
 * node_modules) made at start, so a rebuild during a long run cannot change what is measured.
 */
export function parleyBuildRoot(): string {
  return parleyRoot;
}

export function freezeBuild(runDir: string): string {
  const root = path.join(runDir, 'parley-build');
  fs.mkdirSync(root, { recursive: true });
  fs.cpSync(path.join(projectRoot, 'dist'), path.join(root, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(projectRoot, 'package.json'), path.join(root, 'package.json'));
  fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  parleyRoot = root;
  return root;
}

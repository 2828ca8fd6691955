import fs from 'node:fs';
import path from 'node:path';
import { projectRoot, type BenchContext } from './context.js';

/** Runs a bench/bare/*.ts script to completion in its own process and returns the JSON it wrote. */
export async function runBare<T>(ctx: BenchContext, script: string, args: string[], options: { cpus: string }): Promise<T> {
  const name = ctx.nextName(path.basename(script, '.ts'));
  const out = path.join(ctx.runDir, `${name}.json`);
  const managed = ctx.registry.start({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', script, ...args, out].filter((arg) => arg !== undefined),
    cwd: projectRoot,
    cpus: options.cpus,
    logFile: path.join(ctx.runDir, `${name}.log`),
    env: { NODE_OPTIONS: '' },
  });
  const code = await managed.exited;
  await managed.stop();
  if (code !== 0 || !fs.existsSync(out)) throw new Error(`${script} failed (exit ${code}):\n${managed.logTail(30)}`);
  return JSON.parse(fs.readFileSync(out, 'utf8')) as T;
}

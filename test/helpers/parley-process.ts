import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A Parley server in a process of its own, as in production: `node src/index.ts` via tsx. */
export interface ParleyProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote, for diagnosing a failed test. */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export async function spawnParley(env: Record<string, string>): Promise<ParleyProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
      AUTH_RATE_LIMIT: '0',
      SEND_RATE_LIMIT: '0',
      READ_RATE_LIMIT: '0',
      OVERLOAD_DELAY_MS: '0', // a busy test machine is not an overloaded server
      MAX_PENDING_SENDS: '0',
      LOGIN_FAILURES_PER_HOUR: '0',
      LOGIN_FAILURES_PER_DAY: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`parley exited with ${child.exitCode}:\n${output}`);
      return fetch(`${url}/health/live`).then((response) => response.ok, () => false);
    }, 20_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    child,
    output: () => output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT'); // a stopped process keeps SIGTERM pending until it resumes
        child.kill(signal);
      }
      return exited;
    },
  };
}

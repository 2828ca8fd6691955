import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DestinationStream } from 'pino';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/shared/logger.js';
import { startParley, type RunningParley } from '../../src/start.js';

export interface TestParleyOptions {
  /** Environment on top of the test defaults (silent logs, no rate limits, port 0). */
  env?: Record<string, string>;
  /** Share a data folder (and so the SQLite file) with another instance. */
  dataDir?: string;
  /** Receives the JSON log lines (LOG_LEVEL from env applies). */
  logs?: DestinationStream;
}

export interface TestParley extends RunningParley {
  dataDir: string;
  /** Stops the instance and removes its data folder unless it was shared. */
  dispose(): Promise<void>;
}

export function makeDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
}

/** One real Parley instance in this process, listening on 127.0.0.1 on a free port. */
export async function startTestParley({ env = {}, dataDir, logs }: TestParleyOptions = {}): Promise<TestParley> {
  const ownDataDir = dataDir === undefined;
  const dir = dataDir ?? makeDataDir();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    AUTH_RATE_LIMIT: '0',
    SEND_RATE_LIMIT: '0',
    READ_RATE_LIMIT: '0',
    OVERLOAD_DELAY_MS: '0', // a busy test machine is not an overloaded server
    MAX_PENDING_SENDS: '0',
    LOGIN_FAILURES_PER_HOUR: '0',
    LOGIN_FAILURES_PER_DAY: '0',
    ...env,
  });
  const running = await startParley(config, createLogger({ level: config.logLevel, pretty: false, destination: logs }));
  let disposed = false;
  return {
    ...running,
    dataDir: dir,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await running.stop();
      if (ownDataDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

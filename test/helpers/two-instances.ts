import fs from 'node:fs';
import { makeDataDir, startTestParley, type TestParley } from './parley.js';
import { startTestRedis, type TestRedis } from './redis-server.js';

/** Two Parley instances in this process, sharing one SQLite file and a redis-server of their own. */
export interface TwoInstances {
  redis: TestRedis;
  a: TestParley;
  b: TestParley;
  dispose(): Promise<void>;
}

/** Starts the redis-server (on a free loopback port) and both instances; `env` goes to both. */
export async function startTwoInstances(env: Record<string, string> = {}): Promise<TwoInstances> {
  const redis = await startTestRedis();
  const dataDir = makeDataDir();
  const a = await startTestParley({ env: { REDIS_URL: redis.url, ...env }, dataDir });
  const b = await startTestParley({ env: { REDIS_URL: redis.url, ...env }, dataDir });
  return {
    redis,
    a,
    b,
    async dispose() {
      await a.dispose();
      await b.dispose();
      await redis.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

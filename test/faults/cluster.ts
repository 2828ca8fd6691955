import fs from 'node:fs';
import { makeDataDir } from '../helpers/parley.js';
import { spawnParley, type ParleyProcess } from '../helpers/parley-process.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';

/** Real processes: N Parley instances, one test-owned redis-server, one SQLite file. */
export interface Cluster {
  redis: TestRedis;
  dataDir: string;
  env: Record<string, string>;
  instances: ParleyProcess[];
  urls(): string[];
  dispose(): Promise<void>;
}

export async function startCluster(count: number, extraEnv: Record<string, string> = {}): Promise<Cluster> {
  const redis = await startTestRedis();
  const dataDir = makeDataDir();
  const env = { REDIS_URL: redis.url, DATA_DIR: dataDir, PRESENCE_TTL: '3', ...extraEnv };
  const instances: ParleyProcess[] = [];
  for (let i = 0; i < count; i++) instances.push(await spawnParley(env));
  return {
    redis,
    dataDir,
    env,
    instances,
    urls: () => instances.map((instance) => instance.url),
    async dispose() {
      await Promise.all(instances.map((instance) => instance.kill('SIGKILL')));
      await redis.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startFakeStandaloneMongod } from '../helpers/fake-mongod.js';
import { freePort } from '../helpers/free-port.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs `node src/index.ts` with the given MongoDB settings until it exits; its exit code and stderr. */
function startParley(env: Record<string, string>): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: projectRoot,
      env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Parley did not exit within 20 s:\n${stderr}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: performance.now() - started });
    });
  });
}


/** stderr without Node's deprecation warnings and the like, which are not Parley's. */
const parleyLines = (stderr: string) => stderr.split('\n').filter((line) => line.trim() !== '' && !/^\(node:\d+\)|--trace-/.test(line));

describe('starting with MongoDB (no MongoDB server needed)', () => {
  it('exits 1 with one line naming the host and the settings to check when nothing listens at MONGODB_URI', async () => {
    const port = await freePort();
    const { code, stderr } = await startParley({ MONGODB_URI: `mongodb://parley:secret@127.0.0.1:${port}/parley`, STORE_TIMEOUT: '500' });
    expect(code).toBe(1);
    const lines = parleyLines(stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Parley cannot start: cannot connect to MongoDB at 127\\.0\\.0\\.1:${port} within 500 ms .*MONGODB_URI`));
    expect(stderr).not.toContain('secret');
  });

  it('exits 1 with one line saying how to make a standalone server a replica set', async () => {
    const standalone = await startFakeStandaloneMongod();
    try {
      const { code, stderr } = await startParley({ MONGODB_URI: standalone.uri, STORE_TIMEOUT: '2000' });
      expect(code).toBe(1);
      const lines = parleyLines(stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Parley cannot start: MongoDB at 127\.0\.0\.1:\d+ is a standalone server.*--replSet rs0.*rs\.initiate\(\)/);
    } finally {
      await standalone.close();
    }
  });
});

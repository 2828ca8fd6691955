import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { waitFor } from '../helpers/wait-for.js';
import { startCluster, type Cluster } from './cluster.js';
import { lockStore } from '../helpers/store-locker.js';
import { runTraffic, type TrafficReport } from './traffic.js';

/*
 * Fault injection with real processes: two Parley instances, one redis-server, one SQLite
 * file, many concurrent clients sending through the fault. Every scenario ends with each
 * client's sync view checked against every acknowledgement any client received.
 */
const USERS = 16;
const MESSAGES_PER_USER = 40;

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.dispose();
  cluster = undefined;
});

const healthOf = async (url: string) => request(url, 'GET', '/health').catch(() => ({ status: 0, body: undefined }));

function expectNothingLost(report: TrafficReport, label: string): void {
  console.log(label, report);
  expect(report.acked).toBeGreaterThan(USERS * MESSAGES_PER_USER * 0.9);
  expect(report).toMatchObject({ missing: 0, duplicates: 0, outOfOrder: 0 });
}

describe('fault injection (two instances, one Redis, one SQLite file)', () => {
  it('Redis stopped and restarted mid-traffic: /health names it, nothing acknowledged is lost', async () => {
    const running = (cluster = await startCluster(2));
    const report = await runTraffic({
      urls: running.urls(),
      users: USERS,
      messagesPerUser: MESSAGES_PER_USER,
      fault: async () => {
        await running.redis.stop();
        for (const url of running.urls()) {
          const health = await healthOf(url);
          expect(health.status).toBe(503);
          expect(health.body.checks.redis.status).toBe('error');
        }
        await sleep(1500);
        await running.redis.start();
        for (const url of running.urls()) await waitFor(async () => (await healthOf(url)).status === 200, 15_000);
      },
    });
    expectNothingLost(report, 'redis restart');
  }, 120_000);

  it('store locked by another process past the store timeout: sends fail fast and clearly, then recover', async () => {
    const running = (cluster = await startCluster(2, { STORE_TIMEOUT: '1000' }));
    const [url] = running.urls() as [string];
    const alice = await registerUser(url);
    const bob = await registerUser(url);
    const report = await runTraffic({
      urls: running.urls(),
      users: USERS,
      messagesPerUser: MESSAGES_PER_USER,
      fault: async () => {
        const lock = await lockStore(path.join(running.dataDir, 'parley.db'), 5000);
        const send = await request(url, 'POST', `/chats/${alice.user.id}/send`, {
          token: alice.token,
          body: { receiverId: bob.user.id, message: 'while locked' },
        });
        const live = await request(url, 'GET', '/health/live');
        const health = await healthOf(url);
        expect(lock.released()).toBe(false); // all three answered while the lock was still held
        expect(send.status).toBe(503);
        expect(send.body.error.code).toBe('store_unavailable');
        expect(live.status).toBe(200);
        expect(health.status).toBe(503);
        expect(health.body.checks.store.status).toBe('error');
        await lock.done;
        await waitFor(async () => (await healthOf(url)).status === 200, 10_000);
      },
    });
    expectNothingLost(report, 'store lock');
    expect(report.failedAttempts).toBeGreaterThan(0); // the lock was felt, and retried through
  }, 120_000);

  /** Two instances under traffic; one is killed with SIGKILL mid-way. Its clients move to the survivor and catch up. */
  async function killOneMidTraffic(label: string, extraEnv: Record<string, string> = {}): Promise<void> {
    const running = (cluster = await startCluster(2, extraEnv));
    const [survivor, victim] = running.instances as [(typeof running.instances)[0], (typeof running.instances)[0]];
    const report = await runTraffic({
      urls: running.urls(),
      users: USERS,
      messagesPerUser: MESSAGES_PER_USER,
      fault: async () => {
        await victim.kill('SIGKILL');
        expect((await healthOf(survivor.url)).status).toBe(200);
      },
    });
    expectNothingLost(report, label);
    expect((await healthOf(survivor.url)).status).toBe(200);
  }

  it('one instance killed with SIGKILL: its clients move to the other and catch up', async () => {
    await killOneMidTraffic('kill -9');
  }, 120_000);

  it('SQLITE_SYNCHRONOUS=normal, one instance killed with SIGKILL: every message it acknowledged is still there', async () => {
    // NORMAL skips the fsync of each commit: its guarantee is a crash of the process (not of the
    // machine), which is this: the victim's acknowledged commits must be readable by the survivor.
    await killOneMidTraffic('kill -9, synchronous NORMAL', { SQLITE_SYNCHRONOUS: 'normal' });
  }, 120_000);

  it('SIGTERM during traffic: exits 0, clients reconnect elsewhere, nothing acknowledged is lost', async () => {
    const running = (cluster = await startCluster(2));
    const [survivor, leaving] = running.instances as [(typeof running.instances)[0], (typeof running.instances)[0]];
    let exitCode: number | null = null;
    const report = await runTraffic({
      urls: running.urls(),
      users: USERS,
      messagesPerUser: MESSAGES_PER_USER,
      fault: async () => {
        exitCode = await leaving.kill('SIGTERM');
      },
    });
    expect(exitCode).toBe(0);
    expectNothingLost(report, 'SIGTERM');
    expect((await healthOf(survivor.url)).status).toBe(200);
  }, 120_000);

  it('clients dropping and reconnecting at random: every client still sees every message once', async () => {
    const running = (cluster = await startCluster(2));
    let drops = 0;
    const report = await runTraffic({
      urls: running.urls(),
      users: USERS,
      messagesPerUser: MESSAGES_PER_USER,
      onClients: (clients) => {
        const timer = setInterval(() => {
          const client = clients[Math.floor(Math.random() * clients.length)];
          client?.drop();
          drops += 1;
        }, 50);
        return () => clearInterval(timer);
      },
    });
    expectNothingLost(report, 'random drops');
    expect(drops).toBeGreaterThan(10);
  }, 120_000);
});

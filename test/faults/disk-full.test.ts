import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { waitFor } from '../helpers/wait-for.js';

/*
 * The data disk fills up: DATA_DIR on a small tmpfs of the test's own. Mounting needs root (CI and
 * the project's machines run as root); elsewhere the suite is skipped, and its name says why.
 */
function mountSmallTmpfs(megabytes: number): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0700`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

/** Fills the file system with one file until it has no byte left. */
function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const chunk = Buffer.alloc(64 * 1024, 1);
  const fd = fs.openSync(filler, 'w');
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

const mountPoint = mountSmallTmpfs(8);

describe.skipIf(!mountPoint)(mountPoint ? 'the data disk fills up' : 'the data disk fills up (skipped: cannot mount a tmpfs here, needs root)', () => {
  const dataDir = mountPoint as string;
  let parley: TestParley;
  let alice: RegisteredUser;
  let bob: RegisteredUser;

  beforeAll(async () => {
    parley = await startTestParley({ dataDir });
    alice = await registerUser(parley.url);
    bob = await registerUser(parley.url);
  });
  afterAll(async () => {
    await parley?.dispose();
    execFileSync('umount', [dataDir]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const send = (message: string) =>
    request(parley.url, 'POST', `/chats/${alice.user.id}/send`, { token: alice.token, body: { receiverId: bob.user.id, message } });
  const history = async () =>
    (await request(parley.url, 'GET', `/chats/${alice.user.id}/with/${bob.user.id}?limit=200`, { token: alice.token })).body.messages as { message: string }[];

  it('refuses sends with 503 store_unavailable, never acknowledging one it did not store; reads go on; sends work again once there is room', async () => {
    expect((await send('before the disk filled')).status).toBe(201);
    const filler = fillDisk(dataDir);

    // What the WAL can still reuse may take a few more; sooner or later every send is refused.
    const acknowledged: string[] = [];
    let refusal: { status: number; body: { error: { code: string } } } | undefined;
    for (let i = 0; i < 2000 && !refusal; i++) {
      const text = `while full ${i} ${'x'.repeat(2000)}`;
      const response = await send(text);
      if (response.status === 201) acknowledged.push(text);
      else refusal = response;
    }
    console.log(`[disk-full] ${acknowledged.length} sends acknowledged (and stored) after the disk filled, then refused`);
    expect(refusal).toMatchObject({ status: 503, body: { error: { code: 'store_unavailable' } } });
    expect((await send('refused too')).status).toBe(503);

    // Reads need no room.
    const stored = (await history()).map((message) => message.message);
    expect(stored).toEqual(expect.arrayContaining(['before the disk filled', ...acknowledged]));
    expect(stored).not.toContain('refused too');
    expect((await request(parley.url, 'GET', '/sync?limit=500', { token: bob.token })).status).toBe(200);

    fs.rmSync(filler);
    await waitFor(async () => (await send('after the disk had room again')).status === 201);
    const db = new BetterSqlite3(path.join(dataDir, 'parley.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  }, 60_000);
});

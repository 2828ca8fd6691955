import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { makeDataDir, startTestParley } from '../helpers/parley.js';

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('data files', () => {
  it('creates the data folder for its owner alone (0700) and every file in it 0600', async () => {
    const parent = makeDataDir();
    dirs.push(parent);
    const dataDir = path.join(parent, 'parley', 'data');
    const parley = await startTestParley({ dataDir });
    try {
      const alice = await registerUser(parley.url);
      const bob = await registerUser(parley.url);
      await request(parley.url, 'POST', `/chats/${alice.user.id}/send`, { token: alice.token, body: { receiverId: bob.user.id, message: 'private' } });
      expect(modeOf(dataDir)).toBe('700');
      const files = fs.readdirSync(dataDir).sort();
      expect(files).toEqual(expect.arrayContaining(['dev-secrets.json', 'parley.db', 'parley.db-shm', 'parley.db-wal']));
      for (const file of files) expect([file, modeOf(path.join(dataDir, file))]).toEqual([file, '600']);
    } finally {
      await parley.dispose();
    }
  });

  it('makes a database file an older release left readable by others private (0600)', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    fs.cpSync(fileURLToPath(new URL('../fixtures/data-0.1.0/data', import.meta.url)), dataDir, { recursive: true });
    fs.chmodSync(path.join(dataDir, 'parley.db'), 0o644);
    const parley = await startTestParley({ dataDir });
    try {
      expect(modeOf(path.join(dataDir, 'parley.db'))).toBe('600');
    } finally {
      await parley.dispose();
    }
  });
});

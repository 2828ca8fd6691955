import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../test/helpers/silent-logger.js';
import { openDatabase } from './connection.js';
import { openSqliteStore } from './open.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('openSqliteStore', () => {
  it('waits while another process holds the file locked as it sets it up, instead of failing with SQLITE_BUSY', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-open-'));
    dirs.push(dir);
    const file = path.join(dir, 'parley.db');
    // Another instance, half-way through setting the file up (before WAL): an exclusive lock.
    const other = new BetterSqlite3(file);
    other.exec('CREATE TABLE setting_up (x)');
    other.exec('BEGIN EXCLUSIVE');
    const release = setTimeout(() => {
      other.exec('COMMIT');
      other.close();
    }, 300);
    try {
      const store = await openSqliteStore({ file, lockTimeoutMs: 5000, logger: silentLogger });
      await store.close();
    } finally {
      clearTimeout(release);
      if (other.open) other.close();
    }
    expect(fs.existsSync(file)).toBe(true);
  });
});

describe('openDatabase', () => {
  // PRAGMA synchronous reads 2 for FULL and 1 for NORMAL.
  it.each(['main', 'writer', 'checkpointer'] as const)('opens the %s connection with synchronous FULL by default, NORMAL when asked', (role) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-open-'));
    dirs.push(dir);
    const file = path.join(dir, 'parley.db');
    const full = openDatabase(file, role);
    const normal = openDatabase(file, role, 'normal');
    try {
      expect(full.pragma('synchronous', { simple: true })).toBe(2);
      expect(normal.pragma('synchronous', { simple: true })).toBe(1);
    } finally {
      full.close();
      normal.close();
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointLease } from './checkpoint-lease.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function leaseFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-lease-'));
  dirs.push(dir);
  return path.join(dir, 'parley.db-checkpoint-lease');
}

const age = (file: string, ms: number) => {
  const then = new Date(Date.now() - ms);
  fs.utimesSync(file, then, then);
};

describe('CheckpointLease', () => {
  it('lets one of several processes on a file checkpoint, and keeps it with that one while it renews', () => {
    const file = leaseFile();
    const [first, second] = [new CheckpointLease(file, 2500), new CheckpointLease(file, 2500)];
    expect(first.holds()).toBe(true);
    expect(second.holds()).toBe(false);
    age(file, 2000); // not yet stale: the holder's next turn renews it
    expect(second.holds()).toBe(false);
    expect(first.holds()).toBe(true);
    expect(fs.statSync(file).mtimeMs).toBeGreaterThan(Date.now() - 1000);
    expect(second.holds()).toBe(false);
  });

  it('passes to another process once the holder has stopped renewing for staleMs, and the old holder then stands aside', () => {
    const file = leaseFile();
    const [gone, next] = [new CheckpointLease(file, 2500), new CheckpointLease(file, 2500)];
    expect(gone.holds()).toBe(true);
    age(file, 3000);
    expect(next.holds()).toBe(true);
    expect(gone.holds()).toBe(false);
    expect(next.holds()).toBe(true);
  });

  it('is taken again when its file is removed, and is readable by its owner only', () => {
    const file = leaseFile();
    const lease = new CheckpointLease(file, 2500);
    expect(lease.holds()).toBe(true);
    fs.rmSync(file);
    expect(lease.holds()).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

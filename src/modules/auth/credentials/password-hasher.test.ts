import fs from 'node:fs';
import { hash } from '@node-rs/argon2';
import { afterAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from './password-hasher.js';

const hasher = createPasswordHasher({ threads: 2 });
afterAll(() => hasher.close());
const hashPassword = (password: string) => hasher.hash(password);
const verifyPassword = (hash: string, password: string) => hasher.verify(hash, password);
const verifyAgainstDecoy = (password: string) => hasher.verifyAgainstDecoy(password);

describe('password hasher', () => {
  it('hashes with argon2id at OWASP baseline parameters (19 MiB, 2 passes, 1 lane)', async () => {
    const hashed = await hashPassword('correct horse');
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hashed, 'correct horse')).toBe(true);
    expect(await verifyPassword(hashed, 'wrong horse')).toBe(false);
  });

  it('still verifies hashes made with other parameters (they are read from the hash)', async () => {
    const older = await hash('correct horse', { algorithm: 2 /* Argon2id */, memoryCost: 65_536, timeCost: 3, parallelism: 4 });
    expect(await verifyPassword(older, 'correct horse')).toBe(true);
    expect(await verifyPassword(older, 'wrong horse')).toBe(false);
  });

  it('answers false for a malformed hash instead of throwing', async () => {
    expect(await verifyPassword('not-a-hash', 'whatever')).toBe(false);
  });

  it('verifies many passwords at once, all answered correctly while queued', async () => {
    const hashed = await hashPassword('queued-password');
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => verifyPassword(hashed, i % 2 === 0 ? 'queued-password' : 'nope')));
    expect(results).toEqual([true, false, true, false, true, false]);
    expect(await verifyAgainstDecoy('queued-password')).toBe(false);
  });

  it.runIf(process.platform === 'linux')('hashes on a thread of the lowest CPU priority, leaving the event loop’s at normal', async () => {
    await hashPassword('priority-check');
    const niceOf = (tid: string) => {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]); // field 19, nice
    };
    const threads = fs.readdirSync('/proc/self/task');
    expect(threads.map(niceOf)).toContain(19);
    expect(niceOf(String(process.pid))).toBe(0);
  });

  it('refuses work once closed', async () => {
    const closing = createPasswordHasher({ threads: 1 });
    await closing.hash('warm-up');
    await closing.close();
    await expect(closing.hash('late')).rejects.toThrow(/closed/);
  });
});

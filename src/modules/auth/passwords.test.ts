import argon2 from 'argon2';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes with argon2id at OWASP baseline parameters (19 MiB, 2 passes, 1 lane)', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await verifyPassword(hash, 'correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'wrong horse')).toBe(false);
  });

  it('still verifies hashes made with other parameters (they are read from the hash)', async () => {
    const older = await argon2.hash('correct horse', { type: argon2.argon2id, memoryCost: 65_536, timeCost: 3, parallelism: 4 });
    expect(await verifyPassword(older, 'correct horse')).toBe(true);
    expect(await verifyPassword(older, 'wrong horse')).toBe(false);
  });

  it('answers false for a malformed hash instead of throwing', async () => {
    expect(await verifyPassword('not-a-hash', 'whatever')).toBe(false);
  });

  it('verifies many passwords at once, all answered correctly while queued', async () => {
    const hash = await hashPassword('queued-password');
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => verifyPassword(hash, i % 2 === 0 ? 'queued-password' : 'nope')));
    expect(results).toEqual([true, false, true, false, true, false]);
    expect(await verifyAgainstDecoy('queued-password')).toBe(false);
  });
});

import os from 'node:os';
import argon2 from 'argon2';
import pLimit from 'p-limit';

/**
 * argon2id with OWASP's baseline parameters (19 MiB, 2 passes, 1 lane): one lane means one
 * thread per hash. Hashes made with other parameters (they are in the hash) still verify.
 */
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Hashing runs on libuv's thread pool, never on the event loop; and at most one hash per core
 * but one runs at a time, so a login storm leaves the event loop a core (or, on one core, an
 * equal share of it) instead of crowding it out with a thread per login.
 */
const hashing = pLimit(Math.max(1, os.availableParallelism() - 1));

export function hashPassword(password: string): Promise<string> {
  return hashing(() => argon2.hash(password, HASH_OPTIONS));
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await hashing(() => argon2.verify(hash, password));
  } catch {
    return false;
  }
}

let decoyHash: Promise<string> | undefined;

/** Spends the time of a real verification, so an unknown username answers as slowly as a wrong password. */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoyHash ??= hashPassword('parley-decoy-password');
  await verifyPassword(await decoyHash, password);
  return false;
}

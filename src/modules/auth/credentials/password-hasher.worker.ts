/**
 * A password-hashing thread at the lowest CPU priority: argon2 runs here synchronously, so
 * when the CPU is short the event loop (normal priority) runs first and logins wait, instead
 * of every socket's messages waiting for a hash. On Linux a priority set from a thread
 * applies to that thread only.
 */
import os from 'node:os';
import { hashSync, verifySync } from '@node-rs/argon2';
import { answerRequests } from '../../../shared/worker-rpc.js';

export type HasherJob = { op: 'hash'; password: string } | { op: 'verify'; hash: string; password: string };

/**
 * argon2id with OWASP's baseline parameters (19 MiB, 2 passes, 1 lane). Hashes made with other
 * parameters (they are written in the hash) still verify.
 */
const HASH_OPTIONS = {
  algorithm: 2, // Algorithm.Argon2id (a const enum, which isolated modules cannot import)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

try {
  os.setPriority(os.constants.priority.PRIORITY_LOW); // nice 19
} catch {
  // Not permitted here: hashing still runs off the event loop, at normal priority.
}

answerRequests((job: HasherJob): string | boolean => {
  if (job.op === 'hash') return hashSync(job.password, HASH_OPTIONS);
  try {
    return verifySync(job.hash, job.password);
  } catch {
    return false; // a malformed hash matches nothing
  }
});

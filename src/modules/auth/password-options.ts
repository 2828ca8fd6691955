/**
 * argon2id with OWASP's baseline parameters (19 MiB, 2 passes, 1 lane). Hashes made with other
 * parameters (they are written in the hash) still verify.
 */
export const HASH_OPTIONS = {
  algorithm: 2, // Algorithm.Argon2id (a const enum, which isolated modules cannot import)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

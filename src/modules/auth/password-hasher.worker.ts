/**
 * A password-hashing thread at the lowest CPU priority: argon2 runs here synchronously, so
 * when the CPU is short the event loop (normal priority) runs first and logins wait, instead
 * of every socket's messages waiting for a hash. On Linux a priority set from a thread
 * applies to that thread only.
 */
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { hashSync, verifySync } from '@node-rs/argon2';
import { HASH_OPTIONS } from './password-options.js';

export type HasherJob = { op: 'hash'; password: string } | { op: 'verify'; hash: string; password: string };
export type HasherRequest = HasherJob & { id: number };
export type HasherResponse = { id: number; ok: true; result: string | boolean } | { id: number; ok: false; message: string };

try {
  os.setPriority(os.constants.priority.PRIORITY_LOW); // nice 19
} catch {
  // Not permitted here: hashing still runs off the event loop, at normal priority.
}

const port = parentPort;
if (!port) throw new Error('password-hasher.worker runs as a worker thread');

function run(request: HasherRequest): string | boolean {
  if (request.op === 'hash') return hashSync(request.password, HASH_OPTIONS);
  try {
    return verifySync(request.hash, request.password);
  } catch {
    return false; // a malformed hash matches nothing
  }
}

port.on('message', (request: HasherRequest) => {
  let response: HasherResponse;
  try {
    response = { id: request.id, ok: true, result: run(request) };
  } catch (error) {
    response = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(response);
});

import { afterEach, describe, expect, it } from 'vitest';
import type { EchoRequest } from '../../test/fixtures/echo.worker.js';
import { workerEntry } from './worker-entry.js';
import { WorkerThread, WorkerThreadGoneError } from './worker-rpc.js';

const threads: WorkerThread<EchoRequest, unknown>[] = [];
afterEach(async () => {
  await Promise.all(threads.splice(0).map((thread) => thread.close()));
});

function echoThread(): WorkerThread<EchoRequest, unknown> {
  const thread = new WorkerThread<EchoRequest, unknown>(workerEntry(import.meta.url, '../../test/fixtures/echo.worker'));
  threads.push(thread);
  return thread;
}

const workerOf = (thread: WorkerThread<EchoRequest, unknown>) => (thread as unknown as { worker: unknown }).worker;

describe('WorkerThread and answerRequests', () => {
  it('starts the thread on the first call and answers each call with its own result, in order', async () => {
    const thread = echoThread();
    expect(workerOf(thread)).toBeUndefined();
    const answers = await Promise.all([1, 2, 3].map((value) => thread.call({ op: 'echo', value: { value } })));
    expect(answers).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }]);
    expect(thread.pending).toBe(0);
  });

  it('rejects with the worker’s error, its name, message and code intact, and keeps serving', async () => {
    const thread = echoThread();
    await expect(thread.call({ op: 'fail' })).rejects.toMatchObject({ name: 'TestError', message: 'it failed', code: 'E_TEST' });
    expect(await thread.call({ op: 'echo', value: 'still here' })).toBe('still here');
  });

  it('fails the calls waiting on a thread that dies, and starts a new thread for the next call', async () => {
    const thread = echoThread();
    await thread.call({ op: 'echo', value: 'warm' });
    const first = workerOf(thread);
    const waiting = thread.call({ op: 'sleep', ms: 200 });
    const dying = thread.call({ op: 'exit' });
    await expect(waiting).resolves.toBe(200); // answered before the exit was reached
    await expect(dying).rejects.toBeInstanceOf(WorkerThreadGoneError);
    expect(await thread.call({ op: 'echo', value: 'again' })).toBe('again');
    expect(workerOf(thread)).not.toBe(first);
  });

  it('refuses calls once closed, and fails the ones it was still working on', async () => {
    const thread = echoThread();
    const working = thread.call({ op: 'sleep', ms: 500 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await thread.close();
    await expect(working).rejects.toBeInstanceOf(WorkerThreadGoneError);
    await expect(thread.call({ op: 'echo', value: 'late' })).rejects.toThrow('the worker thread is closed');
  });
});

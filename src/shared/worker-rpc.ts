import { parentPort, Worker, type WorkerOptions } from 'node:worker_threads';

/** An error as it crosses back from a worker thread: enough to classify it (a driver's `code`). */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
}

type Reply<Result> = { id: number; ok: true; result: Result } | { id: number; ok: false; error: SerializedError };

interface Call<Request> {
  id: number;
  request: Request;
}

interface Waiter<Result> {
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/** The thread died, or was closed, before it answered. The request may or may not have taken effect. */
export class WorkerThreadGoneError extends Error {
  override name = 'WorkerThreadGoneError';
}

/**
 * The calling side of a worker thread that answers requests (see `answerRequests`). The thread
 * starts on the first call, keeps the process alive only while a call waits, and when it dies
 * its waiting calls fail and the next call starts a new one.
 */
export class WorkerThread<Request, Result> {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiter<Result>>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly entry: URL,
    private readonly options: WorkerOptions = {},
  ) {}

  /** Calls sent and not yet answered. */
  get pending(): number {
    return this.waiting.size;
  }

  call(request: Request): Promise<Result> {
    if (this.closed) return Promise.reject(new WorkerThreadGoneError('the worker thread is closed'));
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, request } satisfies Call<Request>);
    });
  }

  /** Ends the thread; waiting calls fail, later calls are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(this.entry, this.options);
    worker.unref();
    worker.on('message', (reply: Reply<Result>) => this.answer(reply));
    worker.on('error', () => undefined); // reported by 'exit', which always follows
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new WorkerThreadGoneError(`worker thread exited with code ${code}`));
    });
    return worker;
  }

  private answer(reply: Reply<Result>): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (reply.ok) waiter.resolve(reply.result);
    else waiter.reject(Object.assign(new Error(reply.error.message), reply.error));
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

function serialize(error: unknown): SerializedError {
  const { name = 'Error', message = String(error), code } = (error ?? {}) as Partial<SerializedError>;
  return typeof code === 'string' ? { name, message, code } : { name, message };
}

/** The worker thread's side: answers each call with `handle`'s result or its error, in order. */
export function answerRequests<Request, Result>(handle: (request: Request) => Result): void {
  const port = parentPort;
  if (!port) throw new Error('answerRequests runs in a worker thread');
  port.on('message', ({ id, request }: Call<Request>) => {
    let reply: Reply<Result>;
    try {
      reply = { id, ok: true, result: handle(request) };
    } catch (error) {
      reply = { id, ok: false, error: serialize(error) };
    }
    port.postMessage(reply);
  });
}

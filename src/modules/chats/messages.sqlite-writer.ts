import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { errors } from '../../shared/errors.js';
import type { InsertOutcome, MessageInsertRow } from './messages.sqlite.js';
import type { WriterRequest, WriterResponse } from './messages.sqlite-writer.worker.js';

interface Waiter {
  resolve(outcomes: InsertOutcome[]): void;
  reject(error: unknown): void;
}

const fromSources = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`./messages.sqlite-writer.worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);

/**
 * The thread's entry. Run from TypeScript sources (tests, `npm run dev`), the worker module is
 * imported through tsx's tsImport: a worker does not inherit tsx's loader, and neither
 * `execArgv: ['--import', 'tsx']` nor registering it inside the worker applies to the entry
 * module (privatenumber/tsx#354).
 */
function workerEntry(): URL {
  if (!fromSources) return workerUrl;
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const code = `const { tsImport } = await import(${JSON.stringify(tsxApi)}); await tsImport(${JSON.stringify(workerUrl.href)}, ${JSON.stringify(import.meta.url)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/**
 * The event loop's side of the writer thread: hands it batches and answers each with what
 * was committed. A thread that dies fails its batch (the client retries with the same
 * clientMsgId; nothing is stored twice) and is started again for the next one.
 */
export class MessageWriterThread {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly file: string) {}

  commit(rows: MessageInsertRow[], lockTimeoutMs: number): Promise<InsertOutcome[]> {
    if (this.closed) return Promise.reject(errors.storeUnavailable(new Error('the store is closed')));
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, rows, lockTimeoutMs } satisfies WriterRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(workerEntry(), { workerData: { file: this.file } });
    // Only while a batch is waiting does the thread keep the process alive.
    worker.unref();
    worker.on('message', (response: WriterResponse) => this.answer(response));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(new Error(`message writer thread exited with code ${code}`));
    });
    return worker;
  }

  private answer(response: WriterResponse): void {
    const waiter = this.waiting.get(response.id);
    if (!waiter) return;
    this.waiting.delete(response.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (response.ok) waiter.resolve(response.outcomes);
    else waiter.reject(Object.assign(new Error(response.error.message), response.error));
  }

  private failAll(cause: unknown): void {
    const error = errors.storeUnavailable(cause);
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

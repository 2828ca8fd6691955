import { randomUUID } from 'node:crypto';
import fs from 'node:fs';

/**
 * Which of the processes sharing one SQLite file runs the checkpoints: a lease file next to the
 * database holds its holder's token and is renewed (its mtime) at each of the holder's turns.
 * Every instance has a checkpoint thread; with the lease only one of them checkpoints, so several
 * instances on one file pay for one instance's checkpoints (S3 measured each thread copying and
 * syncing the same WAL). A holder that stops renewing (stopped, killed) is replaced once its lease
 * is `staleMs` old.
 *
 * Only an economy, never a safeguard: PASSIVE checkpoints are safe from any number of connections
 * at once, so two processes that both believe they hold the lease for a turn (both took a stale
 * one) cost one checkpoint more, and the next turn settles it.
 */
export class CheckpointLease {
  private readonly token = randomUUID();

  constructor(
    private readonly file: string,
    private readonly staleMs: number,
  ) {}

  /** Whether this process checkpoints this turn: it holds the lease (renewed now) or has just taken it. */
  holds(): boolean {
    const holder = this.holder();
    if (holder === this.token) return this.renew();
    if (holder !== undefined && !this.isStale()) return false;
    if (holder !== undefined) fs.rmSync(this.file, { force: true });
    return this.take();
  }

  private holder(): string | undefined {
    try {
      return fs.readFileSync(this.file, 'utf8');
    } catch {
      return undefined; // no lease yet (or it was just taken away): free
    }
  }

  private isStale(): boolean {
    try {
      return fs.statSync(this.file).mtimeMs < Date.now() - this.staleMs;
    } catch {
      return true;
    }
  }

  private renew(): boolean {
    const now = new Date();
    try {
      fs.utimesSync(this.file, now, now);
      return true;
    } catch {
      return false; // removed by a process that found it stale: the next turn tries again
    }
  }

  /** Creates the lease only if there is none (O_EXCL): of processes racing for it, one gets it. */
  private take(): boolean {
    try {
      fs.writeFileSync(this.file, this.token, { flag: 'wx', mode: 0o600 });
      return true;
    } catch {
      return false;
    }
  }
}

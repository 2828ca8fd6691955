import { spawn } from 'node:child_process';

/** Another process holding SQLite's write lock on the file, as a long migration or backup would. */
export interface StoreLock {
  /** Whether the lock has been let go. */
  released(): boolean;
  done: Promise<void>;
}

export function lockStore(file: string, holdMs: number): Promise<StoreLock> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('busy_timeout = 10000');
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('ROLLBACK'); db.close(); process.stdout.write('released\\n'); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ['-e', script, file, String(holdMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let isReleased = false;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (text.includes('released')) isReleased = true;
      if (text.includes('locked')) resolve({ released: () => isReleased, done });
    });
    child.once('exit', (code) => {
      isReleased = true;
      if (code !== 0) reject(new Error(`store locker exited with ${code}`));
    });
  });
}

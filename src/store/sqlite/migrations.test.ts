import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SchemaTooNewError } from '../store.js';
import { migrate, MIGRATIONS, type Migration } from './migrations.js';

const opened: { db: Database; dir: string }[] = [];
afterEach(() => {
  for (const { db, dir } of opened.splice(0)) {
    if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function database(): Database {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-migrations-'));
  const db = new BetterSqlite3(path.join(dir, 'parley.db'));
  db.pragma('journal_mode = WAL');
  opened.push({ db, dir });
  return db;
}

const versionOf = (db: Database) => db.pragma('user_version', { simple: true });
const tablesOf = (db: Database) =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
const latest = MIGRATIONS.at(-1)?.version as number;

function step(version: number, up: (db: Database) => void): Migration {
  return { version, description: `step ${version}`, up };
}

describe('SQLite schema migrations', () => {
  it('brings a new database to the latest version, with every table', () => {
    const db = database();
    expect(migrate(db)).toEqual({ from: 0, to: latest });
    expect(versionOf(db)).toBe(latest);
    expect(tablesOf(db)).toEqual(['blocks', 'conversations', 'messages', 'revocations', 'user_revocations', 'users']);
    expect(migrate(db)).toEqual({ from: latest, to: latest }); // nothing left to do
  });

  it('runs only the steps a database lacks, in order', () => {
    const db = database();
    const ran: number[] = [];
    const steps = [1, 2, 3].map((version) => step(version, () => ran.push(version)));
    migrate(db, steps.slice(0, 1));
    expect(ran).toEqual([1]);
    expect(migrate(db, steps)).toEqual({ from: 1, to: 3 });
    expect(ran).toEqual([1, 2, 3]);
    expect(versionOf(db)).toBe(3);
  });

  it('leaves the database as it was when a step fails: earlier steps of the run and the version roll back', () => {
    const db = database();
    const steps = [
      step(1, (tx) => tx.exec('CREATE TABLE first (id INTEGER)')),
      step(2, (tx) => {
        tx.exec('CREATE TABLE second (id INTEGER)');
        throw new Error('step 2 is broken');
      }),
    ];
    expect(() => migrate(db, steps)).toThrow('step 2 is broken');
    expect(versionOf(db)).toBe(0);
    expect(tablesOf(db)).toEqual([]);
  });

  it('refuses a database written by a newer release, and leaves it untouched', () => {
    const db = database();
    db.pragma(`user_version = ${latest + 1}`);
    let refusal: unknown;
    try {
      migrate(db);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(SchemaTooNewError);
    expect((refusal as Error).message).toContain(`schema version ${latest + 1}`);
    expect((refusal as Error).message).toContain(`versions up to ${latest}`);
    expect(versionOf(db)).toBe(latest + 1);
    expect(tablesOf(db)).toEqual([]);
  });
});

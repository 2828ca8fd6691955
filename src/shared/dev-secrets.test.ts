import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateDevSecrets, type DevSecrets } from './dev-secrets.js';

const run = promisify(execFile);
const moduleFile = fileURLToPath(new URL('./dev-secrets.ts', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-dev-secrets-test-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('loadOrCreateDevSecrets', () => {
  it('creates two distinct, long random secrets', () => {
    const secrets = loadOrCreateDevSecrets(dir);
    expect(Object.keys(secrets).sort()).toEqual(['jwtSecret', 'sessionSecret']);
    expect(secrets.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(secrets.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(secrets.jwtSecret).not.toBe(secrets.sessionSecret);
  });

  it('returns the same secrets when called twice on one directory', () => {
    const first = loadOrCreateDevSecrets(dir);
    const second = loadOrCreateDevSecrets(dir);
    expect(second).toEqual(first);
  });

  it('returns different secrets for a different directory', () => {
    const other = path.join(dir, 'other');
    expect(loadOrCreateDevSecrets(other)).not.toEqual(loadOrCreateDevSecrets(dir));
  });

  it('creates the directory when missing and leaves only the secrets file, readable by its owner alone (0600)', () => {
    const nested = path.join(dir, 'a', 'b');
    loadOrCreateDevSecrets(nested);
    expect(fs.readdirSync(nested)).toEqual(['dev-secrets.json']);
    const mode = fs.statSync(path.join(nested, 'dev-secrets.json')).mode & 0o777;
    expect(mode.toString(8)).toBe('600');
  });

  it('keeps secrets already written to the directory', () => {
    const existing: DevSecrets = { jwtSecret: 'j'.repeat(40), sessionSecret: 's'.repeat(40) };
    fs.writeFileSync(path.join(dir, 'dev-secrets.json'), JSON.stringify(existing), { mode: 0o600 });
    expect(loadOrCreateDevSecrets(dir)).toEqual(existing);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'dev-secrets.json'), 'utf8'))).toEqual(existing);
  });

  it('gives every one of several processes starting at once the same secrets', async () => {
    const startAt = Date.now() + 2000;
    // Each child busy-waits until the same instant, then loads the secrets.
    const script = [
      `import { loadOrCreateDevSecrets } from ${JSON.stringify(moduleFile)};`,
      'const [dataDir, startAt] = process.argv.slice(1);',
      'while (Date.now() < Number(startAt)) {}',
      'process.stdout.write(JSON.stringify(loadOrCreateDevSecrets(dataDir)));',
    ].join('\n');
    const outputs = await Promise.all(
      Array.from({ length: 6 }, () =>
        run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir, String(startAt)], {
          cwd: projectRoot,
        }),
      ),
    );
    const results = outputs.map(({ stdout }) => JSON.parse(stdout) as DevSecrets);
    const first = results[0];
    expect(first?.jwtSecret.length).toBeGreaterThanOrEqual(32);
    for (const result of results) expect(result).toEqual(first);
    expect(loadOrCreateDevSecrets(dir)).toEqual(first);
    expect(fs.readdirSync(dir)).toEqual(['dev-secrets.json']);
  }, 30_000);
});

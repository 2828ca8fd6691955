import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface DevSecrets {
  jwtSecret: string;
  sessionSecret: string;
}

const FILE_NAME = 'dev-secrets.json';

function generate(): DevSecrets {
  return {
    jwtSecret: randomBytes(48).toString('base64url'),
    sessionSecret: randomBytes(48).toString('base64url'),
  };
}

/**
 * Development secrets live in DATA_DIR so that restarts and several local instances
 * sharing the directory sign and verify with the same keys. The file is created with
 * an exclusive flag: when two instances start at once, one writes and both read it.
 */
export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // the data folder is the owner's alone
  const file = path.join(dataDir, FILE_NAME);
  const tempFile = `${file}.${process.pid}.tmp`;
  if (!fs.existsSync(file)) {
    fs.writeFileSync(tempFile, JSON.stringify(generate()), { mode: 0o600 });
    try {
      fs.linkSync(tempFile, file); // atomic, and fails if another instance won the race
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(tempFile, { force: true });
    }
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as DevSecrets;
}

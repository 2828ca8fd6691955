import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../src/config.js';
import { ERROR_CATALOGUE } from '../src/protocol/events.js';

const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists exactly the error codes of the catalogue clients get from parley/events, with their statuses', () => {
    const rows = [...readme.matchAll(/^\| (\d{3}) +\| `([a-z_]+)` +\|/gm)].map(([, status, code]) => [code, Number(status)]);
    const catalogue = Object.entries(ERROR_CATALOGUE).map(([code, { status }]) => [code, status]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(catalogue));
    expect(rows).toHaveLength(catalogue.length);
  });

  it('documents exactly the environment variables Parley reads, in its configuration table', () => {
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` +\|/gm)].map(([, name]) => name);
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});

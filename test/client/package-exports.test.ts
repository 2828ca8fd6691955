import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

/* What a project that installs Parley imports: the package's exports map, resolved by Node from the build. */
describe('package exports', () => {
  it('parley/client and parley/events resolve to the build, with their runtime exports and type declarations', () => {
    // Built once by `npm ci` (prepare) or `npm start`; built here when missing or older than the protocol.
    const built = new URL('dist/protocol/events.js', root);
    const stale = !fs.existsSync(new URL('dist/client/index.js', root)) || fs.statSync(built).mtimeMs < fs.statSync(new URL('src/protocol/events.ts', root)).mtimeMs;
    if (stale) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    // Node resolves the package's own name through its exports map (self-reference), as a consumer's import would.
    const script = `
      const client = await import('parley/client');
      const events = await import('parley/events');
      console.log(JSON.stringify({ client: Object.keys(client).sort(), events: Object.keys(events).sort() }));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({
      client: ['ParleyApi', 'ParleyClient', 'ParleyError', 'browserStorage', 'createParleyClient', 'memoryStorage'],
      events: ['CLIENT_EVENTS', 'ERROR_CATALOGUE', 'ERROR_CODES', 'SERVER_EVENTS'],
    });
    for (const types of ['dist/client/index.d.ts', 'dist/protocol/events.d.ts']) expect(fs.existsSync(new URL(types, root))).toBe(true);
  });
});

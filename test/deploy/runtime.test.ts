import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntimeLayout, execForm, parseDockerfile, parseHealthcheck, ROOT, stageEnv, tempDir, type Stage } from '../helpers/deploy.js';
import { freePort } from '../helpers/free-port.js';
import { waitFor } from '../helpers/wait-for.js';

/*
 * The image's start command and healthcheck, run without Docker: the Dockerfile's CMD and
 * HEALTHCHECK argv as written, its ENV, in a folder laid out as the runtime stage's /app
 * (package.json, dist/ with dist/web, node_modules). As the compose file's instances but with
 * SQLite and no Redis, on 127.0.0.1 rather than the image's 0.0.0.0, as this machine's user
 * rather than uid 1000. Not covered: the image's own files (Debian, its Node, the addon compiled
 * in it), which only `docker build` makes.
 */

const runtime = parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).stages.at(-1) as Stage;
const argvOf = (keyword: string) => runtime.instructions.filter((instruction) => instruction.keyword === keyword).at(-1)?.args ?? '';
const cmd = execForm(argvOf('CMD')) ?? [];
const healthcheck = parseHealthcheck(argvOf('HEALTHCHECK'));
/** `node` on the image's PATH is this test's node. */
const resolveNode = (argv: string[]) => argv.map((word, index) => (index === 0 && word === 'node' ? process.execPath : word));

interface Exit {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs the HEALTHCHECK's command as Docker does: the container's environment, exit 0 healthy. */
function runHealthcheck(env: Record<string, string>, cwd: string): Promise<Exit> {
  const started = Date.now();
  const [command, ...args] = resolveNode(healthcheck.command);
  const child = spawn(command as string, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output, ms: Date.now() - started })));
}

describe('the image\'s CMD and HEALTHCHECK, run without Docker in the runtime stage\'s layout', () => {
  let app = '';
  let dataDir = '';
  let env: Record<string, string> = {};
  let parley: ChildProcess | undefined;
  let output = '';
  let exited: Promise<number | null> = Promise.resolve(null);

  beforeAll(async () => {
    app = await buildRuntimeLayout();
    dataDir = path.join(tempDir('image-data'), 'data');
    env = {
      PATH: process.env['PATH'] ?? '',
      ...stageEnv(runtime),
      // What the compose file adds for an instance, but the store and Redis (test/deploy/compose.test.ts).
      JWT_SECRET: randomBytes(48).toString('base64'),
      SESSION_SECRET: randomBytes(48).toString('base64'),
      TRUST_PROXY: '1',
      LOG_LEVEL: 'info',
      // This machine, not a container.
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      DATA_DIR: dataDir,
    };
    const [command, ...args] = resolveNode(cmd);
    parley = spawn(command as string, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    parley.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    parley.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => parley?.once('exit', (code) => resolve(code)));
    await waitFor(() => {
      if (parley?.exitCode !== null) throw new Error(`node dist/index.js exited with ${parley?.exitCode}:\n${output}`);
      return output.includes('"msg":"parley started"');
    }, 30_000);
  }, 180_000);

  afterAll(async () => {
    if (parley && parley.exitCode === null && parley.signalCode === null) parley.kill('SIGKILL');
    fs.rmSync(app, { recursive: true, force: true });
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('starts Parley in production with the image\'s environment: JSON logs, SQLite in DATA_DIR, the web app from dist/web', async () => {
    expect(cmd).toEqual(['node', '--max-semi-space-size=32', 'dist/index.js']);
    expect(env['NODE_ENV']).toBe('production');
    const started = JSON.parse(output.split('\n').find((line) => line.includes('"msg":"parley started"')) as string);
    expect(started).toMatchObject({ store: 'sqlite', redis: false });
    expect(fs.existsSync(path.join(dataDir, 'parley.db'))).toBe(true);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(fs.existsSync(path.join(dataDir, 'dev-secrets.json'))).toBe(false); // production: secrets from the environment only
    const page = await fetch(`http://127.0.0.1:${env['PORT']}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script type="module" src="\/assets\/main-[\w-]+\.js"/);
  });

  it('reports healthy through the HEALTHCHECK command', async () => {
    const result = await runHealthcheck(env, app);
    expect(result, result.output).toMatchObject({ code: 0, output: '' });
  });

  it('reports unhealthy when nothing listens on PORT', async () => {
    const result = await runHealthcheck({ ...env, PORT: String(await freePort()) }, app);
    expect(result.code).toBe(1);
  });

  it('reports unhealthy, by itself, when the server accepts and never answers (its own deadline, before Docker\'s --timeout)', async () => {
    const sockets: net.Socket[] = [];
    const frozen = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => frozen.listen(0, '127.0.0.1', resolve));
    try {
      const result = await runHealthcheck({ ...env, PORT: String((frozen.address() as net.AddressInfo).port) }, app);
      expect(result.code).toBe(1); // exited, not killed
      expect(result.ms).toBeGreaterThanOrEqual(Number(/AbortSignal\.timeout\((\d+)\)/.exec(healthcheck.command[2] ?? '')?.[1]));
    } finally {
      sockets.forEach((socket) => socket.destroy());
      frozen.close();
    }
  }, 30_000);

  it('stops gracefully on SIGTERM, the signal docker stop sends to PID 1 (node itself, the exec-form CMD)', async () => {
    parley?.kill('SIGTERM');
    const code = await exited;
    expect(code, output).toBe(0);
    expect(output).toMatch(/"signal":"SIGTERM","msg":"shutting down"/);
    expect(output).toMatch(/"msg":"stopped"/);
    expect((await runHealthcheck(env, app)).code).toBe(1);
  }, 30_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable, nginxArgs, renderNginxConfig, ROOT, run, selfSignedCertificate, tempDir } from '../helpers/deploy.js';
import { freePort } from '../helpers/free-port.js';
import { spawnParley, type ParleyProcess } from '../helpers/parley-process.js';
import { waitFor } from '../helpers/wait-for.js';

/*
 * deploy/nginx.conf, by nginx itself: `nginx -t`, then a real nginx with it in front of a real
 * Parley in production mode (TRUST_PROXY=1, as the compose file gives the instances). The copy
 * that runs has the compose service names mapped to 127.0.0.1 (nginx refuses upstream names it
 * cannot resolve), a free port instead of 443, a test certificate and temporary paths: see
 * renderNginxConfig; everything else is the shipped file.
 */

/** NGINX_BIN runs them with another nginx than the one on the machine (e.g. one built from source). */
const nginx = process.env['NGINX_BIN'] || findExecutable('nginx');
const openssl = findExecutable('openssl');
const missing = !nginx ? 'nginx not installed' : !openssl ? 'openssl not installed' : undefined;
const SHIPPED = fs.readFileSync(path.join(ROOT, 'deploy', 'nginx.conf'), 'utf8');

/** `server ... resolve;` in an upstream: open-source nginx since 1.27.3. */
const nginxVersion = nginx ? /nginx\/(\d+)\.(\d+)\.(\d+)/.exec((await run(nginx, ['-v']).catch((error: { stderr?: string }) => error)).stderr ?? '') : null;
const versionNumber = nginxVersion ? Number(nginxVersion[1]) * 1_000_000 + Number(nginxVersion[2]) * 1000 + Number(nginxVersion[3]) : 0;
const knowsResolve = versionNumber >= 1_027_003;
const versionText = nginxVersion ? nginxVersion.slice(1).join('.') : 'unknown';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** HTTPS to nginx trusting only the test certificate, optionally from another loopback address. */
function httpsRequest(url: string, ca: string, options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: options.method ?? 'GET', headers: options.headers, ca, localAddress: options.localAddress, timeout: 10_000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.end(options.body);
  });
}

describe.skipIf(missing)(missing ? `deploy/nginx.conf (skipped: ${missing})` : 'deploy/nginx.conf', () => {
  let dir = '';
  let certDir = '';
  let ca = '';
  let parley: ParleyProcess | undefined;
  let proxy: ChildProcess | undefined;
  let proxyOutput = '';
  let base = '';
  let host = '';

  const render = (upstreamPort: number, listenPort: number) =>
    renderNginxConfig(SHIPPED, {
      upstreams: { parley1: `127.0.0.1:${upstreamPort}`, parley2: `127.0.0.1:${upstreamPort}` },
      listen: `127.0.0.1:${listenPort}`,
      certDir,
      tempDir: dir,
    });

  beforeAll(async () => {
    dir = tempDir('nginx');
    certDir = path.join(dir, 'certs');
    fs.mkdirSync(certDir);
    ca = fs.readFileSync((await selfSignedCertificate(openssl as string, certDir)).cert, 'utf8');
  }, 30_000);

  afterAll(async () => {
    proxy?.kill('SIGTERM');
    await parley?.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes nginx -t (upstream names mapped to 127.0.0.1, nothing else changed but paths and the port)', async () => {
    const conf = path.join(dir, 'nginx-t.conf');
    fs.writeFileSync(conf, render(3000, await freePort()));
    const { stderr } = await run(nginx as string, ['-t', ...nginxArgs(dir, conf)], { timeout: 30_000 });
    expect(stderr).toMatch(/syntax is ok/);
    expect(stderr).toMatch(/test is successful/);
  });

  it.skipIf(!knowsResolve)(
    knowsResolve
      ? `passes nginx -t with the compose service names as shipped (nginx ${versionText}: resolve starts without them)`
      : `passes nginx -t with the compose service names as shipped (skipped: nginx ${versionText} predates upstream resolve, 1.27.3; NGINX_BIN=<a newer nginx> runs it)`,
    async () => {
      const conf = path.join(dir, 'nginx-names.conf');
      fs.writeFileSync(conf, renderNginxConfig(SHIPPED, { upstreams: {}, listen: `127.0.0.1:${await freePort()}`, certDir, tempDir: dir }));
      const { stderr } = await run(nginx as string, ['-t', ...nginxArgs(dir, conf)], { timeout: 30_000 });
      expect(stderr).toMatch(/test is successful/);
    },
  );

  describe('in front of a Parley instance in production mode', () => {
    beforeAll(async () => {
      parley = await spawnParley({
        NODE_ENV: 'production',
        JWT_SECRET: randomBytes(48).toString('base64'),
        SESSION_SECRET: randomBytes(48).toString('base64'),
        TRUST_PROXY: '1',
        DATA_DIR: path.join(dir, 'data'),
        LOG_LEVEL: 'info',
      });
      const listenPort = await freePort();
      const conf = path.join(dir, 'nginx.conf');
      fs.writeFileSync(conf, render(Number(new URL(parley.url).port), listenPort));
      // One process as this user (no master forking workers as another one), in the foreground.
      proxy = spawn(nginx as string, nginxArgs(dir, conf, ' daemon off; master_process off;'), { stdio: ['ignore', 'pipe', 'pipe'] });
      proxy.stdout?.on('data', (chunk: Buffer) => (proxyOutput += chunk.toString()));
      proxy.stderr?.on('data', (chunk: Buffer) => (proxyOutput += chunk.toString()));
      host = `127.0.0.1:${listenPort}`;
      base = `https://${host}`;
      await waitFor(async () => {
        if (proxy?.exitCode !== null) throw new Error(`nginx exited: ${proxyOutput}${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
        return httpsRequest(`${base}/health/live`, ca).then((answer) => answer.status === 200, () => false);
      }, 15_000);
    }, 60_000);

    it('proxies HTTPS to the instance without telling its version', async () => {
      const answer = await httpsRequest(`${base}/health/live`, ca);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ status: 'ok' });
      expect(answer.headers['server']).toBe('nginx');
      expect(answer.headers['x-request-id']).toBeTruthy();
    });

    it('sends the Host with its port and X-Forwarded-Proto: a cookie login from the page\'s own origin is accepted and gets a Secure cookie', async () => {
      const answer = await httpsRequest(`${base}/auth/register`, ca, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ username: `nginx_${Date.now().toString(36)}`, password: 'correct horse battery' }),
      });
      expect(answer.status, answer.body).toBe(201);
      const cookie = ([] as string[]).concat(answer.headers['set-cookie'] ?? []).find((line) => line.startsWith('connect.sid='));
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/;\s*HttpOnly/i);

      // The same cookie opens a socket through nginx: the WebSocket upgrade is forwarded and the
      // socket's Origin matches the Host Parley sees.
      const socket = io(base, {
        transports: ['websocket'],
        extraHeaders: { cookie: (cookie as string).split(';')[0] as string, origin: base },
        ca,
        reconnection: false,
        forceNew: true,
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        expect(socket.io.engine.transport.name).toBe('websocket');
      } finally {
        socket.close();
      }
    });

    it('tells Parley the address nginx saw, never the X-Forwarded-For a client wrote', async () => {
      // The client connects from 127.0.0.2 (loopback is all of 127/8) and forges a header.
      const answer = await httpsRequest(`${base}/auth/login`, ca, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
        body: JSON.stringify({ username: 'nobody_here', password: 'wrong password' }),
        localAddress: '127.0.0.2',
      });
      expect(answer.status).toBe(401);
      await waitFor(() => /"msg":"login failed"/.test(parley?.output() ?? ''), 5_000);
      const line = JSON.parse((parley?.output() ?? '').split('\n').find((each) => each.includes('"msg":"login failed"')) as string);
      expect(line.address).toBe('127.0.0.2');
    });

    it('does not expose /metrics (per instance: scraped on the internal network)', async () => {
      const answer = await httpsRequest(`${base}/metrics`, ca);
      expect(answer.status).toBe(404);
      expect(answer.body).toContain('nginx');
    });
  });
});

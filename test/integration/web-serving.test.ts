import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';

/** A stand-in for a build of the web app: an index.html and one hashed asset. */
function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-serving-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Parley</title><script type="module" src="/assets/main-ABC123.js"></script>');
  fs.writeFileSync(path.join(dir, 'assets', 'main-ABC123.js'), 'console.log("parley")');
  return dir;
}

describe('serving the web app (WEB_DIR)', () => {
  let parley: TestParley;
  let webDir: string;

  beforeAll(async () => {
    webDir = fakeBuild();
    parley = await startTestParley({ env: { WEB_DIR: webDir } });
  });
  afterAll(async () => {
    await parley.dispose();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  it('answers GET / with index.html, revalidated on every load, under a strict CSP', async () => {
    const response = await request(parley.url, 'GET', '/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.body).toContain('/assets/main-ABC123.js');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|upgrade-insecure-requests/);
    expect((await request(parley.url, 'HEAD', '/')).status).toBe(200);
  });

  it('serves hashed assets as immutable, and an unknown one as the API 404', async () => {
    const asset = await request(parley.url, 'GET', '/assets/main-ABC123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await request(parley.url, 'GET', '/assets/main-OLD.js');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('route_not_found');
  });

  it('leaves every other path to the API: JSON 404s and 401s as before, no page', async () => {
    for (const [method, route] of [['GET', '/no/such/route'], ['POST', '/'], ['GET', '/index.html'], ['GET', '/assets'], ['GET', '/assets/../index.html']] as const) {
      const response = await request(parley.url, method, route);
      expect(response.status, `${method} ${route}`).toBe(404);
      expect(response.body.error.code).toBe('route_not_found');
    }
    const api = await request(parley.url, 'GET', '/users/someone');
    expect(api.status).toBe(401);
    expect(api.headers.get('cache-control')).toBe('no-store');
  });
});

describe('without a built web app', () => {
  it.each([
    ['a WEB_DIR without index.html', () => fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-empty-'))],
    ['WEB_DIR set empty', () => ''],
  ])('answers / with the API 404 for %s', async (_name, makeDir) => {
    const webDir = makeDir();
    const parley = await startTestParley({ env: { WEB_DIR: webDir } });
    try {
      const response = await request(parley.url, 'GET', '/');
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: { code: 'route_not_found', message: 'No route for GET /' } });
    } finally {
      await parley.dispose();
      if (webDir) fs.rmSync(webDir, { recursive: true, force: true });
    }
  });
});

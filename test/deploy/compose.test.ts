import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeConfig, composeConfigObject, findCompose, parseDockerfile, ROOT, stageEnv, tempDir, type ComposeTool } from '../helpers/deploy.js';

/*
 * deploy/docker-compose.yml resolved by docker-compose itself (`config`: interpolation, merge keys,
 * schema validation; no Docker engine involved), then checked for what docs/containers.md
 * promises. Nothing here starts a container, pulls an image or initiates a replica set.
 */

const compose: ComposeTool | undefined = await findCompose();

const SECRETS = {
  JWT_SECRET: 'test-only-jwt-7Qm2Zx9Lr4Kp8Vw1Nc5Hb3Td6Yf0Gs',
  SESSION_SECRET: 'test-only-session-3Wn8Pd1Kx6Rb4Mz9Lq2Vc7Hj5Tf0',
  REDIS_PASSWORD: '0f9e8d7c6b5a49382716a5b4c3d2e1f0',
};
const PARLEY_SERVICES = ['parley1', 'parley2'];

describe.skipIf(!compose)(
  compose ? `deploy/docker-compose.yml (docker-compose ${compose.major}.x config)` : 'deploy/docker-compose.yml (skipped: docker-compose not installed)',
  () => {
    const tool = compose as ComposeTool;
    let dir = '';
    let emptyEnvFile = '';
    let config: any;

    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    beforeAll(async () => {
      dir = tempDir('compose');
      emptyEnvFile = path.join(dir, 'empty.env');
      fs.writeFileSync(emptyEnvFile, '');
      const result = await composeConfig(tool, SECRETS, emptyEnvFile);
      expect(result, result.stderr).toMatchObject({ code: 0 });
      config = await composeConfigObject(tool, result.stdout);
    }, 60_000);

    it('resolves with the secrets given, and runs MongoDB, its replica-set init, Redis, two Parley instances and nginx', () => {
      expect(Object.keys(config.services).sort()).toEqual(['mongo', 'mongo-init', 'nginx', 'parley1', 'parley2', 'redis', 'tls-cert']);
    });

    it('refuses to resolve without the secrets, naming the missing one (the deploy/.env.example as shipped is empty)', async () => {
      const result = await composeConfig(tool, {}, path.join(ROOT, 'deploy', '.env.example'));
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/REDIS_PASSWORD|JWT_SECRET|SESSION_SECRET/);
      expect(result.stderr).toContain('deploy/.env');
      const names = Object.keys(SECRETS);
      const partials = await Promise.all(names.map((missing) => composeConfig(tool, { ...SECRETS, [missing]: '' }, emptyEnvFile)));
      partials.forEach((partial, index) => {
        expect(partial.code, `without ${names[index]}`).not.toBe(0);
        expect(partial.stderr, `without ${names[index]}`).toContain(names[index]);
      });
    }, 120_000);

    it('makes MongoDB a replica set rs0, initiated once by a one-shot service that the instances wait for', () => {
      const mongo = config.services.mongo;
      expect(mongo.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
      expect(mongo.healthcheck.test).toEqual(expect.arrayContaining(['mongosh']));
      expect(mongo.volumes.map((volume: any) => (typeof volume === 'string' ? volume : `${volume.source}:${volume.target}`)).join(' ')).toMatch(/mongo-data:\/data\/db/);

      const init = config.services['mongo-init'];
      expect(init.image).toBe(mongo.image);
      expect(init.depends_on).toEqual({ mongo: expect.objectContaining({ condition: 'service_healthy' }) });
      expect(init.restart ?? 'no').toBe('no');
      const script = init.command[init.command.indexOf('--file') + 1];
      const mounted = init.volumes
        .map((volume: any) => (typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target]))
        .find(([, target]: string[]) => target === script);
      expect(mounted?.[0]).toBe(path.join(ROOT, 'deploy', 'mongo-init-replica-set.js'));

      // The script: initiate only when the set is not yet initiated, then wait for a primary.
      const source = fs.readFileSync(path.join(ROOT, 'deploy', 'mongo-init-replica-set.js'), 'utf8');
      expect(source).toMatch(/rs\.status\(\)/);
      expect(source).toMatch(/NotYetInitialized/);
      expect(source).toMatch(/rs\.initiate\(\{ _id: REPLICA_SET, members: \[\{ _id: 0, host: MEMBER \}\] \}\)/);
      expect(source).toMatch(/const REPLICA_SET = 'rs0';/);
      expect(source).toMatch(/const MEMBER = 'mongo:27017';/);
      expect(source).toMatch(/isWritablePrimary/);
      expect(() => new Function(source)).not.toThrow(); // valid JavaScript for mongosh
    });

    it('gives both Parley instances the production environment: the replica set, Redis, the secrets, TRUST_PROXY', () => {
      for (const name of PARLEY_SERVICES) {
        const service = config.services[name];
        expect(service.environment).toEqual({
          NODE_ENV: 'production',
          MONGODB_URI: 'mongodb://mongo:27017/parley?replicaSet=rs0',
          REDIS_URL: `redis://:${SECRETS.REDIS_PASSWORD}@redis:6379`,
          JWT_SECRET: SECRETS.JWT_SECRET,
          SESSION_SECRET: SECRETS.SESSION_SECRET,
          TRUST_PROXY: '1',
          LOG_LEVEL: 'info',
          CORS_ORIGINS: '',
        });
        expect(service.build.context).toBe(ROOT);
        expect(service.build.dockerfile).toBe('Dockerfile');
        expect(service.image).toBe(config.services.parley1.image);
      }
      const redis = config.services.redis;
      expect(redis.image).toMatch(/^redis:7/); // sharded pub/sub needs Redis 7
      expect(redis.command).toEqual(expect.arrayContaining(['--requirepass', SECRETS.REDIS_PASSWORD]));
    });

    it('starts the instances only once their dependencies are healthy, and nginx only once the instances are', () => {
      for (const name of PARLEY_SERVICES) {
        expect(config.services[name].depends_on).toEqual({
          'mongo-init': expect.objectContaining({ condition: 'service_completed_successfully' }),
          redis: expect.objectContaining({ condition: 'service_healthy' }),
        });
        // Their health is the image's HEALTHCHECK (test/deploy/dockerfile.test.ts), not overridden or disabled here.
        expect(config.services[name].healthcheck).toBeUndefined();
      }
      expect(config.services.redis.healthcheck.test.join(' ')).toContain('redis-cli ping');
      expect(config.services.nginx.depends_on).toEqual({
        parley1: expect.objectContaining({ condition: 'service_healthy' }),
        parley2: expect.objectContaining({ condition: 'service_healthy' }),
        'tls-cert': expect.objectContaining({ condition: 'service_completed_successfully' }),
      });
      const runtime = parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).stages.at(-1);
      expect(runtime?.instructions.some((instruction) => instruction.keyword === 'HEALTHCHECK')).toBe(true);
    });

    it('gives a stopping instance longer than its graceful shutdown (SHUTDOWN_TIMEOUT 10 s + 5 s)', () => {
      for (const name of PARLEY_SERVICES) {
        const grace = config.services[name].stop_grace_period as string;
        const seconds = Number(/^(\d+)s$/.exec(grace)?.[1] ?? /^(\d+)m(\d+)s$/.exec(grace)?.slice(1).reduce((m, s) => Number(m) * 60 + Number(s), 0));
        expect(seconds).toBeGreaterThan(15);
      }
    });

    it('publishes nginx alone, with deploy/nginx.conf and whose upstreams are the Parley services on the image\'s port', () => {
      const published = Object.entries(config.services).filter(([, service]: [string, any]) => service.ports?.length).map(([name]) => name);
      expect(published).toEqual(['nginx']);
      const nginx = config.services.nginx;
      expect(nginx.ports).toEqual([expect.objectContaining({ target: 443, published: expect.anything() })]);
      const mounts = nginx.volumes.map((volume: any) => (typeof volume === 'string' ? volume : `${volume.source}:${volume.target}:${volume.read_only ? 'ro' : 'rw'}`));
      expect(mounts).toContain(`${path.join(ROOT, 'deploy', 'nginx.conf')}:/etc/nginx/nginx.conf:ro`);
      expect(mounts).toContain(`${path.join(ROOT, 'deploy', 'certs')}:/etc/nginx/certs:ro`);

      const conf = fs.readFileSync(path.join(ROOT, 'deploy', 'nginx.conf'), 'utf8');
      const port = stageEnv(parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).stages.at(-1)!)['PORT'];
      const upstreams = [...conf.matchAll(/^\s*server ([\w.-]+):(\d+)\b[^;]*;/gm)].map((match) => `${match[1]}:${match[2]}`);
      expect(upstreams).toEqual(PARLEY_SERVICES.map((name) => `${name}:${port}`));
      // Upstreams that follow a recreated container's new address need nginx 1.27.3+.
      expect(conf).toMatch(/^\s*resolver 127\.0\.0\.11\b/m);
      const [major, minor] = (/^nginx:(\d+)\.(\d+)/.exec(nginx.image) ?? []).slice(1).map(Number);
      expect((major as number) * 1000 + (minor as number)).toBeGreaterThanOrEqual(1028);
    });

    it('keeps MongoDB and Redis on an internal network, and the instances reachable only through nginx', () => {
      const networksOf = (name: string) => Object.keys(config.services[name].networks ?? {}).sort();
      expect(config.networks.backend.internal).toBe(true);
      expect(networksOf('mongo')).toEqual(['backend']);
      expect(networksOf('mongo-init')).toEqual(['backend']);
      expect(networksOf('redis')).toEqual(['backend']);
      expect(networksOf('nginx')).toEqual(['edge']);
      for (const name of PARLEY_SERVICES) expect(networksOf(name)).toEqual(['backend', 'edge']);
    });

    it('runs the instances hardened: read-only root, no capabilities, no privilege escalation', () => {
      for (const name of PARLEY_SERVICES) {
        const service = config.services[name];
        expect(service.read_only).toBe(true);
        expect(service.cap_drop).toEqual(['ALL']);
        expect(service.security_opt).toEqual(['no-new-privileges:true']);
      }
    });
  },
);

import fs from 'node:fs';
import path from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { dockerignoreExcludes, execForm, parseDockerfile, parseHealthcheck, ROOT, stageEnv, type Stage } from '../helpers/deploy.js';

/*
 * The Dockerfile, without Docker: linted by dockerfile-utils (the checks of the Docker language
 * server: syntax, flags, instruction arguments), then held to the rules of docs/containers.md.
 * Nothing here builds the image; docs/containers.md says what was and was not run.
 */

const dockerfileText = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const dockerfile = parseDockerfile(dockerfileText);
const runtime = dockerfile.stages.at(-1) as Stage;
const stage = (name: string) => dockerfile.stages.find((candidate) => candidate.name === name);
const instructions = (target: Stage, keyword: string) => target.instructions.filter((instruction) => instruction.keyword === keyword);
const lastOf = (target: Stage, keyword: string) => instructions(target, keyword).at(-1);

describe('Dockerfile', () => {
  it('has no problem dockerfile-utils finds (which does find them in a broken one)', () => {
    expect(validate(dockerfileText)).toEqual([]);
    // The linter at work: a Dockerfile with an empty USER, a bad HEALTHCHECK flag and a relative WORKDIR.
    const broken = validate('FROM node:20\nWORKDIR app\nUSER\nHEALTHCHECK --interval=often CMD true\n');
    expect(broken.map((problem) => problem.message).length).toBeGreaterThanOrEqual(3);
  });

  it('is multi-stage, every stage from the same official Node 20 image on Debian bookworm', () => {
    expect(dockerfile.stages.map((each) => each.name)).toEqual(['deps', 'build', 'runtime']);
    const bases = new Set(dockerfile.stages.map((each) => each.base));
    expect([...bases]).toHaveLength(1); // the addon compiled in deps runs in runtime
    expect([...bases][0]).toMatch(/^node:20[\w.-]*-bookworm(-slim)?$/);
  });

  it('compiles better-sqlite3 in the production-dependencies stage, with the tools node-gyp needs, and only there', () => {
    const deps = stage('deps') as Stage;
    const runs = instructions(deps, 'RUN').map((instruction) => instruction.args);
    expect(runs.join('\n')).toMatch(/apt-get install[^\n]*\bpython3\b[^\n]*\bmake\b[^\n]*\bg\+\+/);
    // npm ci would run the root `prepare` (npm run build): no TypeScript here, so scripts are off
    // and better-sqlite3's own install script is run by name.
    expect(runs.join('\n')).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(runs.join('\n')).toMatch(/npm rebuild better-sqlite3/);
    for (const other of dockerfile.stages.filter((each) => each !== deps)) {
      expect(instructions(other, 'RUN').map((instruction) => instruction.args).join('\n')).not.toMatch(/apt-get install|g\+\+/);
    }
  });

  it('builds with every dependency and `npm run build`, never running prepare before the sources are there', () => {
    const build = stage('build') as Stage;
    const runs = instructions(build, 'RUN').map((instruction) => instruction.args);
    expect(runs[0]).toMatch(/^npm ci --ignore-scripts\b/);
    expect(runs.at(-1)).toBe('npm run build');
    const copied = instructions(build, 'COPY').map((instruction) => instruction.args);
    expect(copied).toEqual(['package.json package-lock.json ./', 'tsconfig.json tsconfig.build.json ./', 'src ./src', 'web ./web']);
  });

  it('runs as a non-root user in the final stage, on production dependencies and the built dist/ only', () => {
    const user = lastOf(runtime, 'USER')?.args ?? '';
    expect(user).not.toBe('');
    expect(user.split(':')[0]).not.toMatch(/^(root|0)$/);
    expect(instructions(runtime, 'COPY').map((instruction) => instruction.args)).toEqual([
      '--from=deps /app/node_modules ./node_modules',
      '--from=build /app/dist ./dist', // dist/web, the web app, inside it
      'package.json ./', // "type": "module"
    ]);
    expect(lastOf(runtime, 'WORKDIR')?.args).toBe('/app');
  });

  it('sets NODE_ENV=production and keeps DATA_DIR on a VOLUME, owned by the user it runs as', () => {
    const env = stageEnv(runtime);
    expect(env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '3000', DATA_DIR: '/data' });
    // No secret in the image: production requires them at run time.
    expect(Object.keys(env).filter((key) => /SECRET|PASSWORD|TOKEN/.test(key))).toEqual([]);
    expect(execForm(lastOf(runtime, 'VOLUME')?.args ?? '')).toEqual([env['DATA_DIR']]);
    const user = (lastOf(runtime, 'USER')?.args ?? '').split(':')[0];
    const setup = instructions(runtime, 'RUN').map((instruction) => instruction.args).join('\n');
    expect(setup).toContain(`chown ${user}:${user} ${env['DATA_DIR']}`);
    expect(setup).toContain(`chmod 0700 ${env['DATA_DIR']}`);
  });

  it('exposes the port Parley listens on and checks /health/live with node itself (no curl in the slim image)', () => {
    expect(lastOf(runtime, 'EXPOSE')?.args).toBe(stageEnv(runtime)['PORT']);
    const healthcheck = parseHealthcheck(lastOf(runtime, 'HEALTHCHECK')?.args ?? '');
    expect(healthcheck.command.slice(0, 2)).toEqual(['node', '-e']);
    expect(healthcheck.command[2]).toContain('/health/live');
    expect(healthcheck.command[2]).toContain('process.env.PORT');
    // The probe gives up before Docker's own timeout kills it.
    const seconds = (value: string | undefined) => Number(/^(\d+)s$/.exec(value ?? '')?.[1]);
    expect(seconds(healthcheck.flags['timeout'])).toBeGreaterThan(Number(/AbortSignal\.timeout\((\d+)\)/.exec(healthcheck.command[2] ?? '')?.[1]) / 1000);
    expect(healthcheck.flags['start-period']).toBeDefined();
  });

  it('starts with exec-form CMD ["node", ...npm start\'s flags, "dist/index.js"] and no entrypoint script, so SIGTERM reaches node', () => {
    // The image runs exactly what `npm start` runs (its V8 flag included), without npm in between.
    const start = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(execForm(lastOf(runtime, 'CMD')?.args ?? '')).toEqual(start.split(' '));
    expect(start).toMatch(/^node (--[a-z-]+=\d+ )*dist\/index\.js$/);
    // The node image's ENTRYPOINT (docker-entrypoint.sh) is cleared, and before CMD (setting it after would reset CMD).
    const entrypoint = lastOf(runtime, 'ENTRYPOINT');
    expect(execForm(entrypoint?.args ?? '')).toEqual([]);
    expect(entrypoint?.line).toBeLessThan(lastOf(runtime, 'CMD')?.line ?? 0);
    expect(dockerfileText).not.toMatch(/\bnpm (start|run start)\b/);
  });
});

describe('.dockerignore', () => {
  const excluded = dockerignoreExcludes(fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8'));

  it('keeps local state out of the build context', () => {
    for (const file of [
      'node_modules/express/package.json',
      'dist/index.js',
      'dist/web/index.html',
      'data/parley.db',
      'data/dev-secrets.json',
      '.git/HEAD',
      '.env',
      'deploy/.env',
      'deploy/certs/tls.key',
      'test-results/browser/shot.png',
      'bench/results/latest.json',
      'coverage/index.html',
      'npm-debug.log',
      'web/node_modules/x/index.js',
      'src/node_modules/x/index.js',
    ]) {
      expect({ file, excluded: excluded(file) }).toEqual({ file, excluded: true });
    }
  });

  it('lets in every file the Dockerfile copies from the context', () => {
    const sources = dockerfile.stages
      .flatMap((each) => instructions(each, 'COPY'))
      .filter((instruction) => !instruction.args.startsWith('--from='))
      .flatMap((instruction) => instruction.args.split(/\s+/).slice(0, -1));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'web']));
    const filesOf = (source: string): string[] => {
      const full = path.join(ROOT, source);
      if (!fs.statSync(full).isDirectory()) return [source];
      return fs.readdirSync(full, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
    };
    const files = sources.flatMap(filesOf);
    expect(files).toEqual(expect.arrayContaining(['src/index.ts', 'web/build.mjs', 'web/index.html', 'tsconfig.build.json']));
    expect(files.filter((file) => excluded(file))).toEqual([]);
  });
});

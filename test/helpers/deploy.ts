import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/*
 * What the deployment tests (test/deploy) share: reading the Dockerfile and .dockerignore as
 * Docker does, finding the tools they run, rendering deploy/nginx.conf for a machine without the
 * compose network, and laying out a built Parley as the image's runtime stage holds it.
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const run = promisify(execFile);

/** An executable on PATH or in the sbin folders (nginx lives in /usr/sbin, often not on a user's PATH). */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(path.delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `parley-${prefix}-`));
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

export interface Instruction {
  /** Upper-cased: FROM, RUN, COPY... */
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
}

export interface Stage {
  /** The FROM image with the ARGs declared before the first FROM substituted. */
  base: string;
  name: string | undefined;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARG instructions before the first FROM (the only ones a FROM can use). */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

/** Instructions as the builder reads them: comments and blank lines dropped, `\` continuations joined. */
export function dockerfileInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { parts: string[]; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return; // also inside a continuation, as Docker does
    const continues = line.endsWith('\\');
    const part = continues ? line.slice(0, -1).trim() : trimmed;
    pending ??= { parts: [], line: index + 1 };
    pending.parts.push(part);
    if (continues) return;
    const joined = pending.parts.join(' ');
    const keyword = joined.split(/\s+/)[0] ?? '';
    instructions.push({ keyword: keyword.toUpperCase(), args: joined.slice(keyword.length).trim(), line: pending.line });
    pending = undefined;
  });
  return instructions;
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of dockerfileInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const base = (words[0] ?? '').replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string, bare: string) => globalArgs[braced ?? bare] ?? '');
      const name = words[1]?.toLowerCase() === 'as' ? words[2] : undefined;
      stages.push({ base, name, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [key = '', value = ''] = instruction.args.split('=');
        globalArgs[key] = value;
      }
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** The array of an exec-form (JSON) instruction, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.trim().startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed;
}

/** ENV instructions of a stage (the `KEY=value KEY2=value2` form, unquoted values), later ones winning. */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== 'ENV') continue;
    for (const pair of args.split(/\s+/)) {
      const [key = '', ...value] = pair.split('=');
      env[key] = value.join('=');
    }
  }
  return env;
}

export interface Healthcheck {
  flags: Record<string, string>;
  /** The exec-form command. */
  command: string[];
}

export function parseHealthcheck(args: string): Healthcheck {
  const match = /^((?:--[\w-]+=\S+\s+)*)CMD\s+(\[.*\])$/s.exec(args.trim());
  if (!match) throw new Error(`HEALTHCHECK is not "[--flags] CMD [exec form]": ${args}`);
  const flags = Object.fromEntries(
    (match[1] ?? '')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((flag) => flag.replace(/^--/, '').split('=') as [string, string]),
  );
  return { flags, command: execForm(match[2] ?? '') ?? [] };
}

// ---------------------------------------------------------------------------------------------
// .dockerignore

/** Docker's pattern (moby/patternmatcher): `**` any folders, `*` and `?` within one path segment. */
function patternRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index] as string;
    if (char === '*' && pattern[index + 1] === '*') {
      index += 1;
      if (pattern[index + 1] === '/') {
        index += 1;
        source += '(.*/)?';
      } else {
        source += '.*';
      }
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/**
 * Whether .dockerignore leaves `file` (relative to the context, `/`-separated) out of the build
 * context: the last pattern matching the file or one of its parent folders decides, `!` keeps.
 */
export function dockerignoreExcludes(dockerignore: string): (file: string) => boolean {
  const rules = dockerignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const keep = line.startsWith('!');
      const pattern = path.posix.normalize((keep ? line.slice(1) : line).trim()).replace(/^\/+/, '').replace(/\/+$/, '');
      return { keep, regexp: patternRegExp(pattern) };
    });
  return (file) => {
    const segments = file.split('/');
    const selfAndParents = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
    let excluded = false;
    for (const rule of rules) {
      if (selfAndParents.some((candidate) => rule.regexp.test(candidate))) excluded = !rule.keep;
    }
    return excluded;
  };
}

// ---------------------------------------------------------------------------------------------
// docker-compose

export interface ComposeTool {
  command: string;
  args: string[];
  /** Major version: 1 is the Python docker-compose (Debian bookworm's), 2 the Go one. */
  major: number;
}

/** `docker-compose` (any version), else the `docker compose` plugin; undefined when neither runs. */
export async function findCompose(): Promise<ComposeTool | undefined> {
  const candidates: Array<[string, string[]]> = [];
  const standalone = findExecutable('docker-compose');
  if (standalone) candidates.push([standalone, []]);
  const docker = findExecutable('docker');
  if (docker) candidates.push([docker, ['compose']]);
  for (const [command, args] of candidates) {
    try {
      const { stdout } = await run(command, [...args, 'version', '--short'], { timeout: 30_000 });
      const major = Number(/(\d+)\./.exec(stdout)?.[1]);
      if (major >= 1) return { command, args, major };
    } catch {
      // not usable
    }
  }
  return undefined;
}

export interface ComposeResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `config` of deploy/docker-compose.yml with exactly `env` as the environment (plus PATH and
 * HOME) and `envFile` as its env file, so that nothing of the caller's environment or a local
 * deploy/.env leaks in.
 */
export async function composeConfig(tool: ComposeTool, env: Record<string, string>, envFile: string): Promise<ComposeResult> {
  const args = [...tool.args, '--env-file', envFile, '-f', path.join(ROOT, 'deploy', 'docker-compose.yml'), 'config'];
  if (tool.major >= 2) args.push('--format', 'json');
  try {
    const { stdout, stderr } = await run(tool.command, args, {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: os.tmpdir(), ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : 1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? String(error) };
  }
}

/** The resolved configuration as an object: v2 prints JSON; v1 prints YAML, read with its own Python's yaml. */
export async function composeConfigObject(tool: ComposeTool, stdout: string): Promise<any> {
  if (tool.major >= 2) return JSON.parse(stdout);
  const child = spawn('python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let json = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (json += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  child.stdin.end(stdout);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`python3 could not read docker-compose's YAML: ${errors}`);
  return JSON.parse(json);
}

// ---------------------------------------------------------------------------------------------
// nginx

export interface NginxRendering {
  /** Upstream host names (the compose services) to the address:port that stands in for each (without `resolve`). */
  upstreams: Record<string, string>;
  /** Where `listen 443 ssl;` listens instead. */
  listen: string;
  /** Holds tls.crt and tls.key, instead of /etc/nginx/certs. */
  certDir: string;
  /** nginx's logs and temporary folders go here, instead of /var/log/nginx and /var/lib/nginx. */
  tempDir: string;
}

/**
 * deploy/nginx.conf for a machine without the compose network: the upstream names, the port and
 * the certificate folder replaced, logs and temporary paths of its own (so it runs as any user);
 * nothing else touched. Throws when a line it replaces is missing, so the test never checks a file that
 * silently lost what it tests.
 */
export function renderNginxConfig(conf: string, { upstreams, listen, certDir, tempDir: temp }: NginxRendering): string {
  const replace = (text: string, search: string | RegExp, replacement: string) => {
    const next = text.replace(search, replacement);
    if (next === text) throw new Error(`deploy/nginx.conf no longer contains ${String(search)}`);
    return next;
  };
  let rendered = conf;
  // Directives only (a line's first word), never the same words in a comment.
  for (const [name, address] of Object.entries(upstreams)) {
    // An address needs no `resolve` (which nginx before 1.27.3 does not know either).
    rendered = replace(rendered, new RegExp(`^(\\s*)server ${name}:3000 resolve;`, 'gm'), `$1server ${address};`);
  }
  rendered = replace(rendered, /^(\s*)listen 443 ssl;/gm, `$1listen ${listen} ssl;`);
  rendered = replace(rendered, /\/etc\/nginx\/certs\//g, `${certDir}/`);
  rendered = replace(rendered, /\/var\/log\/nginx\//g, `${temp}/`);
  const tempPaths = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `    ${kind}_temp_path ${path.join(temp, kind)};`)
    .join('\n');
  rendered = replace(rendered, /^http \{$/m, `http {\n${tempPaths}`);
  // Never a listener of the shipped file's own (443, as root) on the test machine.
  const listeners = [...rendered.matchAll(/^\s*listen\s+([^;\s]+)/gm)].map((match) => match[1]);
  if (listeners.some((address) => address !== listen)) throw new Error(`deploy/nginx.conf listens elsewhere too: ${listeners.join(', ')}`);
  return rendered;
}

/** `nginx -t` / `nginx` arguments that keep its pid and error log in `dir` (`-e` needs nginx 1.19.5+). */
export function nginxArgs(dir: string, confFile: string, extraGlobal = ''): string[] {
  return ['-p', dir, '-c', confFile, '-e', path.join(dir, 'error.log'), '-g', `pid ${path.join(dir, 'nginx.pid')};${extraGlobal}`];
}

/** A self-signed certificate for 127.0.0.1 and localhost, as tls.crt and tls.key in `dir`. */
export async function selfSignedCertificate(openssl: string, dir: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, 'tls.crt');
  const key = path.join(dir, 'tls.key');
  await run(openssl, [
    'req', '-x509', '-newkey', 'rsa:2048', '-sha256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert,
  ], { timeout: 30_000 });
  return { cert, key };
}

// ---------------------------------------------------------------------------------------------
// The runtime stage's layout

/**
 * A folder laid out as the image's /app: package.json, dist/ compiled from src/ (the build's tsc
 * settings, type checking left to `npm run typecheck`) with the web app in dist/web, and
 * node_modules (this checkout's, linked). Built fresh, so it is the code under test, never a stale
 * dist/.
 */
export async function buildRuntimeLayout(): Promise<string> {
  const app = tempDir('image-app');
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', path.join(app, 'dist'), '--noCheck', '--declaration', 'false', '--sourceMap', 'false'], {
    cwd: ROOT,
    timeout: 120_000,
  });
  await run(process.execPath, [path.join(ROOT, 'web', 'build.mjs'), '--out', path.join(app, 'dist', 'web')], { cwd: ROOT, timeout: 60_000 });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(app, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'), 'dir');
  return app;
}

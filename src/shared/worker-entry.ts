import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The URL to start a worker thread from: the worker module at `relativePath` (without its
 * extension, e.g. './x.worker') from `moduleUrl` (pass `import.meta.url`). Built code starts the .js file. Run from
 * TypeScript sources (tests, `npm run dev`), the .ts module is imported through tsx's tsImport:
 * a worker does not inherit tsx's loader, and neither `execArgv: ['--import', 'tsx']` nor
 * registering it inside the worker applies to the entry module (privatenumber/tsx#354).
 */
export function workerEntry(moduleUrl: string, relativePath: string): URL {
  if (!moduleUrl.endsWith('.ts')) return new URL(`${relativePath}.js`, moduleUrl);
  const target = new URL(`${relativePath}.ts`, moduleUrl).href;
  const tsxRoot = path.dirname(createRequire(moduleUrl).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const code = `const { tsImport } = await import(${JSON.stringify(tsxApi)}); await tsImport(${JSON.stringify(target)}, ${JSON.stringify(moduleUrl)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

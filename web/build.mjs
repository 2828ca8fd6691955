// Builds the web app into dist/web (or --out DIR): index.html, one JS bundle and one CSS file,
// minified, with content hashes in their names, and prints their sizes (raw and gzip).
//   node web/build.mjs [--out DIR]
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf('--out');
const outDir = path.resolve(outIndex > 0 ? process.argv[outIndex + 1] : path.join(webDir, '..', 'dist', 'web'));
const assetsDir = path.join(outDir, 'assets');

fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(assetsDir, { recursive: true });

const result = await esbuild.build({
  entryPoints: [path.join(webDir, 'src', 'main.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022', 'chrome111', 'firefox113', 'safari16.4'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: path.join(webDir, 'tsconfig.json'),
  outdir: assetsDir,
  entryNames: '[name]-[hash]',
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => path.resolve(file));
const script = outputs.find((file) => file.endsWith('.js'));
const style = outputs.find((file) => file.endsWith('.css'));
if (!script || !style) throw new Error(`expected one .js and one .css output, got ${outputs.join(', ')}`);

/** Copies a file into assets/ under a content-hashed name. */
function hashedCopy(source) {
  const content = fs.readFileSync(source);
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 8);
  const name = `${path.basename(source, path.extname(source))}-${hash}${path.extname(source)}`;
  fs.writeFileSync(path.join(assetsDir, name), content);
  return name;
}

const icon = hashedCopy(path.join(webDir, 'icon.svg'));
const asset = (file) => `/assets/${path.basename(file)}`;
const html = fs
  .readFileSync(path.join(webDir, 'index.html'), 'utf8')
  .replace('%SCRIPT%', asset(script))
  .replace('%STYLE%', asset(style))
  .replace('%ICON%', `/assets/${icon}`);
fs.writeFileSync(path.join(outDir, 'index.html'), html);

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const shown = (file) => (path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file));
for (const file of [script, style]) {
  const content = fs.readFileSync(file);
  console.log(`web: ${shown(file)}  ${kb(content.length)} raw, ${kb(gzipSync(content, { level: 9 }).length)} gzip`);
}

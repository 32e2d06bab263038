// Builds the console into one directory the gridhub binary embeds (cmake/console.cmake): index.html,
// assets/app.js, assets/app.css, favicon.svg, and a gzip copy of each (served to browsers that accept gzip).
// Usage: node build.mjs <outdir> [--dev]   (--dev: no minification, inline source maps)
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync, renameSync } from 'node:fs';
import { gzipSync, constants } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
const dev = process.argv.includes('--dev');
if (!out) {
  console.error('usage: node build.mjs <outdir> [--dev]');
  process.exit(2);
}
mkdirSync(join(out, 'assets'), { recursive: true });

await esbuild.build({
  entryPoints: { app: join(here, 'src/main.js'), 'app-style': join(here, 'src/app.css') },
  bundle: true,
  outdir: join(out, 'assets'),
  entryNames: '[name]',
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'none',
  logLevel: 'warning',
});

// esbuild names the CSS entry after its key; the page links assets/app.css.
renameSync(join(out, 'assets/app-style.css'), join(out, 'assets/app.css'));
copyFileSync(join(here, 'src/index.html'), join(out, 'index.html'));
copyFileSync(join(here, 'src/favicon.svg'), join(out, 'favicon.svg'));

for (const name of ['index.html', 'assets/app.js', 'assets/app.css', 'favicon.svg']) {
  const bytes = readFileSync(join(out, name));
  writeFileSync(join(out, name + '.gz'), gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }));
}

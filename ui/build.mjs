// Bundles the page: one script and one style sheet, minified, with no request to any other host at run time.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
if (!out) {
  console.error('usage: node build.mjs OUTPUT_DIR');
  process.exit(2);
}
mkdirSync(join(out, 'assets'), { recursive: true });
await esbuild.build({
  entryPoints: { app: 'src/main/web/app.jsx', early: 'src/main/web/early.js' },
  bundle: true,
  minify: !process.env.HM_UI_NO_MINIFY, // HM_UI_NO_MINIFY=1: readable names in a profile (bench/ui.sh)
  sourcemap: false,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'eof',
  outdir: join(out, 'assets'),
  logLevel: 'warning',
});
copyFileSync('src/main/web/index.html', join(out, 'index.html'));

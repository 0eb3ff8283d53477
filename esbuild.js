// One build script for every bundle (STYLE.md §12):
//   dist/extension.js  node/cjs, `vscode` external
//   dist/cli.js        node/cjs, the `workspace-ca` command
//   dist/webview/*.js  browser/iife (when media/ has entry points)
//   out/test/**        test bundles (`--tests`): unit tests for mocha in plain node,
//                      integration suites for the extension host.
// `tsc --noEmit` type-checks separately (npm run typecheck).
'use strict';
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');
const { codiconsPlugin } = require('./scripts/codicons');

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const withTests = args.has('--tests');

function listFiles(dir, suffix) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p, suffix));
    else if (entry.name.endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

// The whole node-forge is only needed to open PKCS#12 files (src/core/der/forge.ts loads it
// lazily): in the shipped bundles it lives in dist/forge.js, required on first use, so the
// extension stays small and activates fast. Test and bench bundles inline it.
const lazyForge = {
  name: 'lazy-forge',
  setup(b) {
    b.onResolve({ filter: /^node-forge$/ }, () => ({ path: './forge.js', external: true }));
  },
};

const builds = [];
if (fs.existsSync('src/extension/extension.ts')) {
  builds.push({ ...common, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', external: ['vscode'], plugins: [lazyForge] });
}
builds.push({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  plugins: [lazyForge],
  banner: { js: '#!/usr/bin/env node' },
});
builds.push({ ...common, entryPoints: { forge: require.resolve('node-forge') }, outdir: 'dist' });
const webviewEntries = listFiles('media', '.ts').filter((f) => !f.endsWith('.d.ts') && path.dirname(f) === 'media');
if (webviewEntries.length) {
  builds.push({
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: !production, minify: production,
    logLevel: 'warning', entryPoints: webviewEntries, outdir: 'dist/webview', plugins: [codiconsPlugin()],
  });
}
if (args.has('--bench')) {
  builds.push({ ...common, sourcemap: true, entryPoints: { run: 'bench/run.ts' }, outdir: 'out/bench' });
}
if (withTests) {
  const unit = listFiles('test/unit', '.test.ts');
  if (unit.length) builds.push({ ...common, sourcemap: true, entryPoints: unit, outdir: 'out/test/unit', outbase: 'test/unit', external: ['mocha', '@vscode/codicons'] });
  const integ = listFiles('test/integration', '.ts');
  if (integ.length) builds.push({ ...common, sourcemap: true, entryPoints: integ, outdir: 'out/test/integration', outbase: 'test/integration', external: ['vscode', 'mocha'] });
}

async function main() {
  if (watch) {
    for (const b of builds) await (await esbuild.context(b)).watch();
    return;
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

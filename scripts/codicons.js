// Codicons for the webview without a font: an esbuild plugin that resolves `codicons:viewer` to a
// module of inline SVG path data, read from @vscode/codicons' src/icons/*.svg for exactly the
// names listed in media/codicons.d.ts (IconName). Loading codicon.css/.ttf in code-server's
// webview stalled later renders; path data in the bundle needs no fetch and no CSP change.
'use strict';
const fs = require('fs');
const path = require('path');

/** The icon names declared in a .d.ts union (`| 'name'` lines of `type IconName`). */
function declaredIcons(dtsFile) {
  const text = fs.readFileSync(dtsFile, 'utf8');
  const m = /type IconName\s*=([^;]+);/.exec(text);
  if (!m) throw new Error(`${dtsFile}: no "type IconName = ..." union`);
  return [...m[1].matchAll(/'([a-z0-9-]+)'/g)].map((x) => x[1]);
}

function iconDir() {
  return path.join(path.dirname(require.resolve('@vscode/codicons/package.json')), 'src', 'icons');
}

/** Path data of one codicon: [{d, evenOdd}], or an Error naming the icon. */
function iconPaths(name, dir = iconDir()) {
  const file = path.join(dir, `${name}.svg`);
  if (!fs.existsSync(file)) throw new Error(`codicon "${name}" does not exist in @vscode/codicons (${file})`);
  const svg = fs.readFileSync(file, 'utf8');
  if (!/viewBox="0 0 16 16"/.test(svg)) throw new Error(`codicon "${name}": expected a 16x16 viewBox`);
  const paths = [];
  for (const p of svg.matchAll(/<path\b([^>]*)\/?>/g)) {
    const attrs = p[1];
    const d = /\sd="([^"]+)"/.exec(attrs);
    if (!d) continue;
    paths.push({ d: d[1], evenOdd: /fill-rule="evenodd"/.test(attrs) });
  }
  if (!paths.length || /<(circle|rect|polygon|ellipse|line|g)\b/.test(svg)) {
    throw new Error(`codicon "${name}": only plain <path> icons are supported`);
  }
  return paths;
}

function moduleSource(names, dir) {
  const icons = {};
  for (const n of names) icons[n] = iconPaths(n, dir);
  return `export const ICONS = ${JSON.stringify(icons)};\n`;
}

function codiconsPlugin(dtsFile = path.join(__dirname, '..', 'media', 'codicons.d.ts')) {
  return {
    name: 'codicons',
    setup(b) {
      b.onResolve({ filter: /^codicons:viewer$/ }, () => ({ path: 'viewer', namespace: 'codicons' }));
      b.onLoad({ filter: /.*/, namespace: 'codicons' }, () => ({
        contents: moduleSource(declaredIcons(dtsFile)),
        loader: 'js',
        watchFiles: [dtsFile],
      }));
    },
  };
}

module.exports = { codiconsPlugin, declaredIcons, iconPaths, moduleSource };

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const codicons = require('../../scripts/codicons.js') as {
  declaredIcons(dts: string): string[];
  iconPaths(name: string, dir?: string): { d: string; evenOdd: boolean }[];
  moduleSource(names: string[], dir?: string): string;
};

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DTS = path.join(ROOT, 'media', 'codicons.d.ts');

describe('viewer codicons (inline SVG from @vscode/codicons)', () => {
  it('builds every icon media/codicons.d.ts declares, as 16x16 path data', () => {
    const names = codicons.declaredIcons(DTS);
    assert.ok(names.includes('copy') && names.includes('pass') && names.includes('error'), names.join(','));
    for (const n of names) {
      const paths = codicons.iconPaths(n);
      assert.ok(paths.length >= 1, n);
      for (const p of paths) assert.match(p.d, /^M[\d.]+[ ,][\d.]+/, `${n}: path data`);
    }
    const src = codicons.moduleSource(names);
    const icons = JSON.parse(src.replace(/^export const ICONS = /, '').replace(/;\n$/, '')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(icons).sort(), [...names].sort());
  });

  it('keeps even-odd fill rules (the pass icon is a ring with a tick)', () => {
    const pass = codicons.iconPaths('pass');
    assert.equal(pass.length, 2);
    assert.deepEqual(pass.map((p) => p.evenOdd), [false, true]);
  });

  it('fails the build with the icon name when a declared icon does not exist', () => {
    assert.throws(() => codicons.iconPaths('no-such-icon'), /codicon "no-such-icon" does not exist in @vscode\/codicons/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codicons-'));
    try {
      const dts = path.join(dir, 'x.d.ts');
      fs.writeFileSync(dts, "declare module 'codicons:viewer' { export type IconName = 'copy' | 'not-an-icon'; }");
      assert.deepEqual(codicons.declaredIcons(dts), ['copy', 'not-an-icon']);
      assert.throws(() => codicons.moduleSource(codicons.declaredIcons(dts)), /"not-an-icon"/);
      fs.writeFileSync(dts, 'nothing here');
      assert.throws(() => codicons.declaredIcons(dts), /no "type IconName = \.\.\." union/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is in the shipped webview bundle: no font or stylesheet is fetched', () => {
    const bundle = fs.readFileSync(path.join(ROOT, 'dist', 'webview', 'viewer.js'), 'utf8');
    assert.ok(bundle.includes(codicons.iconPaths('copy')[0].d), 'the copy icon path data is bundled');
    assert.doesNotMatch(bundle, /codicon\.(css|ttf)/);
  });
});

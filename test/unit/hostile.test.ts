/**
 * Issue 9.4: certificate text is attacker-controlled. Markup, terminal escapes, forged lines, RTL
 * overrides, 10,000 SANs and 64 KB names decode quickly, reach the CLI's terminal escaped, and
 * reach the viewer's view model literally (the webview renders it with textContent; the e2e test
 * test/e2e/viewer.mjs checks that no script runs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeFile } from '../../src/core/decode';
import { findEmbeddedCertificates } from '../../src/core/embedded';
import { buildViewState } from '../../src/extension/editor/viewModel';
import { safeField } from '../../src/cli/terminal';
import { CN_OID, HOSTILE, O_OID, OU_OID, hostileCert } from './support/hostile';
import { NOW, cli, rm, tmpDir } from './support/pki';

// What must never reach a terminal raw: C0 (but the CLI's own newlines), DEL, C1, bidi controls.
// eslint-disable-next-line no-control-regex
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('hostile certificate content (issue 9.4)', function () {
  this.timeout(60_000);
  let dir: string;
  const write = (name: string, pem: string) => fs.writeFileSync(path.join(dir, name), pem);
  before(() => {
    dir = tmpDir('wca-hostile-');
    write('evil.pem', hostileCert({ subject: [[CN_OID, HOSTILE.ansi], [O_OID, HOSTILE.rtl], [OU_OID, HOSTILE.newline]], dns: [HOSTILE.html, HOSTILE.ansi], extraText: HOSTILE.html }).pem);
    write('many-sans.pem', hostileCert({ subject: [[CN_OID, 'many.example']], dns: Array.from({ length: 10_000 }, (_, i) => `h${i}.example.com`) }).pem);
    write('huge-name.pem', hostileCert({ subject: [[CN_OID, 'N'.repeat(65_536)], [O_OID, `${HOSTILE.html}${'O'.repeat(65_536)}`]] }).pem);
  });
  after(() => rm(dir));

  const read = (name: string) => fs.readFileSync(path.join(dir, name));

  it('decode keeps every field literally (data, not markup) and stays fast on 10,000 SANs and 64 KB names', () => {
    const [evil] = decodeFile(read('evil.pem'));
    assert.ok(evil.kind === 'certificate' && evil.info);
    assert.ok(evil.info.subject.text.includes(HOSTILE.ansi) && evil.info.subject.text.includes(HOSTILE.rtl));
    for (const f of ['many-sans.pem', 'huge-name.pem']) {
      const t0 = process.hrtime.bigint();
      const [b] = decodeFile(read(f));
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.ok(!b.error, f);
      assert.ok(ms < 1000, `${f} decoded in ${ms.toFixed(0)} ms`);
    }
    const [many] = decodeFile(read('many-sans.pem'));
    assert.ok(many.kind === 'certificate' && many.info?.extensions.some((e) => e.text.includes('h9999.example.com')));
  });

  it('workspace-ca inspect escapes control and bidi characters; a newline in a field cannot forge a line', async () => {
    const r = await cli(['inspect', 'evil.pem'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, RAW_UNSAFE);
    assert.doesNotMatch(r.stdout, /^\s*FAKE: Verified OK/m);
    assert.ok(r.stdout.includes(safeField(HOSTILE.ansi)), 'the escapes are shown where the characters were');
    assert.ok(r.stdout.includes('invoice\\u202egpj.exe'));
    assert.ok(r.stdout.includes(HOSTILE.html), 'markup is plain text for a terminal, shown as is');
    const j = await cli(['inspect', 'evil.pem', '--json'], { cwd: dir });
    assert.doesNotMatch(j.stdout, RAW_UNSAFE);
    assert.ok(JSON.stringify(JSON.parse(j.stdout)).includes('invoice\\u202e') || JSON.parse(j.stdout).blocks[0].info.subject.text.includes(HOSTILE.rtl), 'the JSON still decodes to the exact text');
    assert.equal(JSON.parse(j.stdout).blocks[0].info.subject.text.includes(HOSTILE.rtl), true);
  });

  it('every verb\'s output is escaped too (lint, verify echo subjects)', async () => {
    for (const argv of [['lint', 'evil.pem'], ['verify', 'evil.pem', '--ca', 'evil.pem']]) {
      const r = await cli(argv, { cwd: dir, now: NOW });
      assert.doesNotMatch(r.stdout + r.stderr, RAW_UNSAFE, argv.join(' '));
    }
  });

  it('inspect of 10,000 SANs and 64 KB names finishes and prints them', async () => {
    for (const [f, want] of [['many-sans.pem', 'DNS:h9999.example.com'], ['huge-name.pem', 'N'.repeat(65_536)]]) {
      const t0 = process.hrtime.bigint();
      const r = await cli(['inspect', f], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.includes(want), f);
      assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 5000, f);
    }
  });

  it('the viewer\'s view model carries the text literally (the webview renders it with textContent)', () => {
    const state = buildViewState(decodeFile(read('evil.pem')), { fileName: 'evil.pem', now: NOW, canSign: false });
    const json = JSON.stringify(state);
    assert.ok(json.includes(JSON.stringify(HOSTILE.html).slice(1, -1)), 'not HTML-escaped twice, not dropped');
    assert.ok(json.includes(JSON.stringify(HOSTILE.rtl).slice(1, -1)));
  });

  it('the embedded-certificate scan (hovers) summarises hostile subjects without choking', () => {
    const text = `cert: |\n  ${read('evil.pem').toString().replace(/\n/g, '\n  ')}\n`;
    const scan = findEmbeddedCertificates(text, { now: NOW });
    assert.equal(scan.certificates.length, 1);
    assert.ok(scan.certificates[0].summary.subject.includes(HOSTILE.rtl));
  });
});

/** The certificate viewer's pure view-model (src/extension/editor/viewModel.ts), table-driven. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeFile } from '../../src/core/decode';
import { certificateDers, certificateIndex } from '../../src/extension/editor/certificateDers';
import {
  blockTitle,
  buildViewState,
  chainFileCandidates,
  errorState,
  nextUpdateBadge,
  normaliseHost,
  shortName,
  splitChain,
  validityBadge,
} from '../../src/extension/editor/viewModel';

const NOW = new Date('2025-06-01T12:00:00Z');

describe('viewer view model', () => {
  describe('validityBadge', () => {
    const table: { name: string; notBefore: string; notAfter: string; want: { state: string; days: number; text: string } }[] = [
      { name: 'valid for a year', notBefore: '2025-01-01T00:00:00Z', notAfter: '2026-06-01T12:00:00Z', want: { state: 'valid', days: 365, text: 'expires in 365 days' } },
      { name: 'expiring soon', notBefore: '2025-01-01T00:00:00Z', notAfter: '2025-06-11T13:00:00Z', want: { state: 'expiring', days: 10, text: 'expires in 10 days' } },
      { name: 'one day left', notBefore: '2025-01-01T00:00:00Z', notAfter: '2025-06-02T13:00:00Z', want: { state: 'expiring', days: 1, text: 'expires in 1 day' } },
      { name: 'last day', notBefore: '2025-01-01T00:00:00Z', notAfter: '2025-06-01T20:00:00Z', want: { state: 'expiring', days: 0, text: 'expires today' } },
      { name: 'expired', notBefore: '2024-01-01T00:00:00Z', notAfter: '2025-05-01T12:00:00Z', want: { state: 'expired', days: -31, text: 'expired 31 days ago' } },
      { name: 'expired hours ago', notBefore: '2024-01-01T00:00:00Z', notAfter: '2025-06-01T10:00:00Z', want: { state: 'expired', days: -0, text: 'expired today' } },
      { name: 'not yet valid', notBefore: '2025-06-03T12:00:00Z', notAfter: '2026-01-01T00:00:00Z', want: { state: 'notYetValid', days: 2, text: 'not valid yet (starts in 2 days)' } },
    ];
    for (const t of table) {
      it(t.name, () => {
        const b = validityBadge(t.notBefore, t.notAfter, NOW);
        assert.deepEqual({ ...b, days: b.days + 0 }, { ...t.want, days: t.want.days + 0 });
      });
    }
    it('notAfter itself is still valid (RFC 5280 §4.1.2.5: inclusive)', () => {
      assert.equal(validityBadge('2025-01-01T00:00:00Z', NOW.toISOString(), NOW).state, 'expiring');
    });
  });

  it('nextUpdateBadge says when a CRL is stale', () => {
    assert.equal(nextUpdateBadge('2025-05-30T12:00:00Z', NOW).text, 'stale: next update was due 2 days ago');
    assert.equal(nextUpdateBadge('2025-07-01T12:00:00Z', NOW).text, 'next update due in 30 days');
  });

  describe('shortName', () => {
    const table = [
      { input: 'CN=www.example.com, O=Example, C=GB', want: 'www.example.com' },
      { input: 'O=Example, CN=Example Root', want: 'Example Root' },
      { input: 'O=No CN here', want: 'O=No CN here' },
      { input: 'CN=<img src=x onerror=alert(1)>', want: '<img src=x onerror=alert(1)>' },
      { input: '', want: '(empty subject)' },
    ];
    for (const t of table) it(JSON.stringify(t.input), () => assert.equal(shortName(t.input), t.want));
  });

  describe('normaliseHost', () => {
    const table: { input: string | undefined; want: string | undefined }[] = [
      { input: '  www.Example.com. ', want: 'www.example.com' },
      { input: 'https://www.example.com:8443/path?q', want: 'www.example.com' },
      { input: '10.0.0.1:443', want: '10.0.0.1' },
      { input: '[::1]:443', want: '::1' },
      { input: '2001:db8::1', want: '2001:db8::1' },
      { input: '', want: undefined },
      { input: undefined, want: undefined },
    ];
    for (const t of table) it(String(JSON.stringify(t.input)), () => assert.equal(normaliseHost(t.input), t.want));
  });

  it('chainFileCandidates walks up to the workspace folder, next to the file first', () => {
    assert.deepEqual(chainFileCandidates('/ws/ca/intermediate/certs/www.cert.pem', '/ws').slice(0, 4), [
      '/ws/ca/intermediate/certs/ca-chain.cert.pem',
      '/ws/ca/intermediate/certs/certs/ca-chain.cert.pem',
      '/ws/ca/intermediate/certs/intermediate/certs/ca-chain.cert.pem',
      '/ws/ca/intermediate/ca-chain.cert.pem',
    ]);
    const all = chainFileCandidates('/ws/ca/certs/ca.cert.pem', '/ws');
    assert.ok(all.includes('/ws/ca/intermediate/certs/ca-chain.cert.pem'));
    assert.ok(all.includes('/ws/ca-chain.cert.pem'));
    assert.ok(!all.some((p) => p.startsWith('/ca-chain') || p === '/certs/ca-chain.cert.pem'), 'never above the workspace folder');
  });

  it('splitChain trusts the self-issued certificates of a chain file, or all when none is', () => {
    const root = { n: 'root', selfIssued: true };
    const inter = { n: 'inter', selfIssued: false };
    assert.deepEqual(splitChain([inter, root]), { anchors: [root], intermediates: [inter] });
    assert.deepEqual(splitChain([inter]), { anchors: [inter], intermediates: [] });
  });

  it('errorState is a readable error view', () => {
    assert.deepEqual(errorState('x.crt', NOW, 'The file is empty'), { fileName: 'x.crt', now: NOW.toISOString(), error: 'The file is empty', blocks: [], canSign: false });
  });

  describe('with openssl-made files', function () {
    let dir: string;
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    before(function () {
      try {
        execFileSync('openssl', ['version']);
      } catch {
        this.skip();
      }
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viewer-vm-'));
      run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'a.key', '-out', 'a.crt', '-subj', '/CN=<img src=x onerror=alert(1)>', '-days', '30');
      run('req', '-new', '-key', 'a.key', '-out', 'a.csr', '-subj', '/CN=req.example.com');
      run('pkcs12', '-export', '-inkey', 'a.key', '-in', 'a.crt', '-passout', 'pass:secret', '-out', 'a.p12');
    });
    after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

    it('builds blocks for a bundle of a certificate, a key and a CSR, without key material', () => {
      const text = ['a.crt', 'a.key', 'a.csr'].map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
      const blocks = decodeFile(Buffer.from(text));
      const spki = blocks[0].kind === 'certificate' ? blocks[0].info!.fingerprints.spkiSha256.hex : '';
      const state = buildViewState(blocks, {
        fileName: 'bundle.pem',
        now: new Date(),
        canSign: true,
        keyMatch: (k) => (k.spkiSha256?.hex === spki ? { state: 'matched', matches: [{ path: 'a.crt', subject: 'x' }], searched: 1 } : { state: 'none', searched: 1 }),
      });
      assert.deepEqual(
        state.blocks.map((b) => [b.kind, b.title, b.hasAsn1]),
        [
          ['certificate', '<img src=x onerror=alert(1)>', true],
          ['privateKey', 'Private key (EC P-256)', false],
          ['csr', 'req.example.com', true],
        ],
      );
      const key = state.blocks[1];
      assert.equal(key.kind === 'privateKey' && key.match?.state, 'matched');
      assert.match(state.blocks[0].where, /^PEM "CERTIFICATE", lines 1–\d+$/);
      const cert = state.blocks[0];
      assert.equal(cert.kind === 'certificate' && cert.validity?.state, 'expiring');
      // nothing of the key's base64 body crosses into the view state
      const keyBody = fs.readFileSync(path.join(dir, 'a.key'), 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'));
      const json = JSON.stringify(state);
      for (const line of keyBody) assert.ok(!json.includes(line.slice(0, 24)), 'key material leaked');
    });

    it('a PKCS#12 file is locked until the host gives the password; a wrong one says so', () => {
      const bytes = fs.readFileSync(path.join(dir, 'a.p12'));
      const locked = buildViewState(decodeFile(bytes, { fileName: 'a.p12' }), { fileName: 'a.p12', now: NOW, canSign: false });
      assert.deepEqual([locked.blocks[0].kind, locked.blocks[0].kind === 'pkcs12' && locked.blocks[0].locked, locked.blocks[0].error?.message], ['pkcs12', true, 'This PKCS#12 file is protected by a password.']);
      const wrong = buildViewState(decodeFile(bytes, { fileName: 'a.p12', password: 'nope' }), { fileName: 'a.p12', now: NOW, canSign: false, passwordTried: true });
      assert.match(wrong.blocks[0].error?.message ?? '', /^Wrong password/);
      const open = buildViewState(decodeFile(bytes, { fileName: 'a.p12', password: 'secret' }), { fileName: 'a.p12', now: NOW, canSign: false, passwordTried: true });
      assert.equal(open.blocks[0].error, undefined);
      assert.equal(blockTitle(decodeFile(bytes, { fileName: 'a.p12', password: 'secret' })[0]), 'PKCS#12: 1 certificate, 1 key');
    });

    it('certificateIndex finds the DER of a block by its fingerprint', () => {
      const bytes = fs.readFileSync(path.join(dir, 'a.crt'));
      const [block] = decodeFile(bytes);
      const idx = certificateIndex(bytes);
      assert.ok(block.kind === 'certificate' && idx.has(block.info!.fingerprints.sha256));
      assert.equal(certificateDers(Buffer.from('not a certificate')).length, 0);
    });
  });
});

/** Export: PKCS#12 for every key family read back by `openssl pkcs12`; fullchain; key+cert PEM. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { issue } from '../../src/core/ca/ca';
import { PkiError } from '../../src/core/errors';
import { buildPkcs12, fullchain, keyAndCertsPem, readCertificates } from '../../src/core/export';
import { KeyType, readPrivateKey } from '../../src/core/keys';
import { cli, ctx, mode, openssl, opensslOk, rm, tmpDir } from './support/pki';

describe('export', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = tmpDir('wca-export-');
    assert.equal((await cli(['init', 'ca', '--cn', 'Export Root', '--key-type', 'p256'], { cwd: dir })).code, 0);
    assert.equal((await cli(['intermediate', 'ca', '--cn', 'Export Int', '--key-type', 'p256'], { cwd: dir })).code, 0);
  });
  after(() => rm(dir));

  for (const kt of ['rsa2048', 'p384', 'ed25519'] as KeyType[]) {
    it(`PKCS#12 with a ${kt} key: openssl reads key, leaf and intermediate with the password, refuses a wrong one`, async () => {
      const r = await issue(ctx(), path.join(dir, 'ca'), { profile: 'server', subject: { CN: `${kt}.example.com` }, keyType: kt });
      const certs = fullchain(readCertificates(fs.readFileSync(r.certPath))[0], readCertificates(fs.readFileSync(path.join(dir, 'ca/intermediate/certs/ca-chain.cert.pem'))));
      assert.equal(certs.length, 2, 'leaf + intermediate, root left out');
      const p12 = buildPkcs12({ key: readPrivateKey(fs.readFileSync(r.keyPath)), certs, password: 'p12-pass', friendlyName: kt });
      const f = path.join(dir, `${kt}.p12`);
      fs.writeFileSync(f, p12);
      const out = opensslOk(['pkcs12', '-in', f, '-passin', 'pass:p12-pass', '-nodes']);
      assert.equal((out.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
      assert.match(out, new RegExp(`friendlyName: ${kt}\\n`), 'the friendly name reads back');
      const d = '-'.repeat(5);
      const keyPem = out.slice(out.indexOf(`${d}BEGIN PRIVATE KEY${d}`), out.indexOf(`${d}END PRIVATE KEY${d}`) + 25);
      const leafPub = opensslOk(['x509', '-noout', '-pubkey', '-in', r.certPath]);
      assert.equal(opensslOk(['pkey', '-pubout'], { input: keyPem }), leafPub);
      const wrong = openssl(['pkcs12', '-in', f, '-passin', 'pass:wrong', '-nodes']);
      assert.notEqual(wrong.code, 0);
      assert.match(wrong.stderr, /Mac verify error/);
    });
  }

  it('refuses a key that does not match, and a short password', async () => {
    const a = await issue(ctx(), path.join(dir, 'ca'), { profile: 'client', subject: { CN: 'a' }, keyType: 'p256' });
    const b = await issue(ctx(), path.join(dir, 'ca'), { profile: 'client', subject: { CN: 'b' }, keyType: 'p256' });
    const certA = readCertificates(fs.readFileSync(a.certPath));
    const keyB = readPrivateKey(fs.readFileSync(b.keyPath));
    assert.throws(() => buildPkcs12({ key: keyB, certs: certA, password: 'long-enough' }), (e: unknown) => e instanceof PkiError && /does not belong to the certificate/.test(e.message));
    assert.throws(() => keyAndCertsPem(keyB, certA), (e: unknown) => e instanceof PkiError && /does not belong to the certificate/.test(e.message));
    assert.throws(() => buildPkcs12({ key: readPrivateKey(fs.readFileSync(a.keyPath)), certs: certA, password: 'abc' }), (e: unknown) => e instanceof PkiError && /at least 4 characters/.test(e.message));
  });

  it('CLI: der, fullchain, pem (0600, unencrypted with a warning), p12 from env password', async () => {
    await issue(ctx(), path.join(dir, 'ca'), { profile: 'server', subject: { CN: 'cli.example.com' }, keyType: 'p256' });
    const cert = 'ca/intermediate/certs/cli.example.com.cert.pem';
    const der = await cli(['export', cert, '--format', 'der', '--out', 'cli.der'], { cwd: dir });
    assert.equal(der.code, 0, der.stderr);
    assert.match(opensslOk(['x509', '-inform', 'DER', '-in', path.join(dir, 'cli.der'), '-noout', '-subject']), /CN ?= ?cli.example.com/);
    const fc = await cli(['export', cert, '--format', 'fullchain'], { cwd: dir });
    assert.equal((fc.stdout.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
    const pem = await cli(['export', cert, '--format', 'pem', '--out', 'cli.combined.pem'], { cwd: dir });
    assert.equal(pem.code, 0, pem.stderr);
    assert.match(pem.stderr, /holds the private key unencrypted/);
    assert.equal(mode(path.join(dir, 'cli.combined.pem')), '600');
    const p12 = await cli(['export', cert, '--format', 'p12', '--out', 'cli.p12', '--password-env', 'P12'], { cwd: dir, env: { P12: 'from-env-1' } });
    assert.equal(p12.code, 0, p12.stderr);
    assert.equal(openssl(['pkcs12', '-in', path.join(dir, 'cli.p12'), '-passin', 'pass:from-env-1', '-noout']).code, 0);
    const again = await cli(['export', cert, '--format', 'der', '--out', 'cli.der'], { cwd: dir });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
  });
});

describe('PKCS#12 key derivation (RFC 7292 Appendix B.2)', () => {
  it('matches node-forge\'s generateKey for MAC, key and IV ids, several lengths and iteration counts', async () => {
    const forge = (await import('node-forge')).default ?? (await import('node-forge'));
    const { pkcs12Kdf } = await import('../../src/core/export');
    const cases: [string, string, 1 | 2 | 3, number, number][] = [
      ['p12-pass', '0102030405060708', 3, 2048, 32],
      ['Zoë ünïcode', 'a1b2c3d4e5f60718293a4b5c6d7e8f90', 1, 1, 32],
      ['x'.repeat(70), '00', 2, 3, 16],
      ['long-enough', 'ffffffffffffffffffffffffffffffff', 1, 10, 70],
    ];
    for (const [pw, saltHex, id, iter, n] of cases) {
      const want = forge.pkcs12.generateKey(pw, forge.util.createBuffer(Buffer.from(saltHex, 'hex').toString('binary')), id, iter, n, forge.md.sha256.create()).toHex();
      assert.equal(pkcs12Kdf(pw, Buffer.from(saltHex, 'hex'), id, iter, n).toString('hex'), want, `${pw}/${id}/${iter}/${n}`);
    }
  });
});

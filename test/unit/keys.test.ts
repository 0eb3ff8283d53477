/** Keys: generation, PKCS#8 (encrypted) export read by openssl, reading every format users have. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PkiError } from '../../src/core/errors';
import { KEY_TYPES, exportPrivateKey, generateKeyPair, isEncryptedKey, keyTypeOf, readPrivateKey, spkiOf } from '../../src/core/keys';
import { openssl, opensslOk, rm, tmpDir } from './support/pki';

const isErr = (code: string, msg: RegExp) => (e: unknown) => e instanceof PkiError && e.code === code && msg.test(e.message);

describe('keys', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = tmpDir('wca-keys-')));
  after(() => rm(dir));

  for (const kt of KEY_TYPES) {
    it(`${kt}: generated with the right type, encrypted PKCS#8 opens in openssl with the passphrase only`, async () => {
      const { privateKey } = await generateKeyPair(kt);
      assert.equal(keyTypeOf(privateKey), kt);
      const pem = exportPrivateKey(privateKey, 'correct horse');
      assert.match(pem, /^-{5}BEGIN ENCRYPTED PRIVATE KEY-{5}/);
      const f = path.join(dir, `${kt}.key.pem`);
      fs.writeFileSync(f, pem);
      const info = opensslOk(['asn1parse', '-in', f]);
      assert.match(info, /PBES2/);
      assert.match(info, /aes-256-cbc/);
      assert.equal(openssl(['pkey', '-in', f, '-passin', 'pass:correct horse', '-noout']).code, 0);
      const wrong = openssl(['pkey', '-in', f, '-passin', 'pass:wrong', '-noout']);
      assert.notEqual(wrong.code, 0);
      // And we read it back with the same passphrase, to the same key.
      assert.deepEqual(spkiOf(readPrivateKey(pem, 'correct horse')), spkiOf(privateKey));
    });
  }

  it('reads PKCS#1, SEC1, PKCS#8 (PEM and DER), encrypted PKCS#8 and legacy encrypted PEM', () => {
    opensslOk(['genrsa', '-out', 'rsa.p8.pem', '2048'], { cwd: dir });
    opensslOk(['rsa', '-in', 'rsa.p8.pem', '-traditional', '-out', 'rsa.p1.pem'], { cwd: dir });
    opensslOk(['rsa', '-in', 'rsa.p8.pem', '-traditional', '-aes256', '-passout', 'pass:legacy1', '-out', 'rsa.legacy.pem'], { cwd: dir });
    opensslOk(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ec.sec1.pem'], { cwd: dir });
    opensslOk(['pkcs8', '-topk8', '-in', 'ec.sec1.pem', '-v2', 'aes-256-cbc', '-passout', 'pass:pkcs8pw', '-out', 'ec.enc.pem'], { cwd: dir });
    opensslOk(['pkey', '-in', 'ec.sec1.pem', '-outform', 'DER', '-out', 'ec.p8.der'], { cwd: dir });
    opensslOk(['ec', '-in', 'ec.sec1.pem', '-outform', 'DER', '-out', 'ec.sec1.der'], { cwd: dir });
    const rd = (f: string) => fs.readFileSync(path.join(dir, f));
    const rsaSpki = spkiOf(readPrivateKey(rd('rsa.p8.pem')));
    const ecSpki = spkiOf(readPrivateKey(rd('ec.sec1.pem')));
    assert.match(rd('rsa.p1.pem').toString(), /BEGIN RSA PRIVATE KEY/);
    assert.deepEqual(spkiOf(readPrivateKey(rd('rsa.p1.pem'))), rsaSpki);
    assert.equal(isEncryptedKey(rd('rsa.legacy.pem')), true);
    assert.deepEqual(spkiOf(readPrivateKey(rd('rsa.legacy.pem'), 'legacy1')), rsaSpki);
    assert.deepEqual(spkiOf(readPrivateKey(rd('ec.enc.pem'), 'pkcs8pw')), ecSpki);
    assert.deepEqual(spkiOf(readPrivateKey(rd('ec.p8.der'))), ecSpki);
    assert.deepEqual(spkiOf(readPrivateKey(rd('ec.sec1.der'))), ecSpki);
    assert.throws(() => readPrivateKey(rd('ec.enc.pem')), isErr('passphrase-required', /encrypted: a passphrase is needed/));
    assert.throws(() => readPrivateKey(rd('ec.enc.pem'), 'nope'), isErr('wrong-passphrase', /^Wrong passphrase/));
    assert.throws(() => readPrivateKey(rd('rsa.legacy.pem'), 'nope'), isErr('wrong-passphrase', /^Wrong passphrase/));
  });

  it('refuses passphrases shorter than 4 characters (openssl would too)', async () => {
    const { privateKey } = await generateKeyPair('ed25519');
    assert.throws(() => exportPrivateKey(privateKey, 'abc'), isErr('usage', /at least 4 characters/));
  });

  it('gives a clear error for files that are not keys', () => {
    assert.throws(() => readPrivateKey('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'), isErr('malformed', /No private key found/));
    assert.throws(() => readPrivateKey(Buffer.from([1, 2, 3, 4, 5])), isErr('malformed', /Not a readable private key/));
  });
});

describe('publicKeyFromSpki (JWK fast path)', () => {
  it('gives the same key as node\'s DER import for RSA, P-256/384/521 and Ed25519, and falls back for compressed points', async () => {
    const { createPublicKey } = await import('node:crypto');
    const { publicKeyFromSpki } = await import('../../src/core/keys');
    for (const kt of ['rsa2048', 'p256', 'p384', 'p521', 'ed25519'] as const) {
      const spki = spkiOf((await generateKeyPair(kt)).privateKey);
      const fast = publicKeyFromSpki(spki);
      assert.ok(fast.equals(createPublicKey({ key: spki, format: 'der', type: 'spki' })), kt);
    }
    const dir = tmpDir('wca-spki-');
    try {
      opensslOk(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'k.pem'], { cwd: dir });
      opensslOk(['ec', '-in', 'k.pem', '-pubout', '-conv_form', 'compressed', '-outform', 'DER', '-out', 'c.der'], { cwd: dir });
      const c = fs.readFileSync(path.join(dir, 'c.der'));
      assert.ok(publicKeyFromSpki(c).equals(createPublicKey({ key: c, format: 'der', type: 'spki' })), 'compressed point');
    } finally {
      rm(dir);
    }
  });
});

/**
 * Issuance, every key type × profile, with openssl as the oracle (-x509_strict), plus the
 * PKI-NOTES pitfalls made impossible: SHA-1, wrong AKI, negative serials, PrintableString.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KeyObject } from 'node:crypto';
import { decodeAuthorityKeyId, decodeBasicConstraints, decodeExtKeyUsage, decodeKeyUsage } from '../../src/core/der/extensions';
import { OID } from '../../src/core/der/oids';
import { Tag } from '../../src/core/der/reader';
import { ParsedCertificate, findExtension, parseCertificate } from '../../src/core/der/x509';
import { PkiError } from '../../src/core/errors';
import { Profile, addDays, issueCertificate, keyIdOf, randomSerialHex } from '../../src/core/issue';
import { KEY_TYPES, KeyType, generateKeyPair, spkiOf } from '../../src/core/keys';
import { AT, NOW, openssl, opensslOk, rm, tmpDir } from './support/pki';

interface Ca {
  key: KeyObject;
  cert: ParsedCertificate;
  pem: string;
}

async function makeRootAndIntermediate(kt: KeyType): Promise<{ root: Ca; inter: Ca }> {
  const rk = (await generateKeyPair(kt)).privateKey;
  const r = issueCertificate({ profile: 'root-ca', subject: { C: 'GB', O: 'Zoë Ltd', CN: `Root ${kt}` }, publicKey: spkiOf(rk), notBefore: NOW, notAfter: addDays(NOW, 7300) }, { privateKey: rk });
  const ik = (await generateKeyPair(kt)).privateKey;
  const rootCert = parseCertificate(r.der);
  const i = issueCertificate({ profile: 'intermediate-ca', subject: { C: 'GB', O: 'Zoë Ltd', CN: `Intermediate ${kt}` }, publicKey: spkiOf(ik), notBefore: NOW, notAfter: addDays(NOW, 3650) }, { cert: rootCert, privateKey: rk });
  return { root: { key: rk, cert: rootCert, pem: r.pem }, inter: { key: ik, cert: parseCertificate(i.der), pem: i.pem } };
}

const LEAF_PROFILES: { profile: Profile; purpose: string; eku: string[]; sans: { type: 'dns' | 'ip' | 'email' | 'uri'; value: string }[] }[] = [
  { profile: 'server', purpose: 'sslserver', eku: [OID.serverAuth], sans: [{ type: 'dns', value: 'www.example.com' }, { type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '::1' }] },
  { profile: 'client', purpose: 'sslclient', eku: [OID.clientAuth], sans: [{ type: 'email', value: 'alice@example.com' }] },
  { profile: 'server+client', purpose: 'sslserver', eku: [OID.serverAuth, OID.clientAuth], sans: [{ type: 'dns', value: 'svc.example.com' }, { type: 'uri', value: 'spiffe://example.com/svc' }] },
  { profile: 'email', purpose: 'smimesign', eku: [OID.emailProtection], sans: [{ type: 'email', value: 'bob@example.com' }] },
];

const EXPECTED_SIG: Record<KeyType, string> = {
  rsa2048: 'sha256WithRSAEncryption',
  rsa3072: 'sha256WithRSAEncryption',
  rsa4096: 'sha256WithRSAEncryption',
  p256: 'ecdsa-with-SHA256',
  p384: 'ecdsa-with-SHA384',
  p521: 'ecdsa-with-SHA384',
  ed25519: 'ED25519',
};

describe('issuance: every key type × profile, openssl -x509_strict accepts', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = tmpDir('wca-issue-')));
  after(() => rm(dir));

  for (const kt of KEY_TYPES) {
    describe(kt, () => {
      let root: Ca;
      let inter: Ca;
      let chainFile: string;
      before(async () => {
        ({ root, inter } = await makeRootAndIntermediate(kt));
        chainFile = path.join(dir, `${kt}-chain.pem`);
        fs.writeFileSync(chainFile, inter.pem + root.pem);
      });

      it('root and intermediate: CA:TRUE critical, keyCertSign, AKI = issuer SKI, signature by key type', () => {
        const text = opensslOk(['x509', '-noout', '-text', '-nameopt', 'utf8'], { input: inter.pem });
        assert.match(text, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
        assert.match(text, /Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
        assert.match(text, new RegExp(`Signature Algorithm: ${EXPECTED_SIG[kt]}`));
        assert.match(text, /O ?= ?Zoë Ltd/, 'UTF8String subject reads back as Zoë');
        const aki = decodeAuthorityKeyId(findExtension(inter.cert.extensions, OID.authorityKeyIdentifier)!.value);
        assert.deepEqual(aki.keyId, keyIdOf(root.cert));
        assert.equal(opensslOk(['verify', '-x509_strict', '-attime', AT, '-CAfile', path.join(dir, `${kt}-chain.pem`), '-purpose', 'any'], { input: inter.pem }).trim(), 'stdin: OK');
      });

      for (const lp of LEAF_PROFILES) {
        it(`${lp.profile}: verifies with -purpose ${lp.purpose} and carries its extensions`, async () => {
          const lk = (await generateKeyPair(kt)).privateKey;
          const issued = issueCertificate(
            { profile: lp.profile, subject: { CN: `leaf ${lp.profile}` }, publicKey: spkiOf(lk), sans: lp.sans, notBefore: NOW, notAfter: addDays(NOW, 375) },
            { cert: inter.cert, privateKey: inter.key },
          );
          const leafFile = path.join(dir, `${kt}-${lp.profile}.pem`);
          fs.writeFileSync(leafFile, issued.pem);
          const v = openssl(['verify', '-x509_strict', '-attime', AT, '-purpose', lp.purpose, '-CAfile', chainFile, leafFile]);
          assert.equal(v.stdout.trim(), `${leafFile}: OK`, v.stderr);
          const c = parseCertificate(issued.der);
          assert.equal(c.version, 3);
          assert.equal(c.serialNegative, false);
          assert.ok(c.serialLength <= 20);
          assert.equal(c.signatureAlgorithm.name, EXPECTED_SIG[kt]);
          const bc = findExtension(c.extensions, OID.basicConstraints)!;
          assert.equal(bc.critical, true);
          assert.deepEqual(decodeBasicConstraints(bc.value), { ca: false });
          assert.deepEqual(decodeExtKeyUsage(findExtension(c.extensions, OID.extKeyUsage)!.value), lp.eku);
          const ku = decodeKeyUsage(findExtension(c.extensions, OID.keyUsage)!.value);
          assert.ok(ku.includes('digitalSignature'));
          assert.equal(ku.includes('keyEncipherment'), kt.startsWith('rsa'), 'keyEncipherment only for RSA subject keys');
          assert.deepEqual(decodeAuthorityKeyId(findExtension(c.extensions, OID.authorityKeyIdentifier)!.value).keyId, keyIdOf(inter.cert));
          const text = opensslOk(['x509', '-noout', '-text'], { input: issued.pem });
          for (const s of lp.sans) {
            const shown = s.type === 'dns' ? `DNS:${s.value}` : s.type === 'email' ? `email:${s.value}` : s.type === 'uri' ? `URI:${s.value}` : s.value === '::1' ? 'IP Address:0:0:0:0:0:0:0:1' : `IP Address:${s.value}`;
            assert.ok(text.includes(shown), `SAN ${shown} in:\n${text}`);
          }
        });
      }
    });
  }
});

describe('issuance: pitfalls are impossible', function () {
  this.timeout(60_000);
  let root: Ca;
  let inter: Ca;
  before(async () => ({ root, inter } = await makeRootAndIntermediate('p256')));

  it('random serials are positive, 20 octets at most, and never start with a sign bit', () => {
    for (let i = 0; i < 200; i++) {
      const hex = randomSerialHex();
      assert.equal(hex.length, 40);
      assert.ok(parseInt(hex[0], 16) < 8, hex);
      assert.notEqual(hex.slice(0, 2), '00');
    }
  });

  it('a serial whose top bit is set is encoded with a 0x00 prefix (positive)', async () => {
    const k = (await generateKeyPair('p256')).privateKey;
    const c = issueCertificate({ profile: 'client', subject: { CN: 'x' }, publicKey: spkiOf(k), notBefore: NOW, notAfter: addDays(NOW, 30), serialHex: 'FF01' }, { cert: inter.cert, privateKey: inter.key });
    const p = parseCertificate(c.der);
    assert.equal(p.serialHex, 'FF01');
    assert.equal(p.serialNegative, false);
    assert.equal(opensslOk(['x509', '-noout', '-serial'], { input: c.pem }).trim(), 'serial=FF01');
  });

  it('non-ASCII and "*" are written as UTF8String, the country as PrintableString', async () => {
    const k = (await generateKeyPair('p256')).privateKey;
    const c = issueCertificate({ profile: 'server', subject: { C: 'gb', O: '测试', CN: '*.example.com' }, sans: [{ type: 'dns', value: '*.example.com' }], publicKey: spkiOf(k), notBefore: NOW, notAfter: addDays(NOW, 30) }, { cert: inter.cert, privateKey: inter.key });
    const p = parseCertificate(c.der);
    const tags = Object.fromEntries(p.subject.rdns.map((r) => [r[0].type, r[0].tag]));
    assert.deepEqual(tags, { C: Tag.PrintableString, O: Tag.UTF8String, CN: Tag.UTF8String });
    assert.equal(p.subject.rdns[0][0].value, 'GB');
    assert.match(opensslOk(['x509', '-noout', '-subject', '-nameopt', 'utf8'], { input: c.pem }), /O ?= ?测试, CN ?= ?\*\.example\.com/);
  });

  it('validity never goes beyond the issuer: cut back and reported', async () => {
    const k = (await generateKeyPair('p256')).privateKey;
    const c = issueCertificate({ profile: 'client', subject: { CN: 'long' }, publicKey: spkiOf(k), notBefore: NOW, notAfter: addDays(NOW, 20000) }, { cert: inter.cert, privateKey: inter.key });
    assert.equal(c.clamped, true);
    assert.equal(c.notAfter.toISOString(), inter.cert.notAfter.toISOString());
  });

  it('dates from 2050 on are GeneralizedTime (RFC 5280 §4.1.2.5) and openssl reads them', () => {
    const r = issueCertificate({ profile: 'root-ca', subject: { CN: 'Long root' }, publicKey: spkiOf(root.key), notBefore: NOW, notAfter: new Date('2060-06-01T00:00:00Z') }, { privateKey: root.key });
    assert.match(opensslOk(['x509', '-noout', '-enddate'], { input: r.pem }), /notAfter=Jun {2}1 00:00:00 2060 GMT/);
  });

  const refusals: { name: string; run: (k: KeyObject) => unknown; code: string; message: RegExp }[] = [
    { name: 'server certificate without a DNS/IP SAN', run: (k) => issueCertificate({ profile: 'server', subject: { CN: 'nosan' }, publicKey: spkiOf(k), notBefore: NOW, notAfter: addDays(NOW, 1) }, { cert: inter.cert, privateKey: inter.key }), code: 'usage', message: /needs at least one DNS or IP subject alternative name: browsers ignore the common name/ },
    { name: 'a key that does not belong to the CA certificate', run: (k) => issueCertificate({ profile: 'client', subject: { CN: 'x' }, publicKey: spkiOf(k), notBefore: NOW, notAfter: addDays(NOW, 1) }, { cert: inter.cert, privateKey: k }), code: 'usage', message: /does not belong to the CA certificate/ },
    { name: 'notAfter before notBefore', run: (k) => issueCertificate({ profile: 'client', subject: { CN: 'x' }, publicKey: spkiOf(k), notBefore: NOW, notAfter: addDays(NOW, -1) }, { cert: inter.cert, privateKey: inter.key }), code: 'usage', message: /expire before it becomes valid/ },
    { name: 'a zero serial', run: (k) => issueCertificate({ profile: 'client', subject: { CN: 'x' }, publicKey: spkiOf(k), notBefore: NOW, notAfter: addDays(NOW, 1), serialHex: '00' }, { cert: inter.cert, privateKey: inter.key }), code: 'usage', message: /positive hexadecimal/ },
    { name: 'a 21-octet serial', run: (k) => issueCertificate({ profile: 'client', subject: { CN: 'x' }, publicKey: spkiOf(k), notBefore: NOW, notAfter: addDays(NOW, 1), serialHex: '01'.repeat(21) }, { cert: inter.cert, privateKey: inter.key }), code: 'usage', message: /at most 20 octets/ },
    { name: 'a country that is not two letters', run: (k) => issueCertificate({ profile: 'client', subject: { C: 'GBR', CN: 'x' }, publicKey: spkiOf(k), notBefore: NOW, notAfter: addDays(NOW, 1) }, { cert: inter.cert, privateKey: inter.key }), code: 'usage', message: /C must be a two-letter country code/ },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name}`, async () => {
      const k = (await generateKeyPair('p256')).privateKey;
      assert.throws(() => r.run(k), (e: unknown) => e instanceof PkiError && e.code === r.code && r.message.test(e.message));
    });
  }

  it('name constraints on an intermediate are critical and enforced by openssl', async () => {
    const ik = (await generateKeyPair('p256')).privateKey;
    const ic = issueCertificate(
      { profile: 'intermediate-ca', subject: { CN: 'Constrained' }, publicKey: spkiOf(ik), notBefore: NOW, notAfter: addDays(NOW, 100), nameConstraints: { permitted: [{ type: 'dns', value: 'example.com' }, { type: 'ip', value: '10.0.0.0/8' }] } },
      { cert: root.cert, privateKey: root.key },
    );
    const text = opensslOk(['x509', '-noout', '-text'], { input: ic.pem });
    assert.match(text, /Name Constraints: critical\s+Permitted:\s+DNS:example.com\s+IP:10.0.0.0\/255.0.0.0/);
    const dir = tmpDir();
    try {
      fs.writeFileSync(path.join(dir, 'chain.pem'), ic.pem + root.pem);
      const lk = (await generateKeyPair('p256')).privateKey;
      const mk = (dns: string) => issueCertificate({ profile: 'server', subject: { CN: dns }, sans: [{ type: 'dns', value: dns }], publicKey: spkiOf(lk), notBefore: NOW, notAfter: addDays(NOW, 30) }, { cert: parseCertificate(ic.der), privateKey: ik }).pem;
      assert.equal(openssl(['verify', '-x509_strict', '-attime', AT, '-CAfile', path.join(dir, 'chain.pem')], { input: mk('a.example.com') }).code, 0);
      const bad = openssl(['verify', '-x509_strict', '-attime', AT, '-CAfile', path.join(dir, 'chain.pem')], { input: mk('a.example.org') });
      assert.notEqual(bad.code, 0);
      assert.match(bad.stdout + bad.stderr, /permitted subtree violation/);
    } finally {
      rm(dir);
    }
  });
});

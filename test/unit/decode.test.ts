/**
 * src/core/decode against openssl, the oracle: keys of every type and format, certificates,
 * CSRs, a CRL, PKCS#7 and PKCS#12 files are made with the openssl CLI in a temp dir, and the
 * decoded values are compared with what openssl itself prints.
 */
import * as assert from 'node:assert/strict';
import { runCli } from '../../src/cli/main';
import { CliIo } from '../../src/cli/io';
import {
  asn1Tree,
  decodeCertificate,
  decodeCrl,
  decodeCsr,
  decodeFile,
  decodePkcs12,
  decodePrivateKey,
  decodePublicKey,
} from '../../src/core/decode';
import { PkiError } from '../../src/core/errors';
import { splitPem } from '../../src/core/pem';
import type { Asn1Node, CertificateInfo, DecodedBlock } from '../../src/core/types';
import { KEY_CASES, OpensslDir, hasOpenssl, makeCrl, makeKeys, opensslFingerprint, opensslSerial, opensslSpkiSha256 } from './support/decodeFixtures';

function pemDer(text: string | Buffer): Buffer {
  return splitPem(text.toString())[0].der;
}

function isPki(code: string, message: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof PkiError, `expected a PkiError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  };
}

function certOf(blocks: DecodedBlock[], i = 0): CertificateInfo {
  const b = blocks[i];
  assert.equal(b.kind, 'certificate');
  assert.equal(b.error, undefined);
  return (b as { info: CertificateInfo }).info;
}

const PRIVATE_KEY_FIELDS = new Set(['type', 'bits', 'curve', 'description', 'format', 'encrypted', 'encryption', 'spkiSha256', 'friendlyName', 'localKeyId']);

describe('decode: against openssl', function () {
  let o: OpensslDir;
  /** Per key case: PEM of its self-signed certificate. */
  const certs = new Map<string, Buffer>();

  before(function () {
    if (!hasOpenssl()) this.skip();
    this.timeout(120000);
    o = new OpensslDir();
    makeKeys(o);
    for (const k of KEY_CASES) {
      o.run(
        'req', '-utf8', '-x509', '-new', '-key', `${k.name}.key`, '-days', '30', '-set_serial', '0x1f2e3d4c5b6a79',
        '-subj', `/C=GB/O=Zoë Ltd/OU=Test, Unit/CN=${k.name} test`,
        '-addext', 'subjectAltName=DNS:a.example,DNS:*.b.example,IP:10.0.0.1,IP:2001:db8::1,email:ops@example.com,URI:https://u.example/p',
        '-addext', 'keyUsage=critical,digitalSignature,keyCertSign,cRLSign',
        '-addext', 'extendedKeyUsage=serverAuth,clientAuth',
        '-out', `${k.name}.crt`,
      );
      certs.set(k.name, o.read(`${k.name}.crt`));
      o.run('req', '-new', '-key', `${k.name}.key`, '-subj', `/CN=${k.name}.example`, '-addext', `subjectAltName=DNS:${k.name}.example,IP:192.0.2.7`, '-out', `${k.name}.csr`);
    }
  });

  after(() => o?.cleanup());

  describe('certificates, one per key type', () => {
    for (const k of KEY_CASES) {
      it(`${k.name}: fingerprints, serial, key, SANs, extensions match openssl`, () => {
        const file = `${k.name}.crt`;
        const c = certOf(decodeFile(certs.get(k.name)!));
        assert.equal(c.fingerprints.sha256, opensslFingerprint(o, file, 'sha256'));
        assert.equal(c.fingerprints.sha1, opensslFingerprint(o, file, 'sha1'));
        assert.equal(c.fingerprints.spkiSha256.base64, opensslSpkiSha256(o, file, 'x509'));
        assert.equal(c.fingerprints.spkiSha256.hex, Buffer.from(c.fingerprints.spkiSha256.base64, 'base64').toString('hex'));
        assert.equal(c.serial, opensslSerial(o, file));
        assert.equal(c.serial, '1F2E3D4C5B6A79');
        assert.equal(c.version, 3);
        assert.equal(c.key.type, k.type);
        assert.equal(c.key.bits, k.bits);
        assert.equal(c.key.curve, k.curve);
        const text = o.run('x509', '-in', file, '-noout', '-text');
        if (k.bits && k.type !== 'ed25519') assert.match(text, new RegExp(`Public-Key: \\(${k.bits} bit\\)`));
        assert.deepEqual(
          c.sans.map((s) => `${s.type}:${s.value}`),
          ['dns:a.example', 'dns:*.b.example', 'ip:10.0.0.1', 'ip:2001:db8::1', 'email:ops@example.com', 'uri:https://u.example/p'],
        );
        // openssl prints the SAN line the same way (IPv6 aside, which it writes uncompressed).
        const sanLine = text.split('\n').find((l) => l.includes('DNS:a.example'))!.trim();
        assert.equal(sanLine.replace('2001:DB8:0:0:0:0:0:1', '2001:db8::1'), c.extensions.find((e) => e.name === 'subjectAltName')!.text);
        assert.equal(c.subject.openssl, '/C=GB/O=Zoë Ltd/OU=Test, Unit/CN=' + `${k.name} test`);
        assert.equal(c.subject.text, `CN=${k.name} test, OU=Test\\, Unit, O=Zoë Ltd, C=GB`);
        assert.equal(
          o.run('x509', '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb').trim(),
          `subject=${c.subject.text.replace(/, (?=[A-Z]+=)/g, ',')}`,
        );
        assert.deepEqual(c.subject.attributes.map((a) => [a.type, a.value]), [['C', 'GB'], ['O', 'Zoë Ltd'], ['OU', 'Test, Unit'], ['CN', `${k.name} test`]]);
        assert.equal(c.selfIssued, true);
        assert.equal(c.isCa, /CA:TRUE/.test(text));
        const ku = c.extensions.find((e) => e.name === 'keyUsage')!;
        assert.equal(ku.critical, true);
        assert.deepEqual(ku.value, { kind: 'keyUsage', usages: ['digitalSignature', 'keyCertSign', 'cRLSign'] });
        assert.equal(ku.text, 'Digital Signature, Certificate Sign, CRL Sign');
        assert.ok(text.includes(ku.text), 'openssl prints the same key usage words');
        const eku = c.extensions.find((e) => e.name === 'extKeyUsage')!;
        assert.equal(eku.text, 'TLS Web Server Authentication, TLS Web Client Authentication');
        assert.ok(text.includes(eku.text));
        const ski = c.extensions.find((e) => e.name === 'subjectKeyIdentifier')!;
        assert.ok(text.includes(ski.text), 'SKI printed like openssl');
        assert.equal(Date.parse(c.notAfter) - Date.parse(c.notBefore), 30 * 86400 * 1000);
        assert.equal(c.signatureAlgorithm.name, text.match(/Signature Algorithm: (\S+)/)![1]);
        assert.equal(c.derLength, pemDer(certs.get(k.name)!).length);
        // DTOs are plain JSON.
        assert.deepEqual(JSON.parse(JSON.stringify(c)), c);
      });
    }

    it('unknown extensions keep their OID and hex; a malformed known one carries an error, the certificate still decodes', () => {
      o.run(
        'req', '-x509', '-new', '-key', 'p256.key', '-days', '1', '-subj', '/CN=odd extensions',
        '-addext', '1.2.3.4.5=ASN1:UTF8String:hello',
        '-addext', 'keyUsage=DER:0500',
        '-out', 'odd.crt',
      );
      const c = certOf(decodeFile(o.read('odd.crt')));
      const unknown = c.extensions.find((e) => e.oid === '1.2.3.4.5')!;
      assert.deepEqual(unknown, { oid: '1.2.3.4.5', name: '1.2.3.4.5', critical: false, value: { kind: 'raw', hex: '0c0568656c6c6f' }, text: '0C:05:68:65:6C:6C:6F' });
      const ku = c.extensions.find((e) => e.oid === '2.5.29.15')!;
      assert.equal(ku.name, 'keyUsage');
      assert.match(ku.error!, /expected tag 0x3, found 0x5/);
      assert.deepEqual(ku.value, { kind: 'raw', hex: '0500' });
      assert.equal(c.fingerprints.sha256, opensslFingerprint(o, 'odd.crt'));
    });

    it('the same certificate as DER is sniffed and decodes identically', () => {
      const der = o.runBytes('x509', '-in', 'p256.crt', '-outform', 'DER');
      const blocks = decodeFile(der);
      assert.equal(blocks.length, 1);
      assert.equal(blocks[0].source.encoding, 'der');
      assert.deepEqual(certOf(blocks), decodeCertificate(pemDer(certs.get('p256')!)));
    });

    it('OpenSSL TRUSTED CERTIFICATE (certificate + trust settings) decodes the certificate', () => {
      const pem = o.run('x509', '-in', 'p521.crt', '-trustout', '-addtrust', 'serverAuth');
      assert.ok(pem.startsWith('-----BEGIN TRUSTED CERTIFICATE-----'));
      assert.equal(certOf(decodeFile(Buffer.from(pem))).fingerprints.sha256, opensslFingerprint(o, 'p521.crt'));
    });

    it('openssl x509 -text output with the PEM at the end decodes', () => {
      const text = o.run('x509', '-in', 'rsa.crt', '-text');
      const blocks = decodeFile(Buffer.from(text));
      assert.equal(blocks.length, 1);
      assert.equal(certOf(blocks).fingerprints.sha256, opensslFingerprint(o, 'rsa.crt'));
    });

    it('a chain file with 3 good certificates and 1 broken block shows the 3 and the error', () => {
      const broken = '-----BEGIN CERTIFICATE-----\nMIIBroken!!\n-----END CERTIFICATE-----\n';
      const text = certs.get('rsa')!.toString() + certs.get('p384')!.toString() + broken + certs.get('ed25519')!.toString();
      const blocks = decodeFile(Buffer.from(text));
      assert.deepEqual(blocks.map((b) => [b.kind, b.source.index, b.error?.code ?? 'ok']), [
        ['certificate', 0, 'ok'],
        ['certificate', 1, 'ok'],
        ['certificate', 2, 'malformed'],
        ['certificate', 3, 'ok'],
      ]);
      assert.match(blocks[2].error!.message, /^PEM block "CERTIFICATE" starting on line \d+ has invalid base64$/);
      assert.equal(certOf(blocks, 3).key.type, 'ed25519');
    });

    it('a truncated certificate is a PkiError naming the problem', () => {
      const der = pemDer(certs.get('rsa')!);
      assert.throws(() => decodeCertificate(der.subarray(0, 300)), isPki('malformed', /Invalid DER: length \d+ runs past the end of the data/));
      const blocks = decodeFile(der.subarray(0, 300));
      assert.equal(blocks[0].error?.code, 'malformed');
      assert.match(blocks[0].error!.message, /^Not a valid DER file: length \d+ runs past the end of the data \(the data looks truncated\)$/);
      const pem = Buffer.from(`-----BEGIN CERTIFICATE-----\n${der.subarray(0, 300).toString('base64')}\n-----END CERTIFICATE-----\n`);
      assert.equal(decodeFile(pem)[0].error!.message, `Not a valid certificate: Invalid DER: length ${der.length - 4} runs past the end of the data (the data looks truncated)`);
    });

    it('garbage is a PkiError, never another exception', () => {
      const inputs = [Buffer.from('hello'), Buffer.from([0x30, 0x03, 0x02, 0x01]), Buffer.from([0x30, 0x00]), Buffer.alloc(0)];
      for (const input of inputs) {
        try {
          const blocks = decodeFile(input);
          for (const b of blocks) if (b.kind !== 'other') assert.ok(b.error || b.info);
        } catch (e) {
          assert.ok(e instanceof PkiError, `input ${input.toString('hex')} threw ${String(e)}`);
        }
        for (const f of [decodeCertificate, decodeCsr, decodeCrl]) assert.throws(() => f(input), (e: unknown) => e instanceof PkiError);
      }
    });
  });

  describe('CSRs', () => {
    for (const k of KEY_CASES) {
      it(`${k.name}: subject, key, SANs and a valid self-signature`, () => {
        const r = decodeCsr(pemDer(o.read(`${k.name}.csr`)));
        assert.equal(r.signatureValid, true, r.signatureProblem);
        assert.equal(r.subject.text, `CN=${k.name}.example`);
        assert.equal(r.key.type, k.type);
        assert.equal(r.key.bits, k.bits);
        assert.deepEqual(r.sans, [{ type: 'dns', value: `${k.name}.example` }, { type: 'ip', value: '192.0.2.7' }]);
        assert.equal(r.spkiSha256.base64, opensslSpkiSha256(o, `${k.name}.csr`, 'req'));
        const text = o.run('req', '-in', `${k.name}.csr`, '-noout', '-text');
        assert.equal(r.signatureAlgorithm.name, text.match(/Signature Algorithm: (\S+)/)![1]);
      });
    }

    it('a CSR whose signed content was altered decodes with signatureValid false and a reason', () => {
      const der = Buffer.from(pemDer(o.read('p256.csr')));
      const at = der.indexOf(Buffer.from('p256.example'));
      der[at] = 'q'.charCodeAt(0); // same length: still well-formed, signature now wrong
      const r = decodeCsr(der);
      assert.equal(r.subject.text, 'CN=q256.example');
      assert.equal(r.signatureValid, false);
      assert.equal(r.signatureProblem, 'the signature does not match the content and public key');
      // openssl agrees: the altered request does not verify.
      let opensslOk: boolean;
      try {
        opensslOk = /verify OK/.test(o.run('req', '-in', o.write('bad.csr.der', der), '-inform', 'DER', '-noout', '-verify'));
      } catch {
        opensslOk = false;
      }
      assert.equal(opensslOk, false);
    });

    it('a CSR in DER and with the legacy NEW CERTIFICATE REQUEST label', () => {
      const der = o.runBytes('req', '-in', 'rsa.csr', '-outform', 'DER');
      const [b] = decodeFile(der);
      assert.equal(b.kind, 'csr');
      const legacy = o.read('rsa.csr').toString().replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST');
      const [l] = decodeFile(Buffer.from(legacy));
      assert.equal(l.kind, 'csr');
      assert.deepEqual(l.kind === 'csr' && l.info, b.kind === 'csr' && b.info);
    });
  });

  describe('CRLs', () => {
    it('entries, reasons, CRL number and issuer match openssl crl -text', () => {
      o.run('req', '-new', '-key', 'p256.key', '-subj', '/CN=leaf one', '-out', 'leaf1.csr');
      o.run('x509', '-req', '-in', 'leaf1.csr', '-CA', 'rsa.crt', '-CAkey', 'rsa.key', '-set_serial', '0x0A0B', '-days', '5', '-out', 'leaf1.crt');
      o.run('x509', '-req', '-in', 'leaf1.csr', '-CA', 'rsa.crt', '-CAkey', 'rsa.key', '-set_serial', '0x0C', '-days', '5', '-out', 'leaf2.crt');
      const crlFile = makeCrl(o, 'rsa.key', 'rsa.crt', [
        { cert: 'leaf1.crt', reason: 'keyCompromise' },
        { cert: 'leaf2.crt', reason: 'superseded' },
      ]);
      const blocks = decodeFile(o.read(crlFile));
      assert.equal(blocks[0].kind, 'crl');
      const c = blocks[0].kind === 'crl' ? blocks[0].info! : assert.fail('not a CRL');
      const text = o.run('crl', '-in', crlFile, '-noout', '-text');
      assert.equal(c.version, 2);
      assert.equal(c.crlNumber, '1000');
      assert.match(text, /X509v3 CRL Number: \n\s+4096/);
      assert.equal(c.issuer.openssl, '/C=GB/O=Zoë Ltd/OU=Test, Unit/CN=rsa test');
      // Same entries, in the order openssl lists them.
      assert.deepEqual(c.entries.map((e) => e.serial), [...text.matchAll(/Serial Number: (\S+)/g)].map((m) => m[1]));
      assert.deepEqual(
        c.entries.map((e) => [e.serial, e.reason]).sort(),
        [['0A0B', 'keyCompromise'], ['0C', 'superseded']],
      );
      assert.match(text, /Serial Number: 0A0B\n\s+Revocation Date: .*\n\s+CRL entry extensions:\n\s+X509v3 CRL Reason Code: \n\s+Key Compromise/);
      assert.equal(Date.parse(c.nextUpdate!) - Date.parse(c.thisUpdate), 7 * 86400 * 1000);
      assert.equal(c.signatureAlgorithm.name, 'sha256WithRSAEncryption');
      const aki = c.extensions.find((e) => e.name === 'authorityKeyIdentifier')!;
      const ski = certOf(decodeFile(certs.get('rsa')!)).extensions.find((e) => e.name === 'subjectKeyIdentifier')!;
      assert.equal(aki.text, `keyid:${ski.text}`);
    });
  });

  describe('private keys in every format', () => {
    for (const k of KEY_CASES) {
      it(`${k.name}: PKCS#8 PEM and DER, type and spkiSha256 match the certificate`, () => {
        const certSpki = opensslSpkiSha256(o, `${k.name}.crt`, 'x509');
        const [b] = decodeFile(o.read(`${k.name}.key`));
        assert.equal(b.kind, 'privateKey');
        const info = b.kind === 'privateKey' ? b.info! : assert.fail();
        assert.deepEqual(
          { type: info.type, bits: info.bits, curve: info.curve, format: info.format, encrypted: info.encrypted },
          { type: k.type, bits: k.bits, curve: k.curve, format: 'pkcs8', encrypted: false },
        );
        assert.equal(info.spkiSha256!.base64, certSpki);
        assert.equal(info.spkiSha256!.base64, opensslSpkiSha256(o, `${k.name}.key`, 'pkey'));
        const der = o.runBytes('pkcs8', '-topk8', '-nocrypt', '-in', `${k.name}.key`, '-outform', 'DER');
        const [d] = decodeFile(der);
        assert.equal(d.source.label, 'DER (PRIVATE KEY)');
        assert.deepEqual(d.kind === 'privateKey' && d.info, info);
        // Never key material: only the summary fields, and no asn1 tree even when asked for.
        for (const key of Object.keys(info)) assert.ok(PRIVATE_KEY_FIELDS.has(key), `unexpected field ${key}`);
        assert.equal(decodeFile(der, { asn1: true })[0].asn1, undefined);
      });

      if (k.traditional) {
        it(`${k.name}: traditional ${k.traditional} (PEM and DER)`, () => {
          const pem = o.run('pkey', '-in', `${k.name}.key`, '-traditional');
          assert.ok(pem.startsWith(`-----BEGIN ${k.traditional}-----`));
          const [b] = decodeFile(Buffer.from(pem));
          const info = b.kind === 'privateKey' ? b.info! : assert.fail(b.error?.message);
          assert.equal(info.format, k.traditionalFormat);
          assert.equal(info.type, k.type);
          assert.equal(info.bits, k.bits);
          assert.equal(info.spkiSha256!.base64, opensslSpkiSha256(o, `${k.name}.key`, 'pkey'));
          const der = o.runBytes('pkey', '-in', `${k.name}.key`, '-traditional', '-outform', 'DER');
          const [d] = decodeFile(der);
          assert.equal(d.source.label, `DER (${k.traditional})`);
          assert.equal(d.kind === 'privateKey' && d.info!.spkiSha256!.base64, info.spkiSha256!.base64);
        });

        it(`${k.name}: legacy encrypted PEM (Proc-Type/DEK-Info) is reported without a passphrase`, () => {
          const pem = o.run('pkey', '-in', `${k.name}.key`, '-traditional', '-aes128', '-passout', 'pass:s3cret');
          assert.match(pem, /Proc-Type: 4,ENCRYPTED/);
          const block = splitPem(pem)[0];
          const info = decodePrivateKey(block);
          assert.deepEqual(info, { type: k.type, description: `${k.type.toUpperCase()} (encrypted)`, format: 'legacy-encrypted', encrypted: true, encryption: 'AES-128-CBC' });
          const opened = decodePrivateKey(block, { passphrase: 's3cret' });
          assert.equal(opened.bits, k.bits);
          assert.equal(opened.spkiSha256!.base64, opensslSpkiSha256(o, `${k.name}.key`, 'pkey'));
          assert.throws(() => decodePrivateKey(block, { passphrase: 'wrong' }), isPki('wrong-passphrase', /^Wrong passphrase/));
        });
      }

      it(`${k.name}: encrypted PKCS#8 (PBES2, PEM and DER) is reported without a passphrase`, () => {
        const pem = o.run('pkey', '-in', `${k.name}.key`, '-aes256', '-passout', 'pass:s3cret');
        const [b] = decodeFile(Buffer.from(pem));
        const info = b.kind === 'privateKey' ? b.info! : assert.fail(b.error?.message);
        assert.deepEqual(info, {
          type: 'unknown',
          description: 'encrypted private key',
          format: 'pkcs8',
          encrypted: true,
          encryption: 'PBES2 (PBKDF2 hmacWithSHA256, 2048 iterations, aes-256-cbc)',
        });
        const der = o.runBytes('pkcs8', '-topk8', '-in', `${k.name}.key`, '-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA512', '-iter', '5000', '-passout', 'pass:s3cret', '-outform', 'DER');
        const [d] = decodeFile(der);
        assert.equal(d.source.label, 'DER (ENCRYPTED PRIVATE KEY)');
        assert.equal(d.kind === 'privateKey' && d.info!.encryption, 'PBES2 (PBKDF2 hmacWithSHA512, 5000 iterations, aes-128-cbc)');
        const opened = decodePrivateKey(splitPem(pem)[0], { passphrase: 's3cret' });
        assert.equal(opened.type, k.type);
        assert.equal(opened.spkiSha256!.base64, opensslSpkiSha256(o, `${k.name}.key`, 'pkey'));
        assert.throws(() => decodePrivateKey(splitPem(pem)[0], { passphrase: 'nope' }), isPki('wrong-passphrase', /could not be decrypted/));
      });
    }

    it('PKCS#12-style PBE (pbeWithSHAAnd3-KeyTripleDES-CBC) in PKCS#8 is described', () => {
      const pem = o.run('pkcs8', '-topk8', '-in', 'rsa.key', '-v1', 'PBE-SHA1-3DES', '-passout', 'pass:x');
      const info = decodePrivateKey(splitPem(pem)[0]);
      assert.equal(info.encryption, 'pbeWithSHAAnd3-KeyTripleDES-CBC, 2048 iterations');
    });

    it('a broken key is a PkiError', () => {
      assert.throws(() => decodePrivateKey({ label: 'PRIVATE KEY', der: Buffer.from('300302010a', 'hex') }), isPki('malformed', /^Not a valid private key \(PRIVATE KEY\)/));
      assert.throws(() => decodePrivateKey({ label: 'ENCRYPTED PRIVATE KEY', der: Buffer.from('3000', 'hex') }), isPki('malformed', /Not a valid encrypted private key/));
    });
  });

  describe('public keys', () => {
    for (const k of KEY_CASES) {
      it(`${k.name}: PUBLIC KEY`, () => {
        const [b] = decodeFile(Buffer.from(o.run('pkey', '-in', `${k.name}.key`, '-pubout')));
        const info = b.kind === 'publicKey' ? b.info! : assert.fail(b.error?.message);
        assert.deepEqual([info.type, info.bits, info.curve, info.format], [k.type, k.bits, k.curve, 'spki']);
        assert.equal(info.spkiSha256.base64, opensslSpkiSha256(o, `${k.name}.key`, 'pkey'));
      });
    }

    it('RSA PUBLIC KEY (PKCS#1) has the same spkiSha256 as the SPKI form', () => {
      const pem = o.run('rsa', '-in', 'rsa.key', '-RSAPublicKey_out');
      const info = decodePublicKey(splitPem(pem)[0]);
      assert.equal(info.format, 'pkcs1');
      assert.equal(info.bits, 2048);
      assert.equal(info.spkiSha256.base64, opensslSpkiSha256(o, 'rsa.key', 'pkey'));
    });
  });

  describe('PKCS#7 bundles', () => {
    it('PEM and DER: every certificate is extracted, fingerprints match', () => {
      o.write('bundle.pem', Buffer.concat([certs.get('rsa')!, certs.get('p521')!]));
      const pem = o.run('crl2pkcs7', '-nocrl', '-certfile', 'bundle.pem');
      const der = o.runBytes('crl2pkcs7', '-nocrl', '-certfile', 'bundle.pem', '-outform', 'DER');
      for (const input of [Buffer.from(pem), der]) {
        const blocks = decodeFile(input);
        assert.deepEqual(blocks.map((b) => [b.kind, b.source.container, b.source.index]), [
          ['certificate', 'pkcs7', 0],
          ['certificate', 'pkcs7', 1],
        ]);
        assert.equal(certOf(blocks, 0).fingerprints.sha256, opensslFingerprint(o, 'rsa.crt'));
        assert.equal(certOf(blocks, 1).fingerprints.sha256, opensslFingerprint(o, 'p521.crt'));
      }
    });
  });

  describe('PKCS#12', () => {
    const cases = [
      { name: 'RSA, openssl 3 defaults (PBES2/AES-256, SHA-256 MAC)', key: 'rsa', extra: [] as string[] },
      { name: 'EC P-256, openssl 3 defaults', key: 'p256', extra: [] },
      { name: 'Ed25519, openssl 3 defaults', key: 'ed25519', extra: [] },
      { name: 'EC P-384, legacy 3DES PBE and SHA-1 MAC', key: 'p384', extra: ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'] },
    ];
    for (const c of cases) {
      it(`${c.name}: right password opens it, wrong password is wrong-passphrase`, () => {
        const file = `${c.key}.p12`;
        o.run('pkcs12', '-export', '-inkey', `${c.key}.key`, '-in', `${c.key}.crt`, '-name', `my ${c.key}`, '-passout', 'pass:p12-secret', ...c.extra, '-out', file);
        const bytes = o.read(file);
        const info = decodePkcs12(bytes, 'p12-secret');
        assert.equal(info.certificates.length, 1);
        assert.equal(info.keys.length, 1);
        assert.equal(info.certificates[0].fingerprints.sha256, opensslFingerprint(o, `${c.key}.crt`));
        assert.equal(info.certificates[0].friendlyName, `my ${c.key}`);
        const key = info.keys[0];
        const want = KEY_CASES.find((k) => k.name === c.key)!;
        assert.deepEqual([key.type, key.bits, key.curve, key.encrypted, key.friendlyName], [want.type, want.bits, want.curve, false, `my ${c.key}`]);
        assert.equal(key.spkiSha256!.base64, info.certificates[0].fingerprints.spkiSha256.base64);
        assert.equal(key.localKeyId, info.certificates[0].localKeyId);
        for (const f of Object.keys(key)) assert.ok(PRIVATE_KEY_FIELDS.has(f), `unexpected field ${f}`);
        assert.throws(() => decodePkcs12(bytes, 'wrong'), isPki('wrong-passphrase', /^Wrong password for this PKCS#12 file/));
        // decodeFile: sniffed by structure, password only from the options.
        const blocks = decodeFile(bytes);
        assert.deepEqual([blocks[0].kind, blocks[0].error?.code], ['pkcs12', 'passphrase-required']);
        assert.match(blocks[0].error!.message, /protected by a password/);
        const opened = decodeFile(bytes, { password: 'p12-secret' });
        assert.equal(opened[0].kind === 'pkcs12' && opened[0].info!.keys[0].type, want.type);
      });
    }

    it('bytes that are not PKCS#12 are malformed', () => {
      assert.throws(() => decodePkcs12(Buffer.from('3003020103', 'hex'), 'x'), isPki('malformed', /^Not a valid PKCS#12 file/));
    });
  });

  describe('asn1Tree', () => {
    it('describes a certificate with offsets, names and encapsulated extension values', () => {
      const der = pemDer(certs.get('rsa')!);
      const t = asn1Tree(der);
      assert.deepEqual([t.tagName, t.offset, t.headerLength + t.length, t.children!.length], ['SEQUENCE', 0, der.length, 3]);
      const tbs = t.children![0];
      assert.equal(tbs.children![0].tagName, '[0]');
      assert.equal(tbs.children![1].value, '1F2E3D4C5B6A79'); // 7 octets: shown as hex
      assert.equal(asn1Tree(Buffer.from('3003020105', 'hex')).children![0].value, '5');
      assert.equal(t.children![1].children![0].value, '1.2.840.113549.1.1.11 (sha256WithRSAEncryption)');
      const all: Asn1Node[] = [];
      const walk = (n: Asn1Node) => {
        all.push(n);
        n.children?.forEach(walk);
      };
      walk(t);
      assert.ok(all.some((n) => n.value === 'a.example' && n.tagName === '[2]'), 'SAN dNSName shown inside the encapsulated OCTET STRING');
      assert.ok(all.some((n) => n.tagName === 'UTF8String' && n.value === 'Zoë Ltd'));
      for (const n of all) assert.equal(der[n.offset], n.tag);
    });

    it('decodeFile adds the tree when asked, for certificates but never for private keys', () => {
      const [b] = decodeFile(certs.get('p384')!, { asn1: { maxNodes: 50 } });
      assert.equal(b.asn1!.tagName, 'SEQUENCE');
      assert.equal(b.asn1!.headerLength + b.asn1!.length, pemDer(certs.get('p384')!).length);
      assert.equal(decodeFile(o.read('p384.key'), { asn1: true })[0].asn1, undefined);
    });

    it('is bounded by maxNodes and maxDepth', () => {
      const der = pemDer(certs.get('rsa')!);
      const count = (n: Asn1Node): number => 1 + (n.children ?? []).reduce((a, c) => a + count(c), 0);
      const small = asn1Tree(der, { maxNodes: 10 });
      assert.ok(count(small) <= 10);
      assert.ok(JSON.stringify(small).includes('"truncated":true'));
      const shallow = asn1Tree(der, { maxDepth: 1 });
      assert.ok(shallow.children!.every((c) => !c.children && (c.constructed ? c.truncated : true)));
    });

    it('malformed content is reported on the node; an unreadable top level throws', () => {
      assert.throws(() => asn1Tree(Buffer.from('3005020101', 'hex')), isPki('malformed', /Not valid DER|runs past/));
      const t = asn1Tree(Buffer.from('3003020501', 'hex'));
      assert.match(t.error!, /runs past the end/);
    });
  });

  describe('workspace-ca inspect', () => {
    function io(env: Record<string, string> = {}) {
      const out: string[] = [];
      const err: string[] = [];
      const cli: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), env, cwd: o.dir, now: () => new Date('2025-01-01T00:00:00Z') };
      return { cli, out, err };
    }

    it('prints every certificate like openssl x509 -text, exit 0', async () => {
      o.write('two.pem', Buffer.concat([certs.get('rsa')!, certs.get('p256')!]));
      const { cli, out } = io();
      assert.equal(await runCli(['inspect', 'two.pem'], cli), 0);
      const text = out.join('');
      assert.match(text, /# 1: CERTIFICATE, lines 1-\d+\nCertificate:\n {4}Version: 3 \(0x2\)\n {4}Serial Number: 1F2E3D4C5B6A79\n/);
      assert.ok(text.includes(`SHA-256: ${opensslFingerprint(o, 'rsa.crt')}`));
      assert.ok(text.includes(`SHA-256: ${opensslFingerprint(o, 'p256.crt')}`));
      assert.ok(text.includes('Public Key: EC P-256'));
      assert.ok(text.includes('Subject: CN=rsa test, OU=Test\\, Unit, O=Zoë Ltd, C=GB'));
      assert.ok(text.includes('keyUsage (2.5.29.15): critical\n            Digital Signature, Certificate Sign, CRL Sign'));
    });

    it('--json prints the blocks', async () => {
      const { cli, out } = io();
      assert.equal(await runCli(['inspect', 'p384.crt', '--json'], cli), 0);
      const j = JSON.parse(out.join(''));
      assert.equal(j.file, 'p384.crt');
      assert.equal(j.blocks[0].info.fingerprints.sha256, opensslFingerprint(o, 'p384.crt'));
    });

    it('PKCS#12 with --passphrase-env; the password is never taken from argv', async () => {
      o.run('pkcs12', '-export', '-inkey', 'rsa.key', '-in', 'rsa.crt', '-passout', 'pass:p12-secret', '-out', 'cli.p12');
      const ok = io({ P12: 'p12-secret' });
      assert.equal(await runCli(['inspect', 'cli.p12', '--passphrase-env', 'P12'], ok.cli), 0);
      assert.match(ok.out.join(''), /PKCS#12: 1 certificate\(s\), 1 key\(s\)/);
      assert.ok(!ok.out.join('').includes('p12-secret'));
      const bad = io({ P12: 'nope' });
      assert.equal(await runCli(['inspect', 'cli.p12', '--passphrase-env', 'P12'], bad.cli), 2);
      assert.match(bad.out.join(''), /Error: Wrong password for this PKCS#12 file/);
      const argv = io();
      assert.equal(await runCli(['inspect', 'cli.p12', '--passphrase', 'p12-secret'], argv.cli), 2);
      assert.match(argv.err.join(''), /unknown option --passphrase/);
    });

    it('unreadable input exits 2 with a clear message', async () => {
      const missing = io();
      assert.equal(await runCli(['inspect', 'nope.pem'], missing.cli), 2);
      assert.match(missing.err.join(''), /nope\.pem: no such file/);
      o.write('broken.pem', '-----BEGIN CERTIFICATE-----\nBad Certificate\n-----END CERTIFICATE-----\n');
      const broken = io();
      assert.equal(await runCli(['inspect', 'broken.pem'], broken.cli), 2);
      assert.match(broken.out.join(''), /Error: PEM block "CERTIFICATE" starting on line 1 has invalid base64/);
      o.write('text.txt', 'nothing here\n');
      const text = io();
      assert.equal(await runCli(['inspect', 'text.txt'], text.cli), 2);
      assert.match(text.err.join(''), /Neither PEM text nor a DER structure/);
    });
  });
});

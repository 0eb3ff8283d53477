/**
 * Every file of the shared hold-out corpus (../shared/corpus, described by manifest.json) goes
 * through decodeFile. Positive files must decode to the types, keys, algorithms, SAN counts and
 * entry counts that `openssl` reported when the manifest was built; negative files must give a
 * PkiError (thrown, or on every block) with a message that says what is wrong.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeFile } from '../../src/core/decode';
import { PkiError } from '../../src/core/errors';
import type { CertificateInfo, DecodedBlock, KeyInfo, NameInfo } from '../../src/core/types';

interface ManifestEntry {
  file: string;
  sha256: string;
  encoding: 'PEM' | 'DER';
  type: 'certificate' | 'CSR' | 'CRL' | 'unparseable' | 'PKCS#7 bundle';
  openssl_parses: boolean;
  key_alg?: string;
  key_detail?: string;
  sig_alg?: string;
  san?: Record<string, number>;
  subject?: string;
  issuer?: string;
  version?: number;
  is_ca?: boolean;
  pem_blocks?: number;
  revoked_entries?: number;
  certs?: number;
  name_constraints?: boolean;
}

function sharedDir(): string {
  return process.env.WORKSPACE_CA_SHARED ?? path.resolve(__dirname, '../../../../shared');
}

const CORPUS = path.join(sharedDir(), 'corpus');
const MANIFEST = path.join(CORPUS, 'manifest.json');
const available = fs.existsSync(MANIFEST);
const manifest: ManifestEntry[] = available ? JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) : [];

const KEY_TYPES: Record<string, string> = { RSA: 'rsa', EC: 'ec', Ed25519: 'ed25519', DSA: 'dsa' };

/** The manifest's key columns ("RSA" + "2048-bit", "EC" + "P-256", an OID) against our KeyInfo. */
function checkKey(k: KeyInfo, e: ManifestEntry): void {
  if (!e.key_alg) return;
  const want = KEY_TYPES[e.key_alg];
  if (want) assert.equal(k.type, want, 'key type');
  else {
    assert.equal(k.type, 'unknown');
    assert.equal(k.algorithmOid, e.key_alg);
  }
  const d = e.key_detail;
  if (!d) return;
  const bits = d.match(/^(\d+)-bit$/);
  if (bits) assert.equal(k.bits, Number(bits[1]), 'key size');
  else if (/^explicit params/.test(d)) assert.equal(k.curve, 'explicit parameters');
  else assert.equal(k.curve, d, 'curve');
}

function checkSigAlg(alg: { name: string; oid: string }, e: ManifestEntry): void {
  if (!e.sig_alg) return;
  if (/^\d+(\.\d+)+$/.test(e.sig_alg)) assert.equal(alg.oid, e.sig_alg);
  else assert.equal(alg.name, e.sig_alg);
}

/** SAN counts by type; the manifest counts only dns, ip, uri and email entries. */
function sanCounts(sans: { type: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sans) if (['dns', 'ip', 'uri', 'email'].includes(s.type)) out[s.type] = (out[s.type] ?? 0) + 1;
  return out;
}

/**
 * openssl prints names as "CN = x, O = y" (encoding order, values with commas quoted, non-ASCII
 * escaped) and the manifest cuts them at 100 characters: check the ASCII values that fit.
 */
function checkName(n: NameInfo, printed: string | undefined): void {
  if (!printed) return;
  const truncated = printed.length >= 99;
  const attrs = truncated ? n.attributes.slice(0, 1) : n.attributes;
  for (const a of attrs) if (/^[\x20-\x7e]*$/.test(a.value)) assert.ok(printed.includes(a.value), `"${a.value}" not in "${printed}"`);
}

function ok<T extends DecodedBlock>(b: T): NonNullable<T['info']> {
  assert.equal(b.error, undefined, b.error?.message);
  assert.ok(b.info);
  return b.info as NonNullable<T['info']>;
}

describe('corpus: every shared file decodes as the manifest says', function () {
  before(function () {
    if (!available) {
      console.log(`    (skipped: no corpus at ${MANIFEST}; set WORKSPACE_CA_SHARED to the shared folder)`);
      this.skip();
    }
  });

  it('the manifest lists 196 files and they are the bytes it describes', function () {
    if (!available) this.skip();
    assert.equal(manifest.length, 196);
    for (const e of manifest) {
      const bytes = fs.readFileSync(path.join(CORPUS, e.file));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256, e.file);
    }
  });

  for (const e of manifest) {
    it(`${e.type}: ${e.file}`, () => {
      const bytes = fs.readFileSync(path.join(CORPUS, e.file));
      if (e.type === 'unparseable') {
        // Negative: a PkiError, thrown for the whole file or carried by every block.
        let blocks: DecodedBlock[];
        try {
          blocks = decodeFile(bytes, { fileName: e.file });
        } catch (err) {
          assert.ok(err instanceof PkiError, String(err));
          assert.match(err.message, /base64|DER|END line|empty|length/);
          return;
        }
        assert.ok(blocks.length > 0);
        for (const b of blocks) {
          assert.equal(b.error?.code, 'malformed', `block ${b.source.index} decoded but the file is a negative case`);
          assert.match(b.error!.message, /^(PEM block "[A-Z ]+" starting on line \d+ has (invalid|truncated or invalid) base64|Not a valid DER file: .+|Invalid DER: .+|Not a valid certificate.*)$/);
        }
        return;
      }
      const blocks = decodeFile(bytes, { fileName: e.file });
      if (e.encoding === 'DER') assert.equal(blocks[0].source.encoding, 'der');
      switch (e.type) {
        case 'certificate': {
          assert.equal(blocks.length, e.pem_blocks ?? 1, 'number of certificates');
          const infos = blocks.map((b) => {
            assert.equal(b.kind, 'certificate');
            return ok(b) as CertificateInfo;
          });
          const c = infos[0];
          checkKey(c.key, e);
          checkSigAlg(c.signatureAlgorithm, e);
          checkName(c.subject, e.subject);
          if (e.version !== undefined) assert.equal(c.version, e.version);
          if (e.is_ca !== undefined) assert.equal(c.isCa, e.is_ca, 'isCa');
          assert.deepEqual(sanCounts(c.sans), e.san ?? {}, 'SAN counts');
          if (e.file.endsWith('Izenpe.com.crt')) assert.deepEqual(c.sans.map((s) => s.type), ['email', 'dirName']);
          assert.equal(c.extensions.some((x) => x.name === 'nameConstraints'), !!e.name_constraints);
          for (const x of c.extensions) assert.equal(x.error, undefined, `${x.name}: ${x.error}`);
          assert.match(c.fingerprints.sha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
          break;
        }
        case 'CSR': {
          assert.equal(blocks.length, 1);
          assert.equal(blocks[0].kind, 'csr');
          const r = ok(blocks[0]) as import('../../src/core/types').CsrInfo;
          assert.equal(r.signatureValid, true, r.signatureProblem);
          checkKey(r.key, e);
          checkSigAlg(r.signatureAlgorithm, e);
          checkName(r.subject, e.subject);
          assert.deepEqual(sanCounts(r.sans), e.san ?? {}, 'SAN counts');
          break;
        }
        case 'CRL': {
          assert.equal(blocks.length, 1);
          assert.equal(blocks[0].kind, 'crl');
          const l = ok(blocks[0]) as import('../../src/core/types').CrlInfo;
          assert.equal(l.entries.length, e.revoked_entries ?? 0);
          checkSigAlg(l.signatureAlgorithm, e);
          checkName(l.issuer, e.issuer);
          break;
        }
        case 'PKCS#7 bundle': {
          assert.equal(blocks.length, e.certs);
          for (const b of blocks) {
            assert.equal(b.kind, 'certificate');
            assert.equal(b.source.container, 'pkcs7');
            ok(b);
          }
          break;
        }
        default:
          assert.fail(`manifest type ${e.type} has no check`);
      }
    });
  }

  it('third-party certificates: SHA-256 fingerprint and serial equal openssl x509 output', function () {
    this.timeout(60000);
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    let checked = 0;
    for (const e of manifest) {
      if (e.type !== 'certificate' || !e.file.startsWith('third_party/')) continue;
      const file = path.join(CORPUS, e.file);
      const c = ok(decodeFile(fs.readFileSync(file))[0]) as CertificateInfo;
      const out = execFileSync('openssl', ['x509', '-in', file, '-inform', e.encoding, '-noout', '-fingerprint', '-sha256', '-serial']).toString();
      assert.equal(c.fingerprints.sha256, out.match(/sha256 Fingerprint=(\S+)/)![1], e.file);
      const serial = out.match(/serial=(\S+)/)![1];
      // openssl prints a negative serial as "-" + magnitude; we keep the two's complement octets.
      if (!c.serialNegative) assert.equal(c.serial, serial, e.file);
      else assert.ok(serial.startsWith('-'), e.file);
      checked++;
    }
    assert.ok(checked >= 39, `only ${checked} third-party certificates checked`);
  });

  it('the 142 Debian roots concatenated: 142 certificates, decoded fast', function () {
    const dir = path.join(CORPUS, 'debian-ca-certificates');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.crt')).sort();
    assert.equal(files.length, 142);
    const bundle = Buffer.concat(files.map((f) => fs.readFileSync(path.join(dir, f))));
    const blocks = decodeFile(bundle);
    assert.equal(blocks.length, 142);
    assert.equal(blocks.filter((b) => b.kind === 'certificate' && b.info && !b.error).length, 142);
    const types: Record<string, number> = {};
    for (const b of blocks) {
      const k = (b.info as CertificateInfo).key.description;
      types[k] = (types[k] ?? 0) + 1;
    }
    assert.deepEqual(types, { 'RSA 4096': 61, 'RSA 2048': 46, 'EC P-384': 31, 'EC P-256': 4 });
    // Speed is measured by `npm run bench` (ratios in one run), never asserted here.
  });
});

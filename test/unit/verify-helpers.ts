/**
 * Test PKI for the verifier tests: certificates built at test time with a fixed clock, with full
 * control over every field (including the broken ones a real CA must never produce: SHA-1,
 * RSA-1024, CA:FALSE issuers, unknown critical extensions...). forge builds the DER, node:crypto
 * signs (STYLE.md §2).
 */
import { KeyObject, createHash, generateKeyPairSync, sign } from 'node:crypto';
import * as forge from 'node-forge';
import { Asn1, bitString, bool, contextExplicit, extension, fromDer, octets, oid, seqOf, smallInt, time, toDer, uintFromHex } from '../../src/core/der/build';
import { OID } from '../../src/core/der/oids';
import { toPem } from '../../src/core/pem';

const A = forge.asn1;

/** The fixed clock of every verifier test. */
export const NOW = new Date('2025-06-01T12:00:00Z');
export const DAY = 86400_000;

export interface TestKey {
  priv: KeyObject;
  spki: Buffer;
  kind: 'ec' | 'rsa' | 'ed25519';
}

const keyCache = new Map<string, TestKey>();

/** A key pair; `name` makes it reusable (key generation dominates test time). */
export function testKey(kind: 'p256' | 'rsa2048' | 'rsa1024' | 'ed25519', name: string = kind): TestKey {
  const k = `${kind}/${name}`;
  const hit = keyCache.get(k);
  if (hit) return hit;
  const pair =
    kind === 'p256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : kind === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: kind === 'rsa2048' ? 2048 : 1024 });
  const out: TestKey = {
    priv: pair.privateKey,
    spki: pair.publicKey.export({ type: 'spki', format: 'der' }),
    kind: kind === 'p256' ? 'ec' : kind === 'ed25519' ? 'ed25519' : 'rsa',
  };
  keyCache.set(k, out);
  return out;
}

export type Gn = { dns: string } | { ip: string | Buffer } | { email: string } | { uri: string } | { dir: string };

function ipBytes(ip: string): Buffer {
  if (ip.includes('/')) {
    const [a, bits] = ip.split('/');
    const addr = ipBytes(a);
    const mask = Buffer.alloc(addr.length);
    for (let i = 0; i < Number(bits); i++) mask[i >> 3] |= 0x80 >> (i & 7);
    return Buffer.concat([addr, mask]);
  }
  if (ip.includes(':')) {
    const [h, t] = ip.split('::');
    const hs = h ? h.split(':') : [];
    const ts = t !== undefined && t !== '' ? t.split(':') : [];
    const groups = t !== undefined ? [...hs, ...Array(8 - hs.length - ts.length).fill('0'), ...ts] : hs;
    const b = Buffer.alloc(16);
    groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
    return b;
  }
  return Buffer.from(ip.split('.').map(Number));
}

function cnName(cn: string): Asn1 {
  if (cn === '') return seqOf([]);
  return seqOf([A.create(A.Class.UNIVERSAL, A.Type.SET, true, [seqOf([oid(OID.commonName), A.create(A.Class.UNIVERSAL, A.Type.UTF8, false, forge.util.encodeUtf8(cn))])])]);
}

function gn(g: Gn): Asn1 {
  if ('dns' in g) return A.create(A.Class.CONTEXT_SPECIFIC, 2, false, g.dns);
  if ('email' in g) return A.create(A.Class.CONTEXT_SPECIFIC, 1, false, g.email);
  if ('uri' in g) return A.create(A.Class.CONTEXT_SPECIFIC, 6, false, g.uri);
  if ('dir' in g) return A.create(A.Class.CONTEXT_SPECIFIC, 4, true, [cnName(g.dir)]);
  const b = Buffer.isBuffer(g.ip) ? g.ip : ipBytes(g.ip);
  return A.create(A.Class.CONTEXT_SPECIFIC, 7, false, b.toString('binary'));
}

const KU_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign'];

export interface CertSpec {
  cn: string;
  key: TestKey;
  /** Issuer; omitted = self-signed. */
  issuer?: TestCert;
  /** Override the issuer name written (to break name chaining). */
  issuerCn?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** CA:TRUE (with optional pathLen) / CA:FALSE / no extension (null). Default: CA for self-signed and `ca: true` specs. */
  ca?: boolean | { pathLen: number } | null;
  bcCritical?: boolean;
  /** keyUsage bits; null = no extension. Default: CA gets keyCertSign+cRLSign, leaf digitalSignature. */
  ku?: string[] | null;
  /** EKU OIDs; null = none. Default: leaf serverAuth+clientAuth, CA none. */
  eku?: string[] | null;
  san?: Gn[];
  nc?: { permitted?: Gn[]; excluded?: Gn[]; critical?: boolean };
  /** Extra raw extensions. */
  extra?: { oid: string; critical: boolean; der: Buffer }[];
  hash?: 'sha256' | 'sha1' | 'sha384';
  /** RSA-PSS instead of PKCS#1 v1.5 for RSA issuers. */
  pss?: boolean;
  serial?: string;
  noAki?: boolean;
  /** Flip a bit of the signature. */
  corruptSignature?: boolean;
}

export interface TestCert {
  der: Buffer;
  pem: string;
  spec: CertSpec;
  ski: Buffer;
}

function algId(key: TestKey, hash: string, pss: boolean): Asn1 {
  if (key.kind === 'ed25519') return seqOf([oid(OID.ed25519)]);
  if (key.kind === 'ec') return seqOf([oid(hash === 'sha1' ? OID.ecdsaWithSHA1 : hash === 'sha384' ? OID.ecdsaWithSHA384 : OID.ecdsaWithSHA256)]);
  if (pss) {
    const h = hash === 'sha384' ? OID.sha384 : OID.sha256;
    const hAlg = seqOf([oid(h), A.create(A.Class.UNIVERSAL, A.Type.NULL, false, '')]);
    return seqOf([
      oid(OID.rsassaPss),
      seqOf([contextExplicit(0, hAlg), contextExplicit(1, seqOf([oid(OID.mgf1), hAlg])), contextExplicit(2, smallInt(hash === 'sha384' ? 48 : 32))]),
    ]);
  }
  const o = hash === 'sha1' ? OID.sha1WithRSAEncryption : hash === 'sha384' ? OID.sha384WithRSAEncryption : OID.sha256WithRSAEncryption;
  return seqOf([oid(o), A.create(A.Class.UNIVERSAL, A.Type.NULL, false, '')]);
}

let serialCounter = 1;

/** Builds and signs one certificate. */
export function makeCert(spec: CertSpec): TestCert {
  const selfSigned = !spec.issuer;
  const signer = spec.issuer ? spec.issuer.spec.key : spec.key;
  const hash = spec.hash ?? 'sha256';
  const isCa = spec.ca === undefined ? selfSigned : spec.ca !== null && spec.ca !== false;
  const ski = createHash('sha1').update(spec.key.spki).digest();
  const exts: Asn1[] = [];
  if (spec.ca !== null) {
    const bc: Asn1[] = [];
    if (isCa) bc.push(bool(true));
    if (typeof spec.ca === 'object' && spec.ca) bc.push(smallInt(spec.ca.pathLen));
    exts.push(extension(OID.basicConstraints, spec.bcCritical ?? true, seqOf(bc)));
  }
  const ku = spec.ku === undefined ? (isCa ? ['keyCertSign', 'cRLSign'] : ['digitalSignature']) : spec.ku;
  if (ku) {
    const bits = Buffer.alloc(2);
    let last = 0;
    for (const k of ku) {
      const i = KU_BITS.indexOf(k);
      bits[i >> 3] |= 0x80 >> (i & 7);
      last = Math.max(last, i);
    }
    const len = last >= 8 ? 2 : 1;
    exts.push(extension(OID.keyUsage, true, bitString(bits.subarray(0, len), 0)));
  }
  const eku = spec.eku === undefined ? (isCa ? null : [OID.serverAuth, OID.clientAuth]) : spec.eku;
  if (eku) exts.push(extension(OID.extKeyUsage, false, seqOf(eku.map(oid))));
  exts.push(extension(OID.subjectKeyIdentifier, false, octets(ski)));
  if (!selfSigned && !spec.noAki) exts.push(extension(OID.authorityKeyIdentifier, false, seqOf([A.create(A.Class.CONTEXT_SPECIFIC, 0, false, spec.issuer!.ski.toString('binary'))])));
  if (spec.san) exts.push(extension(OID.subjectAltName, spec.cn === '', seqOf(spec.san.map(gn))));
  if (spec.nc) {
    const parts: Asn1[] = [];
    const subtrees = (list: Gn[]) => list.map((g) => seqOf([gn(g)]));
    if (spec.nc.permitted) parts.push(A.create(A.Class.CONTEXT_SPECIFIC, 0, true, subtrees(spec.nc.permitted)));
    if (spec.nc.excluded) parts.push(A.create(A.Class.CONTEXT_SPECIFIC, 1, true, subtrees(spec.nc.excluded)));
    exts.push(extension(OID.nameConstraints, spec.nc.critical ?? true, seqOf(parts)));
  }
  for (const x of spec.extra ?? []) {
    const p = [oid(x.oid)];
    if (x.critical) p.push(bool(true));
    p.push(octets(x.der));
    exts.push(seqOf(p));
  }
  const alg = algId(signer, hash, !!spec.pss);
  const tbs = toDer(
    seqOf([
      contextExplicit(0, smallInt(2)),
      uintFromHex(spec.serial ?? (serialCounter++).toString(16).padStart(8, '1')),
      alg,
      cnName(spec.issuerCn ?? (spec.issuer ? spec.issuer.spec.cn : spec.cn)),
      seqOf([time(spec.notBefore ?? new Date(NOW.getTime() - 30 * DAY)), time(spec.notAfter ?? new Date(NOW.getTime() + 365 * DAY))]),
      cnName(spec.cn),
      fromDer(spec.key.spki),
      contextExplicit(3, seqOf(exts)),
    ]),
  );
  const digest = signer.kind === 'ed25519' ? null : hash;
  const sig = signer.kind === 'rsa' && spec.pss ? sign(digest, tbs, { key: signer.priv, padding: 6, saltLength: hash === 'sha384' ? 48 : 32 }) : sign(digest, tbs, signer.priv);
  if (spec.corruptSignature) sig[sig.length - 5] ^= 0x01;
  const der = toDer(seqOf([fromDer(tbs), alg, bitString(sig)]));
  return { der, pem: toPem('CERTIFICATE', der), spec, ski };
}

/** A root, an intermediate (pathLen 0) and a server leaf for www.example.com, all P-256. */
export function standardChain(over: { root?: Partial<CertSpec>; inter?: Partial<CertSpec>; leaf?: Partial<CertSpec> } = {}): { root: TestCert; inter: TestCert; leaf: TestCert } {
  const root = makeCert({ cn: 'Example Root CA', key: testKey('p256', 'root'), notAfter: new Date(NOW.getTime() + 3650 * DAY), ...over.root });
  const inter = makeCert({ cn: 'Example Intermediate CA', key: testKey('p256', 'inter'), issuer: root, ca: { pathLen: 0 }, ...over.inter });
  const leaf = makeCert({ cn: 'www.example.com', key: testKey('p256', 'leaf'), issuer: inter, san: [{ dns: 'www.example.com' }], ...over.leaf });
  return { root, inter, leaf };
}

/**
 * Export formats: DER, fullchain PEM, key+certificate PEM, PKCS#12.
 *
 * PKCS#12 (RFC 7292) is assembled with forge's ASN.1 (and its PKCS#12 key-derivation for the
 * MAC), while node:crypto encrypts the key (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC) — forge's own
 * toPkcs12Asn1 needs a forge RSA key object and cannot carry EC or Ed25519 keys (PKI-NOTES.md).
 * The layout matches `openssl pkcs12 -export -certpbe NONE`: certificates in a plain SafeContents,
 * the key in a pkcs8ShroudedKeyBag, an HMAC-SHA256 MAC over the whole.
 */
import { KeyObject, createHash, createHmac, randomBytes } from 'node:crypto';
import { forge } from './der/forge';
import { Asn1, contextExplicit, fromDer, octets, oid, seqOf, smallInt, toDer } from './der/build';
import { namesEqual } from './der/name';
import { OID } from './der/oids';
import { ParsedCertificate, parseCertificate } from './der/x509';
import { PkiError } from './errors';
import { MIN_PASSPHRASE, spkiOf } from './keys';
import { splitPem, toPem } from './pem';

const P12 = {
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
};

/** All certificates of a PEM (or DER) file, parsed. */
export function readCertificates(bytes: Uint8Array): ParsedCertificate[] {
  const b = Buffer.from(bytes);
  if (b.includes('-----BEGIN')) return splitPem(b.toString('utf8')).filter((x) => x.kind === 'certificate').map((x) => parseCertificate(x.der));
  return [parseCertificate(b)];
}

/**
 * leaf + the intermediates that lead to it (no self-signed root): what nginx's ssl_certificate,
 * Apache's SSLCertificateFile and Tornado's load_cert_chain want. Ordered leaf → root-most.
 */
export function fullchain(leaf: ParsedCertificate, chain: ParsedCertificate[]): ParsedCertificate[] {
  const out = [leaf];
  let cur = leaf;
  for (let guard = 0; guard < 10; guard++) {
    if (namesEqual(cur.subject, cur.issuer)) break;
    const next = chain.find((c) => namesEqual(c.subject, cur.issuer) && !out.includes(c));
    if (!next || namesEqual(next.subject, next.issuer)) break;
    out.push(next);
    cur = next;
  }
  return out;
}

export function certsToPem(certs: ParsedCertificate[]): string {
  return certs.map((c) => toPem('CERTIFICATE', c.der)).join('');
}

/** Unencrypted key + certificate chain in one PEM (stunnel, HAProxy). */
export function keyAndCertsPem(key: KeyObject, certs: ParsedCertificate[]): string {
  if (certs[0] && !spkiOf(key).equals(certs[0].spki)) throw new PkiError('usage', 'The private key does not belong to the certificate');
  return (key.export({ type: 'pkcs8', format: 'pem' }) as string) + certsToPem(certs);
}

/** forge writes a BMPSTRING's JS string as UTF-16 code units itself (asn1.toDer). */
function bmpString(s: string): Asn1 {
  return forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.BMPSTRING, false, s);
}

function attrs(friendlyName: string | undefined, localKeyId: Buffer | undefined): Asn1[] {
  const A = forge.asn1;
  const out: Asn1[] = [];
  if (friendlyName) out.push(seqOf([oid(P12.friendlyName), A.create(A.Class.UNIVERSAL, A.Type.SET, true, [bmpString(friendlyName)])]));
  if (localKeyId) out.push(seqOf([oid(P12.localKeyId), A.create(A.Class.UNIVERSAL, A.Type.SET, true, [octets(localKeyId)])]));
  return out;
}

function safeBag(bagOid: string, value: Asn1, attributes: Asn1[]): Asn1 {
  const A = forge.asn1;
  const parts = [oid(bagOid), contextExplicit(0, value)];
  if (attributes.length) parts.push(A.create(A.Class.UNIVERSAL, A.Type.SET, true, attributes));
  return seqOf(parts);
}

function dataContentInfo(content: Buffer): Asn1 {
  return seqOf([oid(OID.data), contextExplicit(0, octets(content))]);
}

export interface Pkcs12Options {
  key: KeyObject;
  /** The certificate of the key first, then the chain. */
  certs: ParsedCertificate[];
  password: string;
  friendlyName?: string;
  /** PBKDF2 / MAC iterations (default 2048, node's PKCS#8 export count). */
  iterations?: number;
}

/**
 * The PKCS#12 key-derivation function (RFC 7292 Appendix B.2) with SHA-256 (u = 32, v = 64).
 * `id` 1 = encryption key, 2 = IV, 3 = MAC key. The password is a null-terminated BMPString.
 */
export function pkcs12Kdf(password: string, salt: Buffer, id: 1 | 2 | 3, iterations: number, n: number): Buffer {
  const u = 32;
  const v = 64;
  const D = Buffer.alloc(v, id);
  const pw = Buffer.from(password + '\0', 'utf16le').swap16();
  const fill = (b: Buffer) => {
    if (b.length === 0) return b;
    const out = Buffer.alloc(v * Math.ceil(b.length / v));
    for (let i = 0; i < out.length; i++) out[i] = b[i % b.length];
    return out;
  };
  const I = Buffer.concat([fill(salt), fill(pw)]);
  const out: Buffer[] = [];
  for (let produced = 0; produced < n; produced += u) {
    let A = createHash('sha256').update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash('sha256').update(A).digest();
    out.push(A);
    // I_j = (I_j + B + 1) mod 2^(v*8) for every v-byte block, B = A repeated to v bytes.
    const B = fill(A).subarray(0, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k] + B[k] + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

/** A PKCS#12 file that `openssl pkcs12`, browsers, Java keytool and Windows import. */
export function buildPkcs12(o: Pkcs12Options): Buffer {
  if (o.password.length < MIN_PASSPHRASE) throw new PkiError('usage', `The PKCS#12 password must have at least ${MIN_PASSPHRASE} characters`);
  if (!o.certs.length) throw new PkiError('usage', 'A PKCS#12 file needs the certificate');
  if (!spkiOf(o.key).equals(o.certs[0].spki)) throw new PkiError('usage', 'The private key does not belong to the certificate');
  const localKeyId = createHash('sha1').update(o.certs[0].der).digest();
  const certBags = o.certs.map((c, i) =>
    safeBag(P12.certBag, seqOf([oid(P12.x509Certificate), contextExplicit(0, octets(c.der))]), i === 0 ? attrs(o.friendlyName, localKeyId) : []),
  );
  const epki = o.key.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: o.password }) as Buffer;
  const keyBag = safeBag(P12.shroudedKeyBag, fromDer(epki), attrs(o.friendlyName, localKeyId));
  const authSafe = toDer(seqOf([dataContentInfo(toDer(seqOf(certBags))), dataContentInfo(toDer(seqOf([keyBag])))]));

  // MAC (RFC 7292 §5 and Appendix B): key from the PKCS#12 KDF (ID 3) with SHA-256, HMAC-SHA256.
  const iterations = o.iterations ?? 2048;
  const salt = randomBytes(16);
  const macKey = pkcs12Kdf(o.password, salt, 3, iterations, 32);
  const mac = createHmac('sha256', macKey).update(authSafe).digest();
  const macData = seqOf([seqOf([seqOf([oid(OID.sha256), forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.NULL, false, '')]), octets(mac)]), octets(salt), smallInt(iterations)]);
  return toDer(seqOf([smallInt(3), dataContentInfo(authSafe), macData]));
}

export { toPem };

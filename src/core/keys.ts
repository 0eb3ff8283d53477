/**
 * Private keys: generation (node:crypto, async), export as PKCS#8 (optionally encrypted with
 * AES-256-CBC under PBES2/PBKDF2-HMAC-SHA256, readable by `openssl pkey`), and reading every
 * format users have: PKCS#1, SEC1, PKCS#8, encrypted PKCS#8 and legacy encrypted PEM.
 */
import { KeyObject, createPrivateKey, createPublicKey, generateKeyPair as nodeGenerateKeyPair, sign as nodeSign } from 'node:crypto';
import { Asn1 as ForgeAsn1, forge } from './der/forge';
import { fromDer } from './der/build';
import { checkPkcs8KdfCost } from './der/kdfLimits';
import { children, readBitString, readOid, readOne, seq, value } from './der/reader';
import { OID } from './der/oids';
import { PkiError } from './errors';
import { looksLikePem, splitPem } from './pem';

export const KEY_TYPES = ['rsa2048', 'rsa3072', 'rsa4096', 'p256', 'p384', 'p521', 'ed25519'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export const KEY_TYPE_LABELS: Record<KeyType, string> = {
  rsa2048: 'RSA 2048',
  rsa3072: 'RSA 3072',
  rsa4096: 'RSA 4096',
  p256: 'ECDSA P-256',
  p384: 'ECDSA P-384',
  p521: 'ECDSA P-521',
  ed25519: 'Ed25519',
};

export function isKeyType(s: string): s is KeyType {
  return (KEY_TYPES as readonly string[]).includes(s);
}

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Generates a key pair without blocking the event loop (node's native generator runs off-thread). */
export function generateKeyPair(type: KeyType): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject) =>
      err ? reject(new PkiError('io', `Key generation failed: ${err.message}`)) : resolve({ publicKey, privateKey });
    switch (type) {
      case 'rsa2048':
      case 'rsa3072':
      case 'rsa4096':
        nodeGenerateKeyPair('rsa', { modulusLength: Number(type.slice(3)), publicExponent: 0x10001 }, done);
        return;
      case 'p256':
      case 'p384':
      case 'p521':
        nodeGenerateKeyPair('ec', { namedCurve: { p256: 'P-256', p384: 'P-384', p521: 'P-521' }[type] }, done);
        return;
      case 'ed25519':
        nodeGenerateKeyPair('ed25519', {}, done);
        return;
      default:
        reject(new PkiError('usage', `Unknown key type "${type as string}". Use one of: ${KEY_TYPES.join(', ')}`));
    }
  });
}

/** Minimum passphrase length for encrypted keys (openssl refuses fewer than 4 characters). */
export const MIN_PASSPHRASE = 4;

/**
 * PKCS#8 PEM. With a passphrase: "ENCRYPTED PRIVATE KEY", PBES2 with PBKDF2 and AES-256-CBC
 * (node:crypto's export; `openssl pkey -passin` reads it).
 */
export function exportPrivateKey(key: KeyObject, passphrase?: string): string {
  if (passphrase !== undefined) {
    if (passphrase.length < MIN_PASSPHRASE) throw new PkiError('usage', `The passphrase must have at least ${MIN_PASSPHRASE} characters`);
    return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
  }
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** True when the key file needs a passphrase (encrypted PKCS#8 or legacy Proc-Type: 4,ENCRYPTED). */
export function isEncryptedKey(data: Uint8Array | string): boolean {
  const text = typeof data === 'string' ? data : looksLikePem(data) ? Buffer.from(data).toString('utf8') : undefined;
  if (text === undefined) return isEncryptedPkcs8Der(Buffer.from(data as Uint8Array));
  return /-{5}BEGIN ENCRYPTED PRIVATE KEY-{5}/.test(text) || /Proc-Type:\s*4,ENCRYPTED/.test(text);
}

function isEncryptedPkcs8Der(der: Buffer): boolean {
  // EncryptedPrivateKeyInfo starts SEQUENCE { SEQUENCE { OID pbes2/... } ... }; PrivateKeyInfo starts with INTEGER.
  try {
    const a = fromDer(der);
    const first = (a.value as ForgeAsn1[])[0];
    return first.type === forge.asn1.Type.SEQUENCE;
  } catch {
    return false;
  }
}

/**
 * Reads a private key from PEM or DER bytes. Encrypted keys need `passphrase`:
 * PkiError('passphrase-required') without one, PkiError('wrong-passphrase') when it does not open.
 */
export function readPrivateKey(data: Uint8Array | string, passphrase?: string): KeyObject {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  const encrypted = isEncryptedKey(bytes);
  if (encrypted && passphrase === undefined) {
    throw new PkiError('passphrase-required', 'This private key is encrypted: a passphrase is needed to use it');
  }
  if (looksLikePem(bytes)) {
    const blocks = splitPem(bytes.toString('utf8')).filter((b) => b.kind === 'privateKey');
    if (blocks.length === 0) throw new PkiError('malformed', 'No private key found in the file (expected a "BEGIN ... PRIVATE KEY" PEM block)');
    const text = bytes.toString('utf8').slice(blocks[0].startOffset, blocks[0].endOffset);
    if (encrypted) checkPkcs8KdfCost(blocks[0].der);
    try {
      return createPrivateKey({ key: text, format: 'pem', passphrase: encrypted ? passphrase : undefined });
    } catch (e) {
      throw keyError(e, encrypted);
    }
  }
  const attempts: Parameters<typeof createPrivateKey>[0][] = encrypted
    ? [{ key: bytes, format: 'der', type: 'pkcs8', passphrase }]
    : [
        { key: bytes, format: 'der', type: 'pkcs8' },
        { key: bytes, format: 'der', type: 'pkcs1' },
        { key: bytes, format: 'der', type: 'sec1' },
      ];
  if (encrypted) checkPkcs8KdfCost(bytes);
  let last: unknown;
  for (const a of attempts) {
    try {
      return createPrivateKey(a);
    } catch (e) {
      last = e;
    }
  }
  throw keyError(last, encrypted);
}

function keyError(e: unknown, encrypted: boolean): PkiError {
  const msg = e instanceof Error ? e.message : String(e);
  if (encrypted && /bad decrypt|wrong|decrypt|unable to decode|DECODER|pass/i.test(msg)) {
    return new PkiError('wrong-passphrase', 'Wrong passphrase: the private key could not be decrypted', msg);
  }
  if (encrypted && /unsupported/i.test(msg)) return new PkiError('unsupported', `This private key is encrypted with an unsupported cipher (${msg})`);
  return new PkiError('malformed', `Not a readable private key: not PKCS#8, PKCS#1 or SEC1, or an unsupported algorithm (${msg})`);
}

const spkiCache = new WeakMap<KeyObject, Buffer>();

/**
 * SubjectPublicKeyInfo DER of a public or private key. Cached per KeyObject: deriving it costs
 * more than an ECDSA signature, and a CA key is checked on every issuance.
 */
export function spkiOf(key: KeyObject): Buffer {
  let spki = spkiCache.get(key);
  if (!spki) {
    const pub = key.type === 'private' ? createPublicKey(key) : key;
    spki = pub.export({ type: 'spki', format: 'der' });
    spkiCache.set(key, spki);
  }
  return Buffer.from(spki);
}

const JWK_CURVES: Record<string, [string, number]> = { [OID.prime256v1]: ['P-256', 32], [OID.secp384r1]: ['P-384', 48], [OID.secp521r1]: ['P-521', 66] };

function b64u(b: Buffer): string {
  return b.toString('base64url');
}

/**
 * A public KeyObject from SubjectPublicKeyInfo DER. RSA, EC (uncompressed points on P-256/384/521)
 * and Ed25519 keys go through JWK, which node imports 3-12x faster than DER SPKI (OpenSSL 3's
 * decoder framework dominates CSR checks otherwise); anything else falls back to DER.
 */
export function publicKeyFromSpki(spki: Buffer): KeyObject {
  try {
    const [alg, bits] = seq(readOne(spki), 'subjectPublicKeyInfo');
    const algParts = seq(alg, 'algorithm');
    const algOid = readOid(algParts[0]);
    const key = readBitString(bits).bytes;
    if (algOid === OID.rsaEncryption) {
      const [n, e] = children(readOne(key));
      const strip = (b: Buffer) => (b.length > 1 && b[0] === 0 ? b.subarray(1) : b);
      return createPublicKey({ key: { kty: 'RSA', n: b64u(strip(value(n))), e: b64u(strip(value(e))) }, format: 'jwk' });
    }
    if (algOid === OID.ecPublicKey && algParts[1]) {
      const curve = JWK_CURVES[readOid(algParts[1])];
      if (curve && key.length === 1 + 2 * curve[1] && key[0] === 4) {
        const len = curve[1];
        return createPublicKey({ key: { kty: 'EC', crv: curve[0], x: b64u(key.subarray(1, 1 + len)), y: b64u(key.subarray(1 + len)) }, format: 'jwk' });
      }
    }
    if (algOid === OID.ed25519 && key.length === 32 && algParts.length === 1) {
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(key) }, format: 'jwk' });
    }
  } catch {
    // fall through to node's own parser, which gives the authoritative error
  }
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

/** Our key-type name for a node key, or undefined for keys we do not issue with (DSA, secp256k1, ...). */
export function keyTypeOf(key: KeyObject): KeyType | undefined {
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa': {
      const t = `rsa${d.modulusLength}`;
      return isKeyType(t) ? t : undefined;
    }
    case 'ec':
      return ({ prime256v1: 'p256', secp384r1: 'p384', secp521r1: 'p521' } as Record<string, KeyType>)[d.namedCurve ?? ''];
    case 'ed25519':
      return 'ed25519';
    default:
      return undefined;
  }
}

/** How an issuer key signs: the AlgorithmIdentifier we write and node's digest name. */
export interface SigningAlgorithm {
  oid: string;
  /** node digest for crypto.sign, null for Ed25519. */
  hash: 'sha256' | 'sha384' | 'sha512' | null;
  /** RSA PKCS#1 v1.5 identifiers carry an explicit NULL (RFC 4055 §5); ECDSA/EdDSA none. */
  nullParams: boolean;
}

/**
 * The signature algorithm for an issuer key. SHA-256 for RSA and P-256, SHA-384 for P-384 and
 * P-521 (matching the curve's strength, as the CA/B Forum profile allows), none for Ed25519.
 * Never SHA-1 (PKI-NOTES: forge's default).
 */
export function signingAlgorithmFor(key: KeyObject): SigningAlgorithm {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { oid: OID.sha256WithRSAEncryption, hash: 'sha256', nullParams: true };
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return { oid: OID.ecdsaWithSHA256, hash: 'sha256', nullParams: false };
      if (curve === 'secp384r1' || curve === 'secp521r1') return { oid: OID.ecdsaWithSHA384, hash: 'sha384', nullParams: false };
      throw new PkiError('unsupported', `Signing with EC curve ${curve} is not supported (use P-256, P-384 or P-521)`);
    }
    case 'ed25519':
      return { oid: OID.ed25519, hash: null, nullParams: false };
    default:
      throw new PkiError('unsupported', `Signing with ${key.asymmetricKeyType} keys is not supported`);
  }
}

/** The AlgorithmIdentifier as a forge ASN.1 node. */
export function algorithmIdentifier(alg: SigningAlgorithm): ForgeAsn1 {
  const A = forge.asn1;
  const parts = [A.create(A.Class.UNIVERSAL, A.Type.OID, false, A.oidToDer(alg.oid).getBytes())];
  if (alg.nullParams) parts.push(A.create(A.Class.UNIVERSAL, A.Type.NULL, false, ''));
  return A.create(A.Class.UNIVERSAL, A.Type.SEQUENCE, true, parts);
}

/** Signs `data` (TBS bytes) with node:crypto; ECDSA signatures come out DER-encoded as X.509 wants. */
export function signBytes(key: KeyObject, alg: SigningAlgorithm, data: Buffer): Buffer {
  return nodeSign(alg.hash, data, { key, dsaEncoding: 'der' });
}

/** True when the private key matches the public key in `spki`. */
export function keyMatchesSpki(key: KeyObject, spki: Buffer): boolean {
  return spkiOf(key).equals(spki);
}

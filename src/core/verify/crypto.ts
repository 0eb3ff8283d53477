/**
 * Signature verification with node:crypto (STYLE.md §2) and the algorithm policy: what the
 * CA/Browser Forum Baseline Requirements §6.1.5 / §7.1.3 allow, which is also what both
 * OpenSSL and BoringSSL builds of Node support (PKI-NOTES.md "Where the numbers hold").
 */
import { KeyObject, constants, createPublicKey, verify } from 'node:crypto';
import type { SignatureAlgorithm } from '../der/algorithms';
import type { ParsedCertificate } from '../der/x509';

/** Why a public key is refused, or undefined when it is acceptable. */
export function keyProblem(cert: ParsedCertificate): string | undefined {
  const k = cert.key;
  switch (k.type) {
    case 'rsa':
    case 'rsa-pss':
      if (!k.bits) return 'the RSA key cannot be read';
      // BR §6.1.5: modulus at least 2048 bits and divisible by 8.
      if (k.bits < 2048) return `the RSA key has ${k.bits} bits; at least 2048 are required`;
      if (k.bits % 8 !== 0) return `the RSA key has ${k.bits} bits, which is not a multiple of 8`;
      return undefined;
    case 'ec':
      // BR §7.1.3.1.2: namedCurve P-256, P-384 or P-521 only (no explicit parameters).
      if (k.curve === 'P-256' || k.curve === 'P-384' || k.curve === 'P-521') return undefined;
      return `the EC key uses ${k.curve === 'explicit parameters' ? 'explicit curve parameters' : `the curve ${k.curve}`}; only P-256, P-384 and P-521 are accepted`;
    case 'ed25519':
      return undefined;
    case 'dsa':
      return 'DSA keys are not accepted';
    default:
      return `the key type ${k.type} (${k.algorithmOid}) is not accepted for signing certificates`;
  }
}

const HASH_LEN: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** Why a signature algorithm is refused, or undefined when it is acceptable. */
export function algorithmProblem(alg: SignatureAlgorithm): string | undefined {
  if (alg.badParams) return `the parameters of ${alg.name} are malformed`;
  if (alg.hash === 'md5' || alg.hash === 'sha1') return `${alg.name} uses ${alg.hash.toUpperCase()}, which is broken for signatures`;
  switch (alg.keyType) {
    case 'rsa':
    case 'ec':
      return alg.hash && HASH_LEN[alg.hash] ? undefined : `${alg.name} is not accepted (use SHA-256, SHA-384 or SHA-512)`;
    case 'rsa-pss':
      if (!alg.hash || !HASH_LEN[alg.hash]) return `${alg.name} is not accepted (use SHA-256, SHA-384 or SHA-512)`;
      // RFC 8017 §9.1 / BR §7.1.3.2.1: the salt is as long as the digest.
      if (alg.saltLength !== HASH_LEN[alg.hash]) return `RSA-PSS with a ${alg.saltLength}-byte salt is not accepted (the salt must be ${HASH_LEN[alg.hash]} bytes)`;
      return undefined;
    case 'ed25519':
      return undefined;
    default:
      return `the signature algorithm ${alg.name} is not accepted`;
  }
}

/** Loads a SubjectPublicKeyInfo into node, or returns why it cannot be. */
export function loadKey(spki: Buffer): KeyObject | string {
  try {
    return createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch (e) {
    return `the public key cannot be loaded (${e instanceof Error ? e.message : String(e)})`;
  }
}

/** Does the key family of the issuer fit the algorithm the child was signed with? */
function keyFits(alg: SignatureAlgorithm, issuer: ParsedCertificate): boolean {
  const t = issuer.key.type;
  switch (alg.keyType) {
    case 'rsa':
      return t === 'rsa';
    case 'rsa-pss':
      return t === 'rsa' || t === 'rsa-pss';
    case 'ec':
      return t === 'ec';
    case 'ed25519':
      return t === 'ed25519';
    default:
      return false;
  }
}

/**
 * Verifies `child`'s signature with `key` (RFC 5280 §6.1.3 (a)(1)). The algorithm must already
 * have passed algorithmProblem(). Returns false on any mismatch instead of throwing.
 */
export function verifySignature(child: ParsedCertificate, issuer: ParsedCertificate, key: KeyObject): boolean {
  const alg = child.signatureAlgorithm;
  if (!keyFits(alg, issuer)) return false;
  try {
    switch (alg.keyType) {
      case 'rsa':
        return verify(alg.hash!, child.tbs, key, child.signature);
      case 'rsa-pss':
        return verify(alg.hash!, child.tbs, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength }, child.signature);
      case 'ec':
        return verify(alg.hash!, child.tbs, { key, dsaEncoding: 'der' }, child.signature);
      case 'ed25519':
        return verify(null, child.tbs, key, child.signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

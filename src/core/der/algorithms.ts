/** Signature and public-key algorithm identifiers (RFC 5280 §4.1.1.2, RFC 4055, RFC 8410). */
import { PkiError } from '../errors';
import { OID, oidName } from './oids';
import { Tag, Tlv, contextTag, children, readOid, readSmallInt, readTlv, seq, value } from './reader';

export type Hash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'md5';

/** What a signatureAlgorithm field means for node:crypto. */
export interface SignatureAlgorithm {
  oid: string;
  /** Readable name (sha256WithRSAEncryption, ecdsa-with-SHA256, ED25519, RSASSA-PSS, or the OID). */
  name: string;
  /** Key family it needs. */
  keyType: 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'unknown';
  /** Digest (null for Ed25519/Ed448, which hash internally). */
  hash: Hash | null;
  /** RSA-PSS salt length. */
  saltLength?: number;
  /** True when the parameters were malformed for the algorithm (e.g. ECDSA with NULL params). */
  badParams?: boolean;
}

const HASH_OIDS: Record<string, Hash> = {
  [OID.sha1]: 'sha1',
  [OID.sha224]: 'sha224',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

const SIMPLE: Record<string, [string, SignatureAlgorithm['keyType'], Hash | null]> = {
  [OID.md5WithRSAEncryption]: ['md5WithRSAEncryption', 'rsa', 'md5'],
  [OID.sha1WithRSAEncryption]: ['sha1WithRSAEncryption', 'rsa', 'sha1'],
  [OID.sha224WithRSAEncryption]: ['sha224WithRSAEncryption', 'rsa', 'sha224'],
  [OID.sha256WithRSAEncryption]: ['sha256WithRSAEncryption', 'rsa', 'sha256'],
  [OID.sha384WithRSAEncryption]: ['sha384WithRSAEncryption', 'rsa', 'sha384'],
  [OID.sha512WithRSAEncryption]: ['sha512WithRSAEncryption', 'rsa', 'sha512'],
  [OID.ecdsaWithSHA1]: ['ecdsa-with-SHA1', 'ec', 'sha1'],
  [OID.ecdsaWithSHA224]: ['ecdsa-with-SHA224', 'ec', 'sha224'],
  [OID.ecdsaWithSHA256]: ['ecdsa-with-SHA256', 'ec', 'sha256'],
  [OID.ecdsaWithSHA384]: ['ecdsa-with-SHA384', 'ec', 'sha384'],
  [OID.ecdsaWithSHA512]: ['ecdsa-with-SHA512', 'ec', 'sha512'],
  [OID.ed25519]: ['ED25519', 'ed25519', null],
  [OID.ed448]: ['ED448', 'ed448', null],
  [OID.dsaWithSHA1]: ['dsaWithSHA1', 'dsa', 'sha1'],
  [OID.dsaWithSHA256]: ['dsa_with_SHA256', 'dsa', 'sha256'],
};

/** Parses an AlgorithmIdentifier used as a signature algorithm. Unknown OIDs decode (keyType 'unknown'). */
export function parseSignatureAlgorithm(t: Tlv): SignatureAlgorithm {
  const parts = seq(t, 'algorithm identifier');
  const oid = readOid(parts[0]);
  const params = parts[1];
  const simple = SIMPLE[oid];
  if (simple) {
    const [name, keyType, hash] = simple;
    // RFC 5758 §3.2 / RFC 8410 §3: ECDSA and EdDSA have absent parameters; RSA PKCS#1 has NULL (RFC 4055 §5).
    let badParams = parts.length > 2;
    if (keyType === 'ec' || keyType === 'ed25519' || keyType === 'ed448' || keyType === 'dsa') badParams ||= params !== undefined;
    if (keyType === 'rsa') badParams ||= params !== undefined && !(params.tag === Tag.NULL && params.end === params.valueStart);
    return { oid, name, keyType, hash, badParams: badParams || undefined };
  }
  if (oid === OID.rsassaPss) return parsePss(oid, params);
  return { oid, name: oidName(oid), keyType: 'unknown', hash: null };
}

/** RSASSA-PSS-params (RFC 4055 §3.1). Only MGF1 with the same hash is supported (as everyone does). */
function parsePss(oid: string, params: Tlv | undefined): SignatureAlgorithm {
  let hash: Hash = 'sha1';
  let mgfHash: Hash = 'sha1';
  let saltLength = 20;
  let badParams = false;
  if (!params || params.tag !== Tag.SEQUENCE) return { oid, name: 'RSASSA-PSS', keyType: 'rsa-pss', hash: null, badParams: true };
  for (const p of children(params)) {
    const n = contextTag(p);
    const inner = children(p)[0];
    if (n === 0) hash = HASH_OIDS[readOid(seq(inner, 'hash algorithm')[0])] ?? (badParams = true, 'sha1');
    else if (n === 1) {
      const mgf = seq(inner, 'mask generation function');
      if (readOid(mgf[0]) !== OID.mgf1) badParams = true;
      else mgfHash = HASH_OIDS[readOid(seq(mgf[1], 'mgf hash')[0])] ?? (badParams = true, 'sha1');
    } else if (n === 2) saltLength = readSmallInt(inner);
    else if (n === 3) {
      if (readSmallInt(inner) !== 1) badParams = true; // trailerField must be 1
    } else badParams = true;
  }
  if (mgfHash !== hash) badParams = true;
  return { oid, name: `RSASSA-PSS (${hash})`, keyType: 'rsa-pss', hash, saltLength, badParams: badParams || undefined };
}

/** Public key summary from a SubjectPublicKeyInfo. */
export interface KeySummary {
  /** rsa | rsa-pss | ec | ed25519 | ed448 | dsa | x25519 | unknown */
  type: string;
  /** RSA modulus / DSA p bits, EC field size, 256 for Ed25519 ... */
  bits?: number;
  /** Curve name for EC keys (P-256, P-384, P-521, secp256k1, or the OID). */
  curve?: string;
  algorithmOid: string;
}

const CURVES: Record<string, [string, number]> = {
  [OID.prime256v1]: ['P-256', 256],
  [OID.secp384r1]: ['P-384', 384],
  [OID.secp521r1]: ['P-521', 521],
  [OID.secp256k1]: ['secp256k1', 256],
};

/** Reads type/size from a SubjectPublicKeyInfo without needing node to load the key. */
export function summarizeSpki(spki: Tlv): KeySummary {
  const [alg, bits] = seq(spki, 'subjectPublicKeyInfo');
  const algParts = seq(alg, 'key algorithm');
  const algorithmOid = readOid(algParts[0]);
  const keyBytes = value(bits).subarray(1);
  switch (algorithmOid) {
    case OID.rsaEncryption:
    case OID.rsassaPss: {
      let n = 0;
      try {
        const rsa = readTlv(keyBytes);
        const [mod] = children(rsa);
        let m = value(mod);
        while (m.length && m[0] === 0) m = m.subarray(1);
        n = m.length ? (m.length - 1) * 8 + (32 - Math.clz32(m[0])) : 0;
      } catch {
        n = 0;
      }
      return { type: algorithmOid === OID.rsaEncryption ? 'rsa' : 'rsa-pss', bits: n || undefined, algorithmOid };
    }
    case OID.ecPublicKey: {
      const p = algParts[1];
      if (p && p.tag === Tag.OID) {
        const c = readOid(p);
        const known = CURVES[c];
        return { type: 'ec', curve: known ? known[0] : c, bits: known?.[1], algorithmOid };
      }
      return { type: 'ec', curve: 'explicit parameters', algorithmOid };
    }
    case OID.ed25519:
      return { type: 'ed25519', bits: 256, algorithmOid };
    case OID.ed448:
      return { type: 'ed448', bits: 456, algorithmOid };
    case OID.x25519:
      return { type: 'x25519', bits: 256, algorithmOid };
    case OID.dsa: {
      let b: number | undefined;
      try {
        const p = children(algParts[1])[0];
        let m = value(p);
        while (m.length && m[0] === 0) m = m.subarray(1);
        b = (m.length - 1) * 8 + (32 - Math.clz32(m[0]));
      } catch {
        b = undefined;
      }
      return { type: 'dsa', bits: b, algorithmOid };
    }
    default:
      return { type: 'unknown', algorithmOid };
  }
}

/** "RSA 2048", "EC P-256", "Ed25519". */
export function describeKey(k: KeySummary): string {
  switch (k.type) {
    case 'rsa':
      return `RSA ${k.bits ?? '?'}`;
    case 'rsa-pss':
      return `RSA-PSS ${k.bits ?? '?'}`;
    case 'ec':
      return `EC ${k.curve}`;
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    case 'dsa':
      return `DSA ${k.bits ?? '?'}`;
    default:
      return `unknown (${oidName(k.algorithmOid)})`;
  }
}

export function assertNever(x: never): never {
  throw new PkiError('unsupported', `unexpected value ${String(x)}`);
}

/**
 * Private and public key summaries. node:crypto loads the keys (every type OpenSSL knows), our DER
 * reader describes encryption schemes. Nothing here returns key material: only the type, size,
 * format, the encryption scheme and the SHA-256 of the public key (STYLE.md §8).
 */
import { KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import { PkiError, asMalformed } from '../errors';
import { summarizeSpki } from '../der/algorithms';
import { checkPkcs8KdfCost } from '../der/kdfLimits';
import { oidName } from '../der/oids';
import { Tag, Tlv, children, readOid, readOne, readSmallInt, seq, value } from '../der/reader';
import { toPem } from '../pem';
import type { PrivateKeyFormat, PrivateKeyInfo, PublicKeyInfo } from '../types';
import { keyInfo, spkiDigest } from './common';

/** What decodePrivateKey / decodePublicKey need from a PEM block (PemBlock satisfies it). */
export interface KeyBlock {
  /** PEM label: PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY, DSA PRIVATE KEY, PUBLIC KEY, RSA PUBLIC KEY. */
  label: string;
  der: Buffer;
  /** RFC 1421 headers (Proc-Type, DEK-Info) of legacy encrypted PEM. */
  headers?: Record<string, string>;
}

export interface DecodeKeyOptions {
  /** When given, an encrypted key is decrypted (in memory only) to report its type and spkiSha256. */
  passphrase?: string;
}

const LABEL_FORMAT: Record<string, PrivateKeyFormat> = {
  'PRIVATE KEY': 'pkcs8',
  'ENCRYPTED PRIVATE KEY': 'pkcs8',
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
  'DSA PRIVATE KEY': 'dsa',
};

const LABEL_TYPE: Record<string, string> = { 'RSA PRIVATE KEY': 'rsa', 'EC PRIVATE KEY': 'ec', 'DSA PRIVATE KEY': 'dsa' };

// PBES2 (RFC 8018 §6.2), PBKDF2 (§5.2), scrypt (RFC 7914 §7), PKCS#12 PBE (RFC 7292 App. C), PBES1 (RFC 8018 §6.1).
const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const SCRYPT = '1.3.6.1.4.1.11591.4.11';
const PBE_NAMES: Record<string, string> = {
  '1.2.840.113549.1.12.1.1': 'pbeWithSHAAnd128BitRC4',
  '1.2.840.113549.1.12.1.2': 'pbeWithSHAAnd40BitRC4',
  '1.2.840.113549.1.12.1.3': 'pbeWithSHAAnd3-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.4': 'pbeWithSHAAnd2-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.5': 'pbeWithSHAAnd128BitRC2-CBC',
  '1.2.840.113549.1.12.1.6': 'pbeWithSHAAnd40BitRC2-CBC',
  '1.2.840.113549.1.5.1': 'pbeWithMD2AndDES-CBC',
  '1.2.840.113549.1.5.3': 'pbeWithMD5AndDES-CBC',
  '1.2.840.113549.1.5.10': 'pbeWithSHA1AndDES-CBC',
};
const CIPHER_NAMES: Record<string, string> = {
  '2.16.840.1.101.3.4.1.2': 'aes-128-cbc',
  '2.16.840.1.101.3.4.1.22': 'aes-192-cbc',
  '2.16.840.1.101.3.4.1.42': 'aes-256-cbc',
  '2.16.840.1.101.3.4.1.6': 'aes-128-gcm',
  '2.16.840.1.101.3.4.1.46': 'aes-256-gcm',
  '1.2.840.113549.3.7': 'des-ede3-cbc',
  '1.3.14.3.2.7': 'des-cbc',
  '1.2.840.113549.3.2': 'rc2-cbc',
  '1.2.410.200004.1.4': 'seed-cbc',
  '1.2.392.200011.61.1.1.1.2': 'camellia-128-cbc',
  '1.2.392.200011.61.1.1.1.4': 'camellia-256-cbc',
};
const PRF_NAMES: Record<string, string> = {
  '1.2.840.113549.2.7': 'hmacWithSHA1',
  '1.2.840.113549.2.8': 'hmacWithSHA224',
  '1.2.840.113549.2.9': 'hmacWithSHA256',
  '1.2.840.113549.2.10': 'hmacWithSHA384',
  '1.2.840.113549.2.11': 'hmacWithSHA512',
};

/** True when the OID names a password-based encryption scheme (used to sniff DER files). */
export function isPbeOid(oid: string): boolean {
  return oid === PBES2 || oid in PBE_NAMES;
}

/** Describes EncryptedPrivateKeyInfo.encryptionAlgorithm (RFC 5958 §3) without decrypting. */
export function describeEncryption(algId: Tlv): string {
  const [oidT, params] = seq(algId, 'encryption algorithm');
  const oid = readOid(oidT);
  if (PBE_NAMES[oid]) {
    const p = params && params.tag === Tag.SEQUENCE ? children(params) : [];
    const iter = p[1] && p[1].tag === Tag.INTEGER ? `, ${readSmallInt(p[1])} iterations` : '';
    return `${PBE_NAMES[oid]}${iter}`;
  }
  if (oid !== PBES2) return `unknown scheme ${oidName(oid)}`;
  const [kdf, enc] = seq(params, 'PBES2 parameters');
  const [kdfOidT, kdfParams] = seq(kdf, 'key derivation function');
  const kdfOid = readOid(kdfOidT);
  const cipherOid = readOid(seq(enc, 'encryption scheme')[0]);
  const cipher = CIPHER_NAMES[cipherOid] ?? cipherOid;
  if (kdfOid === PBKDF2) {
    const kp = seq(kdfParams, 'PBKDF2 parameters');
    const iterations = readSmallInt(kp[1]);
    let prf = 'hmacWithSHA1'; // RFC 8018 A.2: DEFAULT algid-hmacWithSHA1
    for (const x of kp.slice(2)) if (x.tag === Tag.SEQUENCE) prf = PRF_NAMES[readOid(children(x)[0])] ?? readOid(children(x)[0]);
    return `PBES2 (PBKDF2 ${prf}, ${iterations} iterations, ${cipher})`;
  }
  if (kdfOid === SCRYPT) {
    const kp = seq(kdfParams, 'scrypt parameters');
    return `PBES2 (scrypt N=${readSmallInt(kp[1])} r=${readSmallInt(kp[2])} p=${readSmallInt(kp[3])}, ${cipher})`;
  }
  return `PBES2 (${oidName(kdfOid)}, ${cipher})`;
}

function nodeMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Summarises a loaded private key through its public half: type, size, spkiSha256. */
export function summarizePrivateKeyObject(k: KeyObject, format: PrivateKeyFormat, encrypted: boolean, encryption?: string): PrivateKeyInfo {
  const spki = createPublicKey(k).export({ type: 'spki', format: 'der' });
  const ki = keyInfo(summarizeSpki(readOne(spki)));
  const out: PrivateKeyInfo = { type: ki.type, description: ki.description, format, encrypted, spkiSha256: spkiDigest(spki) };
  if (ki.bits !== undefined) out.bits = ki.bits;
  if (ki.curve !== undefined) out.curve = ki.curve;
  if (encryption) out.encryption = encryption;
  return out;
}

function isWrongPassphrase(e: unknown): boolean {
  const m = nodeMessage(e);
  return /bad decrypt|wrong final block length|unsupported|decrypt|interrupted or cancelled|bad password/i.test(m);
}

function loadEncrypted(pem: string, passphrase: string, format: PrivateKeyFormat, encryption: string): PrivateKeyInfo {
  let k: KeyObject;
  try {
    k = createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch (e) {
    if (isWrongPassphrase(e)) throw new PkiError('wrong-passphrase', 'Wrong passphrase: the private key could not be decrypted', nodeMessage(e));
    throw new PkiError('malformed', `Not a valid encrypted private key: ${nodeMessage(e)}`);
  }
  return summarizePrivateKeyObject(k, format, true, encryption);
}

/**
 * Summarises a private key block: PKCS#8 (plain or encrypted), PKCS#1 RSA, SEC1 EC, DSA, and
 * legacy encrypted PEM (Proc-Type: 4,ENCRYPTED + DEK-Info). Encrypted keys are reported as such
 * without a passphrase (type "unknown" unless the format tells it).
 * @throws PkiError('malformed') for bytes that are not a key, PkiError('wrong-passphrase') when
 *   `opts.passphrase` does not decrypt the key.
 */
export function decodePrivateKey(block: KeyBlock, opts: DecodeKeyOptions = {}): PrivateKeyInfo {
  const headers = block.headers ?? {};
  const format = LABEL_FORMAT[block.label];
  if (!format) throw new PkiError('malformed', `"${block.label}" is not a private key label`);
  if (/ENCRYPTED/i.test(headers['Proc-Type'] ?? '')) {
    // RFC 1421 §4.6.1.3: DEK-Info: <cipher>,<IV hex>
    const encryption = (headers['DEK-Info'] ?? 'unknown cipher').split(',')[0].trim();
    const pem = toPem(block.label, block.der, headers);
    if (opts.passphrase !== undefined) {
      return { ...loadEncrypted(pem, opts.passphrase, 'legacy-encrypted', encryption) };
    }
    const type = LABEL_TYPE[block.label] ?? 'unknown';
    return { type, description: `${type === 'unknown' ? 'unknown' : type.toUpperCase()} (encrypted)`, format: 'legacy-encrypted', encrypted: true, encryption };
  }
  if (block.label === 'ENCRYPTED PRIVATE KEY') {
    const encryption = asMalformed('Not a valid encrypted private key', () => {
      const [alg, data] = seq(readOne(block.der), 'EncryptedPrivateKeyInfo');
      if (!data || data.tag !== Tag.OCTET_STRING) throw new PkiError('malformed', 'Not a valid encrypted private key: encrypted data missing');
      return describeEncryption(alg);
    });
    if (opts.passphrase !== undefined) {
      checkPkcs8KdfCost(block.der);
      return loadEncrypted(toPem(block.label, block.der), opts.passphrase, 'pkcs8', encryption);
    }
    return { type: 'unknown', description: 'encrypted private key', format: 'pkcs8', encrypted: true, encryption };
  }
  // Plain keys: check the DER structure first, so garbage gets our message rather than OpenSSL's.
  asMalformed('Not a valid private key', () => seq(readOne(block.der), 'private key'));
  let k: KeyObject;
  try {
    k = createPrivateKey({ key: toPem(block.label, block.der), format: 'pem' });
  } catch (e) {
    throw new PkiError('malformed', `Not a valid private key (${block.label}): ${nodeMessage(e)}`);
  }
  return asMalformed('Not a valid private key', () => summarizePrivateKeyObject(k, format, false));
}

/**
 * Summarises a DER PrivateKeyInfo (PKCS#8, RFC 5958) already decrypted, e.g. from a PKCS#12
 * key bag. Works for every key type node:crypto loads (RSA, EC, Ed25519, ...).
 */
export function decodePkcs8Der(der: Buffer): PrivateKeyInfo {
  let k: KeyObject;
  try {
    k = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new PkiError('malformed', `Not a valid PKCS#8 private key: ${nodeMessage(e)}`);
  }
  return asMalformed('Not a valid private key', () => summarizePrivateKeyObject(k, 'pkcs8', false));
}

/**
 * Summarises a public key block: PUBLIC KEY (SubjectPublicKeyInfo) or RSA PUBLIC KEY (PKCS#1).
 * @throws PkiError('malformed').
 */
export function decodePublicKey(block: KeyBlock): PublicKeyInfo {
  return asMalformed('Not a valid public key', () => {
    let spki: Buffer;
    let format: PublicKeyInfo['format'];
    if (block.label === 'RSA PUBLIC KEY') {
      seq(readOne(block.der), 'RSAPublicKey');
      try {
        spki = createPublicKey({ key: block.der, format: 'der', type: 'pkcs1' }).export({ type: 'spki', format: 'der' });
      } catch (e) {
        throw new PkiError('malformed', `Not a valid RSA public key: ${nodeMessage(e)}`);
      }
      format = 'pkcs1';
    } else {
      spki = block.der;
      format = 'spki';
    }
    const t = readOne(spki);
    const [, bits] = seq(t, 'subjectPublicKeyInfo');
    if (!bits || bits.tag !== Tag.BIT_STRING || value(bits).length < 2) throw new PkiError('malformed', 'Not a valid public key: key bits missing');
    return { ...keyInfo(summarizeSpki(t)), format, spkiSha256: spkiDigest(spki) };
  });
}

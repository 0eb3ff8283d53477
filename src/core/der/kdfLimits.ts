/**
 * Work limits for password-based key derivation read from files (issue 9: "nothing hangs on a
 * crafted file"). The iteration count of PBKDF2 / the PKCS#12 KDF and scrypt's cost are chosen by
 * whoever wrote the file: 2^31-1 iterations is a valid encoding that keeps the thread busy for
 * minutes (node:crypto, native) or hours (node-forge's pure-JS PKCS#12 KDF, ~7 µs per iteration),
 * freezing the CLI or the extension host. The counts are checked before any derivation runs.
 *
 * Limits are far above what tools write (OpenSSL 3 and node: 2,048; Windows: 2,000; Java keytool:
 * 10,000; OWASP 2023 for PBKDF2-HMAC-SHA256: 600,000).
 */
import { Asn1 as ForgeAsn1, forge } from './forge';
import { PkiError } from '../errors';
import { Tag, Tlv, children, readOid, readOne, value } from './reader';

/** PBKDF2 / PBES1 iterations node:crypto may run for one key (native: ~0.3 s per million). */
export const MAX_PBKDF2_ITERATIONS = 2_000_000;
/** PKCS#12 KDF (RFC 7292 App. B) and MAC iterations node-forge may run (pure JS: ~0.7 s per 100,000). */
export const MAX_PKCS12_ITERATIONS = 200_000;
/** scrypt N·r·p node:crypto may run (OpenSSL's default N=16384, r=8, p=1 is 131,072). */
export const MAX_SCRYPT_COST = 1 << 22;

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const SCRYPT = '1.3.6.1.4.1.11591.4.11';

/** An unsigned INTEGER's value; Infinity when it does not fit in 6 bytes, NaN when negative or not an INTEGER. */
function count(t: Tlv | undefined): number {
  if (!t || t.tag !== Tag.INTEGER) return NaN;
  const v = value(t);
  if (v.length === 0 || v[0] & 0x80) return NaN;
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  if (v.length - i > 6) return Infinity;
  let n = 0;
  for (; i < v.length; i++) n = n * 256 + v[i];
  return n;
}

function tooMuch(what: string, n: number, max: number): PkiError {
  return new PkiError('unsupported', `${what} asks for ${Number.isFinite(n) ? n.toLocaleString('en-US') : 'an enormous number of'} iterations (at most ${max.toLocaleString('en-US')} are run): refused, it would block for too long`);
}

/**
 * Checks the key derivation cost of an EncryptedPrivateKeyInfo (RFC 5958 §3) before node:crypto
 * decrypts it. Structures it does not understand pass (the decryption then reports them).
 * @throws PkiError('unsupported') when the cost is above the limits.
 */
export function checkPkcs8KdfCost(der: Buffer): void {
  let alg: Tlv;
  try {
    alg = children(readOne(der))[0];
    if (!alg || alg.tag !== Tag.SEQUENCE) return;
  } catch {
    return;
  }
  checkAlgorithmCost(alg);
}

function checkAlgorithmCost(alg: Tlv): void {
  try {
    const [oidT, params] = children(alg);
    const oid = readOid(oidT);
    if (oid === PBES2) {
      const [kdf] = children(params);
      const [kdfOid, kdfParams] = children(kdf);
      const kp = children(kdfParams);
      const k = readOid(kdfOid);
      if (k === PBKDF2) {
        const n = count(kp[1]);
        if (n > MAX_PBKDF2_ITERATIONS) throw tooMuch('The key encryption (PBKDF2)', n, MAX_PBKDF2_ITERATIONS);
      } else if (k === SCRYPT) {
        const cost = count(kp[1]) * count(kp[2]) * count(kp[3]);
        if (cost > MAX_SCRYPT_COST) throw new PkiError('unsupported', `The key encryption (scrypt) asks for N·r·p = ${Number.isFinite(cost) ? cost : 'an enormous value'} (at most ${MAX_SCRYPT_COST} is run): refused, it would block for too long`);
      }
    } else if (params && params.tag === Tag.SEQUENCE) {
      // PBES1 and PKCS#12 PBE: SEQUENCE { salt OCTET STRING, iterations INTEGER }.
      const n = count(children(params)[1]);
      if (n > MAX_PBKDF2_ITERATIONS) throw tooMuch('The key encryption', n, MAX_PBKDF2_ITERATIONS);
    }
  } catch (e) {
    if (e instanceof PkiError && e.code === 'unsupported') throw e;
    // Anything else is for the decoder proper to report.
  }
}

/**
 * Checks every iteration count of a PFX (RFC 7292) before node-forge opens it: the MacData
 * iterations and the parameters of every PBE algorithm in the file (encrypted content, shrouded
 * key bags), found as "OCTET STRING salt, INTEGER iterations" pairs, descending into OCTET
 * STRINGs that hold DER (AuthenticatedSafe, SafeContents). Takes the tree forge parsed.
 * @throws PkiError('unsupported') when a count is above MAX_PKCS12_ITERATIONS.
 */
export function checkPkcs12KdfCost(top: ForgeAsn1): void {
  let budget = 20000; // nodes visited at most: the walk itself stays bounded
  const visit = (node: ForgeAsn1, depth: number): void => {
    if (--budget < 0 || depth > 40) return;
    if (Array.isArray(node.value)) {
      const kids = node.value;
      for (let i = 0; i < kids.length; i++) {
        const k = kids[i];
        if (i > 0 && k.tagClass === forge.asn1.Class.UNIVERSAL && k.type === forge.asn1.Type.INTEGER && !k.constructed) {
          const prev = kids[i - 1];
          if (prev.tagClass === forge.asn1.Class.UNIVERSAL && prev.type === forge.asn1.Type.OCTETSTRING) {
            const n = count(readOneLenient(Buffer.from(forge.asn1.toDer(k).getBytes(), 'binary')));
            if (n > MAX_PKCS12_ITERATIONS) throw tooMuch('This PKCS#12 file', n, MAX_PKCS12_ITERATIONS);
          }
        }
        visit(k, depth + 1);
      }
      return;
    }
    if (node.tagClass === forge.asn1.Class.UNIVERSAL && node.type === forge.asn1.Type.OCTETSTRING && typeof node.value === 'string' && node.value.charCodeAt(0) === 0x30 && node.value.length > 2) {
      let inner: ForgeAsn1;
      try {
        inner = forge.asn1.fromDer(node.value, { strict: false, parseAllBytes: false, decodeBitStrings: false } as never);
      } catch {
        return; // encrypted or not DER: nothing to check inside
      }
      visit(inner, depth + 1);
    }
  };
  visit(top, 0);
}

function readOneLenient(b: Buffer): Tlv | undefined {
  try {
    return readOne(b);
  } catch {
    return undefined;
  }
}

/**
 * Digests and their text form, shared by decoding, verification, trust files and the extension:
 * one place for the one-shot hash and for "AB:CD:..." as openssl prints fingerprints and key ids.
 */
import * as nodeCrypto from 'node:crypto';

// crypto.hash (Node >= 20.12) is the one-shot digest: about twice as fast as createHash for one
// certificate; createHash is the fallback on older Node 20 releases.
type OneShotHash = (alg: string, data: Uint8Array, enc: 'buffer') => Buffer;
const oneShot = (nodeCrypto as unknown as { hash?: OneShotHash }).hash;

export function digest(alg: 'sha1' | 'sha256', data: Uint8Array): Buffer {
  return oneShot ? oneShot(alg, data, 'buffer') : nodeCrypto.createHash(alg).update(data).digest();
}

/** SHA-256 of `data` (fingerprints and cache keys). */
export function sha256(data: Uint8Array): Buffer {
  return digest('sha256', data);
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** "AB:CD:EF", upper case, the way openssl prints fingerprints and key ids. */
export function colonHex(b: Uint8Array): string {
  let out = b.length ? HEX_BYTE[b[0]] : '';
  for (let i = 1; i < b.length; i++) out += ':' + HEX_BYTE[b[i]];
  return out;
}

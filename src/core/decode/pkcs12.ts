/**
 * PKCS#12 (RFC 7292). node-forge's asn1/pkcs12 handles the container, the MAC and the
 * password-based decryption (STYLE.md §2). Its forge.pki key and certificate objects are RSA-only,
 * so they are not used for the summaries: every key bag's PrivateKeyInfo is re-encoded to DER and
 * loaded with node:crypto (RSA, EC, Ed25519 ...), every certificate goes through our own decoder.
 */
import type * as Forge from 'node-forge';
import { loadFullForge } from '../der/forge';
import { PkiError, isPkiError } from '../errors';
import { checkPkcs12KdfCost } from '../der/kdfLimits';
import type { Pkcs12BagAttributes, Pkcs12Info } from '../types';
import { decodeCertificate } from './certificate';
import { decodePkcs8Der } from './keys';

function toBuffer(binary: string): Buffer {
  return Buffer.from(binary, 'binary');
}

function bagAttributes(bag: Forge.pkcs12.Bag): Pkcs12BagAttributes {
  const forge = loadFullForge();
  const out: Pkcs12BagAttributes = {};
  const attrs = (bag.attributes ?? {}) as Record<string, unknown[]>;
  const fn = attrs.friendlyName?.[0];
  if (typeof fn === 'string') out.friendlyName = fn;
  const id = attrs.localKeyId?.[0];
  if (typeof id === 'string') out.localKeyId = forge.util.bytesToHex(id);
  return out;
}

/** Maps forge's error texts to our codes. */
function passwordError(message: string): boolean {
  return /Invalid password|wrong password|MAC could not be verified|decrypt/i.test(message);
}

/**
 * Decodes a PKCS#12 / PFX file with `password` ('' for none).
 * @throws PkiError('wrong-passphrase') when the password does not open it (MAC or decryption
 *   fails), PkiError('malformed') for bytes that are not PKCS#12, PkiError('unsupported') for
 *   PKCS#12 variants forge cannot open (public-key integrity mode, unknown PBE).
 */
export function decodePkcs12(bytes: Uint8Array, password: string): Pkcs12Info {
  const binary = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('binary');
  // The whole forge library (RC2, 3DES, PBES2, pkcs12) is loaded here only, on first use.
  const forge = loadFullForge();
  let p12: Forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(binary, { strict: false, parseAllBytes: true, decodeBitStrings: false } as never);
    // Iteration counts are the file author's choice: refuse absurd ones before forge runs them.
    checkPkcs12KdfCost(asn1);
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (e) {
    if (isPkiError(e)) throw e;
    const message = e instanceof Error ? e.message : String(e);
    if (passwordError(message)) {
      throw new PkiError(
        'wrong-passphrase',
        password === '' ? 'This PKCS#12 file is protected by a password: give it with --passphrase-env or --passphrase-file' : 'Wrong password for this PKCS#12 file (its integrity check failed)',
        message,
      );
    }
    if (/unsupported|Only PKCS#12 PFX in password integrity mode/i.test(message)) throw new PkiError('unsupported', `PKCS#12 file not supported: ${message}`);
    throw new PkiError('malformed', `Not a valid PKCS#12 file: ${message}`);
  }
  const info: Pkcs12Info = { certificates: [], keys: [] };
  for (const safe of p12.safeContents) {
    for (const bag of safe.safeBags) {
      const attrs = bagAttributes(bag);
      if (bag.type === forge.pki.oids.certBag) {
        let der: Buffer;
        if (bag.asn1) der = toBuffer(forge.asn1.toDer(bag.asn1).getBytes());
        else if (bag.cert) der = toBuffer(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes());
        else continue;
        info.certificates.push({ ...decodeCertificate(der), ...attrs });
      } else if (bag.type === forge.pki.oids.keyBag || bag.type === forge.pki.oids.pkcs8ShroudedKeyBag) {
        // RSA keys come back as forge objects (no bag.asn1): wrap them into PrivateKeyInfo again.
        const pkInfo = bag.asn1 ?? (bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : undefined);
        if (!pkInfo) continue;
        info.keys.push({ ...decodePkcs8Der(toBuffer(forge.asn1.toDer(pkInfo).getBytes())), ...attrs });
      }
    }
  }
  return info;
}

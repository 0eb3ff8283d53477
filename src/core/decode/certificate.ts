/** Certificate, CSR and CRL DTOs (RFC 5280 §4.1, RFC 2986 §4, RFC 5280 §5.1). */
import { constants, createPublicKey, verify } from 'node:crypto';
import { SignatureAlgorithm } from '../der/algorithms';
import { namesEqual } from '../der/name';
import { OID, oidName } from '../der/oids';
import { parseCertificate, parseCrl, parseCsr } from '../der/x509';
import type { CertificateInfo, CrlInfo, CsrInfo } from '../types';
import { algorithmInfo, colonHex, digest, extensionInfos, iso, keyInfo, nameInfo, sansOf, spkiDigest } from './common';

/**
 * Decodes one DER certificate into a CertificateInfo. Unknown extensions keep their OID and hex;
 * an extension whose value is malformed is reported on that extension (`error`), not thrown.
 * @throws PkiError('malformed') when the certificate structure itself is not valid DER.
 */
export function decodeCertificate(der: Buffer): CertificateInfo {
  const c = parseCertificate(der);
  const extensions = extensionInfos(c.extensions);
  let isCa = false;
  for (const e of extensions) if (e.value.kind === 'basicConstraints') isCa = e.value.ca;
  const info: CertificateInfo = {
    version: c.version,
    serial: c.serialHex,
    subject: nameInfo(c.subject),
    issuer: nameInfo(c.issuer),
    notBefore: iso(c.notBefore),
    notAfter: iso(c.notAfter),
    key: keyInfo(c.key),
    signatureAlgorithm: algorithmInfo(c.signatureAlgorithm),
    extensions,
    fingerprints: {
      sha256: colonHex(digest('sha256', der)),
      sha1: colonHex(digest('sha1', der)),
      spkiSha256: spkiDigest(c.spki),
    },
    isCa,
    selfIssued: namesEqual(c.issuer, c.subject),
    sans: sansOf(extensions),
    derLength: der.length,
  };
  if (c.serialNegative) info.serialNegative = true;
  return info;
}

/** Checks a signature with node:crypto; returns undefined when valid, else the reason. */
export function checkSignature(alg: SignatureAlgorithm, spki: Buffer, data: Buffer, signature: Buffer): string | undefined {
  if (alg.keyType === 'unknown') return `signature algorithm ${algorithmInfo(alg).name} is not supported`;
  if (alg.badParams) return `signature algorithm ${alg.name} has invalid parameters`;
  let key;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch (e) {
    return `the public key cannot be loaded (${e instanceof Error ? e.message : String(e)})`;
  }
  try {
    let ok: boolean;
    if (alg.keyType === 'ed25519' || alg.keyType === 'ed448') ok = verify(null, data, key, signature);
    else if (alg.keyType === 'rsa-pss') {
      ok = verify(alg.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength ?? 20 }, signature);
    } else ok = verify(alg.hash, data, key, signature);
    return ok ? undefined : 'the signature does not match the content and public key';
  } catch (e) {
    return `the signature cannot be checked (${e instanceof Error ? e.message : String(e)})`;
  }
}

/**
 * Decodes a PKCS#10 certification request and checks its self-signature with node:crypto
 * (RFC 2986 §3: proof of possession). A bad signature is reported, not thrown.
 * @throws PkiError('malformed') when the CSR structure is not valid DER.
 */
export function decodeCsr(der: Buffer): CsrInfo {
  const r = parseCsr(der);
  const extensions = extensionInfos(r.extensions);
  const problem = checkSignature(r.signatureAlgorithm, r.spki, r.info, r.signature);
  const info: CsrInfo = {
    version: r.version,
    subject: nameInfo(r.subject),
    key: keyInfo(r.key),
    signatureAlgorithm: algorithmInfo(r.signatureAlgorithm),
    extensions,
    sans: sansOf(extensions),
    attributes: r.attributes.map((a) => ({ oid: a.oid, name: a.oid === OID.challengePassword ? 'challengePassword' : oidName(a.oid), values: a.values })),
    signatureValid: problem === undefined,
    spkiSha256: spkiDigest(r.spki),
    derLength: der.length,
  };
  if (problem) info.signatureProblem = problem;
  return info;
}

/**
 * Decodes a CRL (RFC 5280 §5). The signature is not checked here (that needs the issuer:
 * see verify/).
 * @throws PkiError('malformed') when the CRL structure is not valid DER.
 */
export function decodeCrl(der: Buffer): CrlInfo {
  const r = parseCrl(der);
  const extensions = extensionInfos(r.extensions);
  const info: CrlInfo = {
    version: r.version,
    issuer: nameInfo(r.issuer),
    thisUpdate: iso(r.thisUpdate),
    signatureAlgorithm: algorithmInfo(r.signatureAlgorithm),
    entries: r.entries.map((e) => {
      const out: CrlInfo['entries'][number] = { serial: e.serialHex, revocationDate: iso(e.revocationDate) };
      if (e.reason) out.reason = e.reason;
      if (e.invalidityDate) out.invalidityDate = iso(e.invalidityDate);
      return out;
    }),
    extensions,
    derLength: der.length,
  };
  if (r.nextUpdate) info.nextUpdate = iso(r.nextUpdate);
  for (const e of extensions) if (e.value.kind === 'crlNumber') info.crlNumber = e.value.number;
  return info;
}

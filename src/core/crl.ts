/** CRL v2 (RFC 5280 §5), built with forge's ASN.1 and signed with node:crypto. */
import { KeyObject } from 'node:crypto';
import { forge } from './der/forge';
import { bitString, contextExplicit, extension, fromDer, oid, seqOf, smallInt, time, toDer, uintFromHex } from './der/build';
import { OID } from './der/oids';
import { ParsedCertificate } from './der/x509';
import { PkiError } from './errors';
import { keyIdOf } from './issue';
import { algorithmIdentifier, signBytes, signingAlgorithmFor, spkiOf } from './keys';
import { toPem } from './pem';

/** RFC 5280 §5.3.1 reason codes, with the spellings openssl writes in index.txt. */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'CACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'removeFromCRL',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];
const REASON_CODE: Record<RevocationReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  CACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
};

/** Case-insensitive reason lookup ("keycompromise", "caCompromise" ...). */
export function parseReason(s: string): RevocationReason {
  const r = REVOCATION_REASONS.find((x) => x.toLowerCase() === s.toLowerCase());
  if (!r) throw new PkiError('usage', `Unknown revocation reason "${s}". Use one of: ${REVOCATION_REASONS.join(', ')}`);
  return r;
}

export interface CrlEntryInput {
  serialHex: string;
  revoked: Date;
  reason?: RevocationReason;
}

export interface CrlRequest {
  issuerCert: ParsedCertificate;
  issuerKey: KeyObject;
  entries: CrlEntryInput[];
  thisUpdate: Date;
  nextUpdate: Date;
  /** crlNumber as unsigned hex. */
  crlNumberHex: string;
}

export function createCrl(req: CrlRequest): { der: Buffer; pem: string } {
  const A = forge.asn1;
  if (!spkiOf(req.issuerKey).equals(req.issuerCert.spki)) throw new PkiError('usage', 'The CA private key does not belong to the CA certificate');
  const alg = signingAlgorithmFor(req.issuerKey);
  const revoked = req.entries.map((e) => {
    const parts = [uintFromHex(e.serialHex), time(e.revoked)];
    // reasonCode is omitted for "unspecified" (RFC 5280 §5.3.1 SHOULD), as openssl does.
    if (e.reason && e.reason !== 'unspecified') {
      parts.push(seqOf([extension(OID.crlReason, false, A.create(A.Class.UNIVERSAL, A.Type.ENUMERATED, false, String.fromCharCode(REASON_CODE[e.reason])))]));
    }
    return seqOf(parts);
  });
  const tbsParts = [smallInt(1), algorithmIdentifier(alg), fromDer(req.issuerCert.subject.der), time(req.thisUpdate), time(req.nextUpdate)];
  if (revoked.length) tbsParts.push(seqOf(revoked));
  tbsParts.push(
    contextExplicit(
      0,
      seqOf([
        extension(OID.authorityKeyIdentifier, false, seqOf([A.create(A.Class.CONTEXT_SPECIFIC, 0, false, keyIdOf(req.issuerCert).toString('binary'))])),
        extension(OID.crlNumber, false, uintFromHex(req.crlNumberHex)),
      ]),
    ),
  );
  const tbsDer = toDer(seqOf(tbsParts));
  const sig = signBytes(req.issuerKey, alg, tbsDer);
  const der = toDer(seqOf([fromDer(tbsDer), algorithmIdentifier(alg), bitString(sig)]));
  void oid;
  return { der, pem: toPem('X509 CRL', der) };
}

/** Certificate signing requests (PKCS#10, RFC 2986): create, and check the self-signature. */
import { KeyObject, verify as nodeVerify } from 'node:crypto';
import { Asn1, contextExplicit, extension, fromDer, generalName, seqOf, smallInt, toDer, oid, bitString } from './der/build';
import { DnInput, buildName } from './der/name';
import { OID } from './der/oids';
import { ParsedCsr, parseCsr } from './der/x509';
import { PkiError } from './errors';
import { algorithmIdentifier, publicKeyFromSpki, signBytes, signingAlgorithmFor, spkiOf } from './keys';
import { toPem } from './pem';
import { San, dedupeSans } from './san';
import { forge } from './der/forge';

export interface CsrRequest {
  privateKey: KeyObject;
  subject: DnInput;
  sans?: San[];
}

/** Creates a DER CSR signed with the key; SANs go into an extensionRequest attribute. */
export function createCsr(req: CsrRequest): { der: Buffer; pem: string } {
  const A = forge.asn1;
  const alg = signingAlgorithmFor(req.privateKey);
  const sans = dedupeSans(req.sans ?? []);
  const attrs: Asn1[] = [];
  if (sans.length) {
    const exts = seqOf([extension(OID.subjectAltName, false, seqOf(sans.map(generalName)))]);
    attrs.push(seqOf([oid(OID.extensionRequest), A.create(A.Class.UNIVERSAL, A.Type.SET, true, [exts])]));
  }
  const info = seqOf([
    smallInt(0),
    buildName(req.subject),
    fromDer(spkiOf(req.privateKey)),
    A.create(A.Class.CONTEXT_SPECIFIC, 0, true, attrs),
  ]);
  const infoDer = toDer(info);
  const sig = signBytes(req.privateKey, alg, infoDer);
  const der = toDer(seqOf([fromDer(infoDer), algorithmIdentifier(alg), bitString(sig)]));
  return { der, pem: toPem('CERTIFICATE REQUEST', der) };
}

/** Checks a CSR's self-signature with node:crypto. Unknown algorithms count as not verified. */
export function csrSignatureValid(csr: ParsedCsr): boolean {
  const alg = csr.signatureAlgorithm;
  if (alg.badParams) return false;
  try {
    const key = publicKeyFromSpki(csr.spki);
    switch (alg.keyType) {
      case 'rsa':
      case 'ec':
      case 'dsa':
        return nodeVerify(alg.hash, csr.info, { key, dsaEncoding: 'der' }, csr.signature);
      case 'ed25519':
      case 'ed448':
        return nodeVerify(null, csr.info, key, csr.signature);
      case 'rsa-pss':
        return nodeVerify(alg.hash, csr.info, { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: alg.saltLength }, csr.signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** Parses a CSR and refuses it unless its self-signature verifies (proof the requester has the key). */
export function readVerifiedCsr(der: Buffer): ParsedCsr {
  const csr = parseCsr(der);
  if (!csrSignatureValid(csr)) {
    throw new PkiError('bad-signature', 'The CSR signature does not verify: the request was altered or was not signed with its key. Refusing to sign it.');
  }
  return csr;
}

export { contextExplicit };

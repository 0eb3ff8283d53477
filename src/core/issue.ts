/**
 * Issuing certificates: TBSCertificate built with forge's ASN.1, signed with node:crypto.
 * Every pitfall in PKI-NOTES.md is closed here by construction:
 * - the digest is chosen from the issuer key (SHA-256/384, never SHA-1);
 * - basicConstraints is always present and critical;
 * - AKI is the issuer's SKI bytes (not the new certificate's);
 * - serials are positive INTEGERs (top bit cleared, minimal encoding), at most 20 octets;
 * - names are UTF8String except countryName (PrintableString) and emailAddress (IA5String).
 */
import { KeyObject, createHash, randomBytes } from 'node:crypto';
import { forge } from './der/forge';
import { Asn1, bitString, bool, contextExplicit, extension, fromDer, generalName, oid, seqOf, smallInt, time, toDer, uintFromHex } from './der/build';
import { decodeKeyIdentifier, decodeSubjectKeyIdOrUndefined } from './der/keyid';
import { DnInput, buildName } from './der/name';
import { OID } from './der/oids';
import { readBitString, readOid, readOne, seq } from './der/reader';
import { ParsedCertificate, findExtension } from './der/x509';
import { PkiError } from './errors';
import { algorithmIdentifier, signBytes, signingAlgorithmFor, spkiOf } from './keys';
import { toPem } from './pem';
import { San, dedupeSans, ipToBytes } from './san';

export const PROFILES = ['root-ca', 'intermediate-ca', 'server', 'client', 'server+client', 'email'] as const;
export type Profile = (typeof PROFILES)[number];

export function isProfile(s: string): s is Profile {
  return (PROFILES as readonly string[]).includes(s);
}

/** Default validity in days per profile (root 20 y, intermediate 10 y, leaves 375 d as the tutorials use; < 398 d). */
export const DEFAULT_DAYS: Record<Profile, number> = {
  'root-ca': 7300,
  'intermediate-ca': 3650,
  server: 375,
  client: 375,
  'server+client': 375,
  email: 375,
};

export const PROFILE_LABELS: Record<Profile, string> = {
  'root-ca': 'Root CA',
  'intermediate-ca': 'Intermediate CA',
  server: 'TLS server',
  client: 'TLS client',
  'server+client': 'TLS server and client',
  email: 'Email (S/MIME)',
};

/** A name constraint subtree as typed: DNS:example.com, IP:10.0.0.0/8, email:example.com, URI:.example.com. */
export interface NameConstraintsInput {
  permitted?: San[];
  excluded?: San[];
}

export interface IssueRequest {
  profile: Profile;
  /** Subject: a DN to build, or the exact DER of a Name (from a CSR) to copy byte for byte. */
  subject: DnInput | { der: Buffer };
  /** SubjectPublicKeyInfo DER of the certified key. */
  publicKey: Buffer;
  sans?: San[];
  notBefore: Date;
  notAfter: Date;
  /** Unsigned hex; default 20 random octets with the top bit cleared. */
  serialHex?: string;
  /** pathLenConstraint for CA profiles (intermediate default 0; root: none). */
  pathLen?: number;
  nameConstraints?: NameConstraintsInput;
  /** Optional CRL distribution point URI and AIA caIssuers URI. */
  crlUri?: string;
}

export interface IssuerInfo {
  /** The issuer certificate; undefined when self-signing a root. */
  cert?: ParsedCertificate;
  privateKey: KeyObject;
}

export interface IssuedCertificate {
  der: Buffer;
  pem: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** True when notAfter was cut back to the issuer's notAfter. */
  clamped: boolean;
}

/** 20 random octets, top bit cleared and first octet non-zero: a positive 159-bit serial (RFC 5280 §4.1.2.2). */
export function randomSerialHex(): string {
  const b = randomBytes(20);
  b[0] = (b[0] & 0x7f) | 0x01;
  return b.toString('hex').toUpperCase();
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents (what openssl writes). */
export function subjectKeyId(spki: Buffer): Buffer {
  const [, bits] = seq(readOne(spki), 'subjectPublicKeyInfo');
  return createHash('sha1').update(readBitString(bits).bytes).digest();
}

const KU = { digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, keyAgreement: 4, keyCertSign: 5, cRLSign: 6 } as const;

function keyUsage(bits: (keyof typeof KU)[]): Asn1 {
  let v = 0;
  let max = 0;
  for (const b of bits) {
    v |= 0x8000 >> KU[b];
    max = Math.max(max, KU[b]);
  }
  // DER: trailing zero bits are removed (X.690 §11.2.2), unused-bits count says how many.
  const bytes = max < 8 ? Buffer.from([v >> 8]) : Buffer.from([v >> 8, v & 0xff]);
  const unused = (max < 8 ? 8 : 16) - (max + 1);
  return bitString(bytes, unused);
}

function spkiKeyType(spki: Buffer): string {
  const [alg] = seq(readOne(spki), 'subjectPublicKeyInfo');
  return readOid(seq(alg, 'algorithm')[0]);
}

function nameConstraintSubtrees(list: San[]): Asn1 {
  return seqOf(
    list.map((s) => {
      if (s.type === 'ip') {
        // "10.0.0.0/8" or "10.0.0.0/255.0.0.0" → address || mask (RFC 5280 §4.2.1.10)
        const [addr, maskText] = s.value.split('/');
        const a = ipToBytes(addr);
        let mask: Buffer;
        if (maskText === undefined) mask = Buffer.alloc(a.length, 0xff);
        else if (/^\d+$/.test(maskText)) {
          const bits = Number(maskText);
          if (bits > a.length * 8) throw new PkiError('usage', `Invalid prefix length /${bits} for ${addr}`);
          mask = Buffer.alloc(a.length);
          for (let i = 0; i < bits; i++) mask[i >> 3] |= 0x80 >> (i & 7);
        } else mask = ipToBytes(maskText);
        return seqOf([forge.asn1.create(forge.asn1.Class.CONTEXT_SPECIFIC, 7, false, Buffer.concat([a, mask]).toString('binary'))]);
      }
      return seqOf([generalName(s)]);
    }),
  );
}

/** Builds and signs a certificate. Throws PkiError('usage') for requests that make no sense. */
export function issueCertificate(req: IssueRequest, issuer: IssuerInfo): IssuedCertificate {
  const A = forge.asn1;
  const selfSigned = issuer.cert === undefined;
  const isCa = req.profile === 'root-ca' || req.profile === 'intermediate-ca';
  if (req.profile === 'root-ca' && !selfSigned) throw new PkiError('usage', 'A root CA certificate is self-signed: do not pass an issuer certificate');
  if (req.profile !== 'root-ca' && selfSigned) throw new PkiError('usage', `A ${PROFILE_LABELS[req.profile]} certificate needs an issuing CA`);
  if (issuer.cert) {
    if (!spkiOf(issuer.privateKey).equals(issuer.cert.spki)) throw new PkiError('usage', "The CA private key does not belong to the CA certificate");
  } else if (!spkiOf(issuer.privateKey).equals(req.publicKey)) {
    throw new PkiError('usage', 'A self-signed certificate must certify the signing key');
  }
  if (!(req.notAfter.getTime() > req.notBefore.getTime())) throw new PkiError('usage', 'The certificate would expire before it becomes valid');

  // Validity never beyond the issuer's (RFC 5280 §6.1.3 would make the tail useless anyway).
  let notAfter = req.notAfter;
  let clamped = false;
  if (issuer.cert && notAfter.getTime() > issuer.cert.notAfter.getTime()) {
    notAfter = issuer.cert.notAfter;
    clamped = true;
  }
  const notBefore = req.notBefore;
  if (notAfter.getTime() <= notBefore.getTime()) throw new PkiError('usage', 'The issuing CA has expired: renew the CA before issuing');

  const serialHex = (req.serialHex ?? randomSerialHex()).toUpperCase().replace(/^0+(?=.)/, '');
  if (!/^[0-9A-F]+$/.test(serialHex) || /^0+$/.test(serialHex)) throw new PkiError('usage', `Invalid serial "${req.serialHex}": a positive hexadecimal number is required`);
  if (Buffer.from(serialHex.length % 2 ? '0' + serialHex : serialHex, 'hex').length > 20 || (serialHex.length === 40 && parseInt(serialHex[0], 16) >= 8)) {
    throw new PkiError('usage', 'Serial numbers are at most 20 octets (RFC 5280 §4.1.2.2)');
  }

  const alg = signingAlgorithmFor(issuer.privateKey);
  const subjectNode = 'der' in req.subject ? fromDer(req.subject.der) : buildName(req.subject as DnInput);
  const subjectIsEmpty = (subjectNode.value as Asn1[]).length === 0;
  const issuerNode = issuer.cert ? fromDer(issuer.cert.subject.der) : subjectNode;
  const ski = subjectKeyId(req.publicKey);
  const aki = issuer.cert ? (decodeSubjectKeyIdOrUndefined(issuer.cert) ?? subjectKeyId(issuer.cert.spki)) : ski;
  const sans = dedupeSans(req.sans ?? []);
  const keyAlgOid = spkiKeyType(req.publicKey);
  const rsaSubject = keyAlgOid === OID.rsaEncryption;

  const exts: Asn1[] = [];
  // basicConstraints: critical in every profile (-x509_strict requires it for CAs; CA:FALSE explicit for leaves).
  const bc: Asn1[] = [];
  if (isCa) {
    bc.push(bool(true));
    const pathLen = req.pathLen ?? (req.profile === 'intermediate-ca' ? 0 : undefined);
    if (pathLen !== undefined) {
      if (!Number.isInteger(pathLen) || pathLen < 0 || pathLen > 32) throw new PkiError('usage', 'pathLen must be a whole number from 0 to 32');
      bc.push(smallInt(pathLen));
    }
  }
  exts.push(extension(OID.basicConstraints, true, seqOf(bc)));
  switch (req.profile) {
    case 'root-ca':
    case 'intermediate-ca':
      exts.push(extension(OID.keyUsage, true, keyUsage(['digitalSignature', 'keyCertSign', 'cRLSign'])));
      break;
    case 'server':
    case 'client':
    case 'server+client':
      exts.push(extension(OID.keyUsage, true, keyUsage(rsaSubject ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'])));
      exts.push(
        extension(
          OID.extKeyUsage,
          false,
          seqOf((req.profile === 'server' ? [OID.serverAuth] : req.profile === 'client' ? [OID.clientAuth] : [OID.serverAuth, OID.clientAuth]).map(oid)),
        ),
      );
      break;
    case 'email':
      exts.push(extension(OID.keyUsage, true, keyUsage(rsaSubject ? ['digitalSignature', 'nonRepudiation', 'keyEncipherment'] : ['digitalSignature', 'nonRepudiation'])));
      exts.push(extension(OID.extKeyUsage, false, seqOf([oid(OID.emailProtection)])));
      break;
  }
  exts.push(extension(OID.subjectKeyIdentifier, false, A.create(A.Class.UNIVERSAL, A.Type.OCTETSTRING, false, ski.toString('binary'))));
  exts.push(extension(OID.authorityKeyIdentifier, false, seqOf([A.create(A.Class.CONTEXT_SPECIFIC, 0, false, aki.toString('binary'))])));
  if (req.profile === 'server' || req.profile === 'server+client') {
    if (!sans.some((s) => s.type === 'dns' || s.type === 'ip')) {
      throw new PkiError('usage', 'A TLS server certificate needs at least one DNS or IP subject alternative name: browsers ignore the common name');
    }
  }
  if (sans.length) {
    // RFC 5280 §4.2.1.6: critical when the subject is empty.
    exts.push(extension(OID.subjectAltName, subjectIsEmpty, seqOf(sans.map(generalName))));
  } else if (subjectIsEmpty) {
    throw new PkiError('usage', 'A certificate needs a subject or at least one subject alternative name');
  }
  if (req.nameConstraints && isCa) {
    const nc: Asn1[] = [];
    if (req.nameConstraints.permitted?.length) nc.push(A.create(A.Class.CONTEXT_SPECIFIC, 0, true, nameConstraintSubtrees(req.nameConstraints.permitted).value as Asn1[]));
    if (req.nameConstraints.excluded?.length) nc.push(A.create(A.Class.CONTEXT_SPECIFIC, 1, true, nameConstraintSubtrees(req.nameConstraints.excluded).value as Asn1[]));
    // RFC 5280 §4.2.1.10: conforming CAs MUST mark this extension as critical.
    if (nc.length) exts.push(extension(OID.nameConstraints, true, seqOf(nc)));
  } else if (req.nameConstraints && !isCa) {
    throw new PkiError('usage', 'Name constraints only belong in CA certificates');
  }
  if (req.crlUri) {
    exts.push(
      extension(OID.crlDistributionPoints, false, seqOf([seqOf([contextExplicit(0, A.create(A.Class.CONTEXT_SPECIFIC, 0, true, [generalName({ type: 'uri', value: req.crlUri })]))])])),
    );
  }

  const tbs = seqOf([
    contextExplicit(0, smallInt(2)), // v3
    uintFromHex(serialHex),
    algorithmIdentifier(alg),
    issuerNode,
    seqOf([time(notBefore), time(notAfter)]),
    subjectNode,
    fromDer(req.publicKey),
    contextExplicit(3, seqOf(exts)),
  ]);
  const tbsDer = toDer(tbs);
  const sig = signBytes(issuer.privateKey, alg, tbsDer);
  const der = toDer(seqOf([fromDer(tbsDer), algorithmIdentifier(alg), bitString(sig)]));
  return { der, pem: toPem('CERTIFICATE', der), serialHex, notBefore, notAfter, clamped };
}

/** The SKI of a parsed certificate, computed when the extension is absent. */
export function keyIdOf(cert: ParsedCertificate): Buffer {
  const e = findExtension(cert.extensions, OID.subjectKeyIdentifier);
  return e ? decodeKeyIdentifier(e.value) : subjectKeyId(cert.spki);
}

/** Adds `days` to a date (validity helper; callers pass `now`). */
export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86400_000);
}

/**
 * Structural parsers for Certificate (RFC 5280 §4.1), CertificationRequest (RFC 2986 §4) and
 * CertificateList (RFC 5280 §5.1). They keep the exact signed bytes and the raw extension values;
 * extensions.ts decodes the values, decode/ turns everything into DTOs, verify/ validates paths.
 */
import { PkiError, asMalformed } from '../errors';
import { KeySummary, SignatureAlgorithm, parseSignatureAlgorithm, summarizeSpki } from './algorithms';
import { ParsedName, parseName } from './name';
import { OID } from './oids';
import {
  Tag,
  Tlv,
  children,
  contextTag,
  expect,
  raw,
  readBitString,
  readBoolean,
  readInteger,
  readOid,
  readOne,
  readSmallInt,
  readTime,
  seq,
  value,
} from './reader';

/*
 * Byte fields (tbs, spki, signature, extension values) are views into `der`, not copies: the
 * decoder runs over whole trust-store bundles and copying doubled its garbage. Treat them as
 * read-only.
 */

/** One extension with its still-encoded value. */
export interface RawExtension {
  oid: string;
  critical: boolean;
  /** Contents of the extnValue OCTET STRING (a DER encoding). */
  value: Buffer;
}

export interface ParsedCertificate {
  der: Buffer;
  /** The exact TBSCertificate bytes the signature covers. */
  tbs: Buffer;
  /** 1, 2 or 3. */
  version: number;
  serialHex: string;
  serialNegative: boolean;
  /** Serial length in content octets (RFC 5280 §4.1.2.2 caps it at 20). */
  serialLength: number;
  /** signature field inside the TBS. */
  tbsSignatureAlgorithm: SignatureAlgorithm;
  /** outer signatureAlgorithm. */
  signatureAlgorithm: SignatureAlgorithm;
  /** True when the inner and outer algorithm identifiers differ byte-wise (RFC 5280 §4.1.1.2). */
  algorithmMismatch: boolean;
  signature: Buffer;
  issuer: ParsedName;
  subject: ParsedName;
  notBefore: Date;
  notAfter: Date;
  spki: Buffer;
  key: KeySummary;
  issuerUniqueId?: Buffer;
  subjectUniqueId?: Buffer;
  extensions: RawExtension[];
  /** Set when the same extension OID appears twice (RFC 5280 §4.2 forbids it). */
  duplicateExtension?: string;
}

function parseExtensions(t: Tlv): { list: RawExtension[]; duplicate?: string } {
  const list: RawExtension[] = [];
  let duplicate: string | undefined;
  const seen = new Set<string>();
  const exts = seq(t, 'extensions');
  if (exts.length === 0) throw new PkiError('malformed', 'Invalid DER: empty extensions sequence');
  for (const e of exts) {
    const parts = seq(e, 'extension');
    const oid = readOid(parts[0]);
    let i = 1;
    let critical = false;
    if (parts[i] && parts[i].tag === Tag.BOOLEAN) {
      critical = readBoolean(parts[i]);
      if (!critical) {
        // DER: DEFAULT FALSE must be omitted. Tolerated (many real certificates do this), not flagged.
      }
      i++;
    }
    const v = expect(parts[i], Tag.OCTET_STRING, 'extension value');
    if (seen.has(oid)) duplicate = oid;
    seen.add(oid);
    list.push({ oid, critical, value: value(v) });
  }
  return { list, duplicate };
}

/** Parses one DER certificate. Throws PkiError('malformed') with the reason. */
export function parseCertificate(der: Buffer): ParsedCertificate {
  return asMalformed('Not a valid certificate', () => {
    const top = readOne(der);
    // Indexed rather than destructured with a rest element: this runs once per certificate of a
    // trust-store bundle, and iterator-based destructuring is slow before the JIT warms up.
    const outer = seq(top, 'certificate');
    const tbsT = outer[0];
    const sigAlgT = outer[1];
    const sigT = outer[2];
    if (outer.length > 3) throw new PkiError('malformed', 'Not a valid certificate: extra fields after the signature');
    const tbsParts = seq(tbsT, 'tbsCertificate');
    let i = 0;
    let version = 1;
    if (tbsParts[0] && contextTag(tbsParts[0]) === 0) {
      version = readSmallInt(children(tbsParts[0])[0]) + 1;
      if (version < 1 || version > 3) throw new PkiError('malformed', `Not a valid certificate: unknown version ${version}`);
      i++;
    }
    const serialT = tbsParts[i++];
    const serial = readInteger(serialT);
    const tbsSigAlgT = tbsParts[i++];
    const tbsSignatureAlgorithm = parseSignatureAlgorithm(tbsSigAlgT);
    const issuer = parseName(tbsParts[i++]);
    const validity = seq(tbsParts[i++], 'validity');
    if (validity.length !== 2) throw new PkiError('malformed', 'Not a valid certificate: validity needs two times');
    const notBefore = readTime(validity[0]);
    const notAfter = readTime(validity[1]);
    const subject = parseName(tbsParts[i++]);
    const spkiT = expect(tbsParts[i++], Tag.SEQUENCE, 'subjectPublicKeyInfo');
    const key = summarizeSpki(spkiT);
    let issuerUniqueId: Buffer | undefined;
    let subjectUniqueId: Buffer | undefined;
    let extensions: RawExtension[] = [];
    let duplicateExtension: string | undefined;
    for (; i < tbsParts.length; i++) {
      const t = tbsParts[i];
      const n = contextTag(t);
      if (n === 1) issuerUniqueId = value(t);
      else if (n === 2) subjectUniqueId = value(t);
      else if (n === 3) {
        const r = parseExtensions(children(t)[0]);
        extensions = r.list;
        duplicateExtension = r.duplicate;
      } else throw new PkiError('malformed', `Not a valid certificate: unexpected field (tag 0x${t.tag.toString(16)})`);
    }
    const signatureAlgorithm = parseSignatureAlgorithm(sigAlgT);
    const sig = readBitString(sigT);
    return {
      der,
      tbs: raw(tbsT),
      version,
      serialHex: serial.hex,
      serialNegative: serial.negative,
      serialLength: value(serialT).length,
      tbsSignatureAlgorithm,
      signatureAlgorithm,
      algorithmMismatch: !raw(tbsSigAlgT).equals(raw(sigAlgT)),
      signature: sig.bytes,
      issuer,
      subject,
      notBefore,
      notAfter,
      spki: raw(spkiT),
      key,
      issuerUniqueId,
      subjectUniqueId,
      extensions,
      duplicateExtension,
    };
  });
}

export interface ParsedCsr {
  der: Buffer;
  /** The exact CertificationRequestInfo bytes the signature covers. */
  info: Buffer;
  version: number;
  subject: ParsedName;
  spki: Buffer;
  key: KeySummary;
  /** Requested extensions (PKCS#9 extensionRequest). */
  extensions: RawExtension[];
  /** Other attributes by OID (challengePassword, ...), values as strings when they are strings. */
  attributes: { oid: string; values: string[] }[];
  signatureAlgorithm: SignatureAlgorithm;
  signature: Buffer;
}

export function parseCsr(der: Buffer): ParsedCsr {
  return asMalformed('Not a valid certificate request', () => {
    const top = readOne(der);
    const [infoT, sigAlgT, sigT] = seq(top, 'certification request');
    const parts = seq(infoT, 'certificationRequestInfo');
    const version = readSmallInt(parts[0]) + 1;
    const subject = parseName(parts[1]);
    const spkiT = expect(parts[2], Tag.SEQUENCE, 'subjectPublicKeyInfo');
    const attrsT = parts[3];
    let extensions: RawExtension[] = [];
    const attributes: { oid: string; values: string[] }[] = [];
    if (attrsT) {
      if (contextTag(attrsT) !== 0) throw new PkiError('malformed', 'Not a valid certificate request: attributes missing');
      for (const a of children(attrsT)) {
        const [typ, vals] = seq(a, 'attribute');
        const oid = readOid(typ);
        expect(vals, Tag.SET, 'attribute values');
        const vs = children(vals);
        if (oid === OID.extensionRequest) {
          if (vs[0]) extensions = parseExtensions(vs[0]).list;
        } else {
          attributes.push({ oid, values: vs.map((v) => value(v).toString('utf8')) });
        }
      }
    }
    return {
      der,
      info: raw(infoT),
      version,
      subject,
      spki: raw(spkiT),
      key: summarizeSpki(spkiT),
      extensions,
      attributes,
      signatureAlgorithm: parseSignatureAlgorithm(sigAlgT),
      signature: readBitString(sigT).bytes,
    };
  });
}

export interface ParsedCrlEntry {
  serialHex: string;
  revocationDate: Date;
  /** RFC 5280 §5.3.1 reason name, when present. */
  reason?: string;
  invalidityDate?: Date;
  extensions: RawExtension[];
}

export interface ParsedCrl {
  der: Buffer;
  tbs: Buffer;
  version: number;
  signatureAlgorithm: SignatureAlgorithm;
  signature: Buffer;
  issuer: ParsedName;
  thisUpdate: Date;
  nextUpdate?: Date;
  entries: ParsedCrlEntry[];
  extensions: RawExtension[];
}

export const CRL_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  '(unused)',
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
] as const;

export function parseCrl(der: Buffer): ParsedCrl {
  return asMalformed('Not a valid CRL', () => {
    const top = readOne(der);
    const [tbsT, sigAlgT, sigT] = seq(top, 'certificate list');
    const parts = seq(tbsT, 'tbsCertList');
    let i = 0;
    let version = 1;
    if (parts[0] && parts[0].tag === Tag.INTEGER) {
      version = readSmallInt(parts[0]) + 1;
      i++;
    }
    i++; // inner signature algorithm
    const issuer = parseName(parts[i++]);
    const thisUpdate = readTime(parts[i++]);
    let nextUpdate: Date | undefined;
    if (parts[i] && (parts[i].tag === Tag.UTCTime || parts[i].tag === Tag.GeneralizedTime)) nextUpdate = readTime(parts[i++]);
    const entries: ParsedCrlEntry[] = [];
    if (parts[i] && parts[i].tag === Tag.SEQUENCE) {
      for (const e of children(parts[i++])) {
        const ep = seq(e, 'revoked certificate');
        const entry: ParsedCrlEntry = { serialHex: readInteger(ep[0]).hex, revocationDate: readTime(ep[1]), extensions: [] };
        if (ep[2]) {
          entry.extensions = parseExtensions(ep[2]).list;
          for (const x of entry.extensions) {
            if (x.oid === OID.crlReason) {
              const code = value(readOne(x.value))[0];
              entry.reason = CRL_REASONS[code] ?? `reason ${code}`;
            } else if (x.oid === OID.invalidityDate) entry.invalidityDate = readTime(readOne(x.value));
          }
        }
        entries.push(entry);
      }
    }
    let extensions: RawExtension[] = [];
    if (parts[i] && contextTag(parts[i]) === 0) extensions = parseExtensions(children(parts[i])[0]).list;
    return {
      der,
      tbs: raw(tbsT),
      version,
      signatureAlgorithm: parseSignatureAlgorithm(sigAlgT),
      signature: readBitString(sigT).bytes,
      issuer,
      thisUpdate,
      nextUpdate,
      entries,
      extensions,
    };
  });
}

/** The extension with this OID, if present. */
export function findExtension(exts: RawExtension[], oid: string): RawExtension | undefined {
  for (const e of exts) if (e.oid === oid) return e;
  return undefined;
}

export { readOid };

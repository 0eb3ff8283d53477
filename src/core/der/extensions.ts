/**
 * Decoders for the X.509 extensions we interpret (RFC 5280 §4.2). Each takes the extnValue
 * contents and returns plain data; malformed values throw PkiError('malformed').
 */
import { PkiError } from '../errors';
import { ParsedName, formatName, parseName } from './name';
import { OID, oidName } from './oids';
import { Tag, Tlv, children, contextTag, readBitString, readBoolean, readInteger, readOid, readOne, readSmallInt, readString, seq, value } from './reader';

export type GeneralName =
  | { type: 'dns'; value: string }
  | { type: 'email'; value: string }
  | { type: 'uri'; value: string }
  | { type: 'ip'; value: string; bytes: Buffer }
  | { type: 'dirName'; value: string; name: ParsedName }
  | { type: 'rid'; value: string }
  | { type: 'other'; value: string; tag: number };

function ia5(t: Tlv, what: string): string {
  const v = value(t);
  for (const b of v) if (b > 0x7f) throw new PkiError('malformed', `Invalid ${what}: not an IA5String`);
  return v.toString('latin1');
}

/** Formats IPv4/IPv6 address bytes (and, for name constraints, address+mask pairs). */
export function formatIp(b: Buffer): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
    // compress the longest run of zero groups (RFC 5952)
    let best = -1;
    let bestLen = 0;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== '0') {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > bestLen && j - i > 1) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (best < 0) return groups.join(':');
    return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  }
  if (b.length === 8) return `${formatIp(b.subarray(0, 4))}/${formatIp(b.subarray(4))}`;
  if (b.length === 32) return `${formatIp(b.subarray(0, 16))}/${formatIp(b.subarray(16))}`;
  return b.toString('hex');
}

export function parseGeneralName(t: Tlv): GeneralName {
  const n = contextTag(t);
  switch (n) {
    case 1:
      return { type: 'email', value: ia5(t, 'email name') };
    case 2:
      return { type: 'dns', value: ia5(t, 'DNS name') };
    case 6:
      return { type: 'uri', value: ia5(t, 'URI') };
    case 7: {
      const b = Buffer.from(value(t));
      return { type: 'ip', value: formatIp(b), bytes: b };
    }
    case 4: {
      const name = parseName(children(t)[0]);
      return { type: 'dirName', value: formatName(name), name };
    }
    case 8: {
      // registeredID is IMPLICIT OBJECT IDENTIFIER: re-tag to read it.
      const fake = { ...t, tag: Tag.OID };
      return { type: 'rid', value: readOid(fake) };
    }
    case 0: {
      const parts = children(t);
      return { type: 'other', value: `otherName:${readOid(parts[0])}`, tag: 0 };
    }
    default:
      if (n < 0) throw new PkiError('malformed', 'Invalid GeneralName');
      return { type: 'other', value: `[${n}]`, tag: n };
  }
}

export function parseGeneralNames(t: Tlv): GeneralName[] {
  return seq(t, 'GeneralNames').map(parseGeneralName);
}

/** subjectAltName / issuerAltName. An empty sequence is malformed (RFC 5280 §4.2.1.6). */
export function decodeAltNames(v: Buffer): GeneralName[] {
  const names = parseGeneralNames(readOne(v));
  if (names.length === 0) throw new PkiError('malformed', 'Invalid subjectAltName: empty');
  return names;
}

export interface BasicConstraints {
  ca: boolean;
  pathLen?: number;
}

export function decodeBasicConstraints(v: Buffer): BasicConstraints {
  const parts = seq(readOne(v), 'basicConstraints');
  const out: BasicConstraints = { ca: false };
  let i = 0;
  if (parts[i] && parts[i].tag === Tag.BOOLEAN) out.ca = readBoolean(parts[i++]);
  if (parts[i]) out.pathLen = readSmallInt(parts[i++]);
  if (parts[i]) throw new PkiError('malformed', 'Invalid basicConstraints');
  return out;
}

export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

export function decodeKeyUsage(v: Buffer): KeyUsageName[] {
  const { bytes } = readBitString(readOne(v));
  const out: KeyUsageName[] = [];
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && byte & (0x80 >> (bit & 7))) out.push(name);
  });
  return out;
}

/** OIDs of the extendedKeyUsage. */
export function decodeExtKeyUsage(v: Buffer): string[] {
  const list = seq(readOne(v), 'extKeyUsage').map(readOid);
  if (list.length === 0) throw new PkiError('malformed', 'Invalid extKeyUsage: empty');
  return list;
}

export function decodeKeyIdentifier(v: Buffer): Buffer {
  const t = readOne(v);
  if (t.tag !== Tag.OCTET_STRING) throw new PkiError('malformed', 'Invalid subjectKeyIdentifier');
  return Buffer.from(value(t));
}

export interface AuthorityKeyId {
  keyId?: Buffer;
  issuer?: GeneralName[];
  serialHex?: string;
}

export function decodeAuthorityKeyId(v: Buffer): AuthorityKeyId {
  const out: AuthorityKeyId = {};
  for (const p of seq(readOne(v), 'authorityKeyIdentifier')) {
    const n = contextTag(p);
    if (n === 0) out.keyId = Buffer.from(value(p));
    else if (n === 1) out.issuer = children(p).map(parseGeneralName);
    else if (n === 2) out.serialHex = readInteger({ ...p, tag: Tag.INTEGER }).hex;
  }
  return out;
}

export interface GeneralSubtree {
  base: GeneralName;
}

export interface NameConstraints {
  permitted?: GeneralName[];
  excluded?: GeneralName[];
}

/** nameConstraints (RFC 5280 §4.2.1.10). minimum/maximum other than 0/absent are not allowed. */
export function decodeNameConstraints(v: Buffer): NameConstraints {
  const out: NameConstraints = {};
  const parts = seq(readOne(v), 'nameConstraints');
  if (parts.length === 0) throw new PkiError('malformed', 'Invalid nameConstraints: empty');
  for (const p of parts) {
    const n = contextTag(p);
    const subtrees = children(p).map((st) => {
      const sp = seq({ ...st }, 'GeneralSubtree');
      if (sp.length > 1) {
        for (const extra of sp.slice(1)) {
          const en = contextTag(extra);
          if (en === 0 && readSmallInt({ ...extra, tag: Tag.INTEGER }) === 0) continue;
          throw new PkiError('malformed', 'Invalid nameConstraints: minimum/maximum are not allowed');
        }
      }
      return parseGeneralName(sp[0]);
    });
    if (subtrees.length === 0) throw new PkiError('malformed', 'Invalid nameConstraints: empty subtree list');
    if (n === 0) out.permitted = subtrees;
    else if (n === 1) out.excluded = subtrees;
    else throw new PkiError('malformed', 'Invalid nameConstraints');
  }
  return out;
}

export interface DistributionPoint {
  uris: string[];
  names: string[];
}

export function decodeCrlDistributionPoints(v: Buffer): DistributionPoint[] {
  return seq(readOne(v), 'cRLDistributionPoints').map((dp) => {
    const out: DistributionPoint = { uris: [], names: [] };
    for (const f of children(dp)) {
      if (contextTag(f) !== 0) continue;
      const dpn = children(f)[0];
      if (dpn && contextTag(dpn) === 0) {
        for (const gn of children(dpn).map(parseGeneralName)) {
          if (gn.type === 'uri') out.uris.push(gn.value);
          else out.names.push(gn.value);
        }
      }
    }
    return out;
  });
}

export interface AccessDescription {
  method: string;
  location: string;
}

export function decodeInfoAccess(v: Buffer): AccessDescription[] {
  return seq(readOne(v), 'authorityInfoAccess').map((ad) => {
    const [m, loc] = seq(ad, 'accessDescription');
    const oid = readOid(m);
    const method = oid === OID.ocsp ? 'OCSP' : oid === OID.caIssuers ? 'CA Issuers' : oidName(oid);
    return { method, location: parseGeneralName(loc).value };
  });
}

export interface PolicyInfo {
  oid: string;
  qualifiers: string[];
}

export function decodeCertificatePolicies(v: Buffer): PolicyInfo[] {
  return seq(readOne(v), 'certificatePolicies').map((pi) => {
    const parts = seq(pi, 'policyInformation');
    const oid = readOid(parts[0]);
    const qualifiers: string[] = [];
    if (parts[1]) {
      for (const q of seq(parts[1], 'policyQualifiers')) {
        const [qid, qv] = seq(q, 'policyQualifierInfo');
        const qoid = readOid(qid);
        if (qv && (qv.tag === Tag.IA5String || qv.tag === Tag.UTF8String || qv.tag === Tag.VisibleString)) qualifiers.push(readString(qv));
        else qualifiers.push(oidName(qoid));
      }
    }
    return { oid, qualifiers };
  });
}

/** Number of SCTs in a signed certificate timestamp list (RFC 6962 §3.3). */
export function decodeSctCount(v: Buffer): number {
  const t = readOne(v);
  const list = value(t);
  if (list.length < 2) return 0;
  const total = list.readUInt16BE(0);
  let p = 2;
  let n = 0;
  while (p + 2 <= Math.min(list.length, total + 2)) {
    const len = list.readUInt16BE(p);
    p += 2 + len;
    n++;
  }
  return n;
}

export function decodeCrlNumber(v: Buffer): string {
  return readInteger(readOne(v)).hex;
}

export { formatName };

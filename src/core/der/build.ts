/** DER building with forge.asn1 (STYLE.md §2: forge does the encoding). */
import { Asn1 as ForgeAsn1, forge } from './forge';
import { PkiError } from '../errors';
import { San, ipToBytes } from '../san';

const A = forge.asn1;
export type Asn1 = ForgeAsn1;

export function seqOf(parts: Asn1[]): Asn1 {
  return A.create(A.Class.UNIVERSAL, A.Type.SEQUENCE, true, parts);
}

export function oid(o: string): Asn1 {
  return A.create(A.Class.UNIVERSAL, A.Type.OID, false, A.oidToDer(o).getBytes());
}

export function bool(v: boolean): Asn1 {
  return A.create(A.Class.UNIVERSAL, A.Type.BOOLEAN, false, v ? '\xff' : '\x00');
}

export function octets(b: Buffer): Asn1 {
  return A.create(A.Class.UNIVERSAL, A.Type.OCTETSTRING, false, b.toString('binary'));
}

export function bitString(b: Buffer, unused = 0): Asn1 {
  return A.create(A.Class.UNIVERSAL, A.Type.BITSTRING, false, String.fromCharCode(unused) + b.toString('binary'));
}

/** A non-negative INTEGER from unsigned big-endian hex, minimally encoded (0x00 prefix when the top bit is set). */
export function uintFromHex(hex: string): Asn1 {
  let b = Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  b = b.subarray(i);
  if (b.length === 0) b = Buffer.from([0]);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return A.create(A.Class.UNIVERSAL, A.Type.INTEGER, false, b.toString('binary'));
}

export function smallInt(n: number): Asn1 {
  return uintFromHex(n.toString(16));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; seconds, Z, no fractions. */
export function time(d: Date): Asn1 {
  const whole = new Date(Math.floor(d.getTime() / 1000) * 1000);
  if (whole.getUTCFullYear() < 2050 && whole.getUTCFullYear() >= 1950) {
    return A.create(A.Class.UNIVERSAL, A.Type.UTCTIME, false, A.dateToUtcTime(whole));
  }
  return A.create(A.Class.UNIVERSAL, A.Type.GENERALIZEDTIME, false, A.dateToGeneralizedTime(whole));
}

/** GeneralName for a SAN (RFC 5280 §4.2.1.6). */
export function generalName(s: San): Asn1 {
  switch (s.type) {
    case 'email':
      return A.create(A.Class.CONTEXT_SPECIFIC, 1, false, s.value);
    case 'dns':
      return A.create(A.Class.CONTEXT_SPECIFIC, 2, false, s.value);
    case 'uri':
      return A.create(A.Class.CONTEXT_SPECIFIC, 6, false, s.value);
    case 'ip':
      return A.create(A.Class.CONTEXT_SPECIFIC, 7, false, ipToBytes(s.value).toString('binary'));
    default:
      throw new PkiError('usage', `Unsupported name type ${(s as San).type}`);
  }
}

/** Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE (omitted when false, per DER), extnValue }. */
export function extension(extOid: string, critical: boolean, valueNode: Asn1): Asn1 {
  const parts = [oid(extOid)];
  if (critical) parts.push(bool(true));
  parts.push(octets(toDer(valueNode)));
  return seqOf(parts);
}

export function toDer(node: Asn1): Buffer {
  return Buffer.from(A.toDer(node).getBytes(), 'binary');
}

/** Parses DER into a forge node (for embedding existing structures such as an SPKI or a Name). */
export function fromDer(b: Buffer): Asn1 {
  // forge's typings only declare the boolean form; the options object is what 1.x implements.
  const opts = { strict: true, decodeBitStrings: false, parseAllBytes: true } as unknown as boolean;
  return A.fromDer(b.toString('binary'), opts);
}

export function contextExplicit(n: number, inner: Asn1): Asn1 {
  return A.create(A.Class.CONTEXT_SPECIFIC, n, true, [inner]);
}

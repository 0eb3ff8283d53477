/**
 * A strict, allocation-light DER reader that keeps byte offsets.
 *
 * Why not forge.asn1.fromDer for parsing: signature checks need the exact bytes of the
 * TBSCertificate / CertificationRequestInfo / TBSCertList as they appear in the file, and
 * path validation must reject non-DER encodings (X.690 §10: definite, minimal lengths).
 * Building DER is done with forge.asn1 (see build.ts).
 */
import { PkiError } from '../errors';

/** Universal tag numbers we refer to. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8String: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  VisibleString: 0x1a,
  UniversalString: 0x1c,
  BMPString: 0x1e,
} as const;

/** One TLV: `tag` is the full identifier octet (class | constructed | number). */
export interface Tlv {
  readonly buf: Buffer;
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly valueStart: number;
  /** Offset just past the last content octet. */
  readonly end: number;
}

/** Nesting deeper than this is refused (hostile input; real certificates nest < 15). */
const MAX_DEPTH = 64;

function fail(msg: string): never {
  throw new PkiError('malformed', `Invalid DER: ${msg}`);
}

/** Reads one TLV at `offset`, not reading past `limit`. Enforces DER length rules. */
export function readTlv(buf: Buffer, offset = 0, limit = buf.length): Tlv {
  if (offset >= limit) fail('unexpected end of data');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) fail('high tag numbers are not used in X.509');
  let p = offset + 1;
  if (p >= limit) fail('truncated length');
  let len = buf[p++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) fail('indefinite length (BER) is not allowed in DER');
    if (n > 4) fail('length field too large');
    if (p + n > limit) fail('truncated length');
    if (buf[p] === 0) fail('non-minimal length encoding');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++];
    if (len < 0x80) fail('non-minimal length encoding');
  }
  const end = p + len;
  if (end > limit) fail(`length ${len} runs past the end of the data`);
  return { buf, tag, start: offset, valueStart: p, end };
}

/** Parses a whole buffer that must hold exactly one TLV. */
export function readOne(buf: Buffer): Tlv {
  const t = readTlv(buf, 0, buf.length);
  if (t.end !== buf.length) fail(`${buf.length - t.end} trailing bytes after the structure`);
  return t;
}

/** The content octets. */
export function value(t: Tlv): Buffer {
  return t.buf.subarray(t.valueStart, t.end);
}

/** The whole encoding, header included. */
export function raw(t: Tlv): Buffer {
  return t.buf.subarray(t.start, t.end);
}

export function isConstructed(t: Tlv): boolean {
  return (t.tag & 0x20) !== 0;
}

/** Context-specific tag number of `t`, or -1. */
export function contextTag(t: Tlv): number {
  return (t.tag & 0xc0) === 0x80 ? t.tag & 0x1f : -1;
}

/** The children of a constructed TLV. */
export function children(t: Tlv, depth = 0): Tlv[] {
  if (!isConstructed(t)) fail(`expected a constructed value, got tag 0x${t.tag.toString(16)}`);
  if (depth > MAX_DEPTH) fail('nesting too deep');
  const out: Tlv[] = [];
  let p = t.valueStart;
  while (p < t.end) {
    const c = readTlv(t.buf, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** Asserts the tag and returns `t`. */
export function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t) fail(`${what} is missing`);
  if (t.tag !== tag) fail(`${what}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
  return t;
}

/** Children of a SEQUENCE, checking the tag. */
export function seq(t: Tlv | undefined, what: string): Tlv[] {
  return children(expect(t, Tag.SEQUENCE, what));
}

/** Decodes an OBJECT IDENTIFIER to dotted form. */
export function readOid(t: Tlv): string {
  expect(t, Tag.OID, 'object identifier');
  const v = value(t);
  if (v.length === 0) fail('empty object identifier');
  // Builds the dotted string directly (hot path: every attribute type and extension id).
  let out = '';
  let acc = 0;
  let first = true;
  let started = false;
  for (let i = 0; i < v.length; i++) {
    const b = v[i];
    if (!started && b === 0x80) fail('non-minimal OID encoding');
    started = true;
    acc = acc * 128 + (b & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER / 128) fail('OID component too large');
    if (!(b & 0x80)) {
      if (first) {
        out = acc < 40 ? `0.${acc}` : acc < 80 ? `1.${acc - 40}` : `2.${acc - 80}`;
        first = false;
      } else out += '.' + acc;
      acc = 0;
      started = false;
    } else if (i === v.length - 1) {
      fail('truncated OID');
    }
  }
  return out;
}

/** INTEGER contents as unsigned big-endian hex (upper case, no sign byte) plus its sign. */
export function readInteger(t: Tlv): { hex: string; negative: boolean; bytes: Buffer } {
  expect(t, Tag.INTEGER, 'integer');
  const v = value(t);
  if (v.length === 0) fail('empty integer');
  if (v.length > 1 && ((v[0] === 0 && !(v[1] & 0x80)) || (v[0] === 0xff && v[1] & 0x80))) fail('non-minimal integer encoding');
  const negative = (v[0] & 0x80) !== 0;
  let bytes = v;
  if (!negative && bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  return { hex: bytes.toString('hex').toUpperCase(), negative, bytes };
}

/** A small non-negative INTEGER as a number. */
export function readSmallInt(t: Tlv): number {
  const { bytes, negative } = readInteger(t);
  if (negative) fail('negative integer where a count was expected');
  if (bytes.length > 6) fail('integer too large');
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

export function readBoolean(t: Tlv): boolean {
  expect(t, Tag.BOOLEAN, 'boolean');
  const v = value(t);
  if (v.length !== 1) fail('boolean of wrong length');
  if (v[0] !== 0 && v[0] !== 0xff) fail('boolean not DER-encoded');
  return v[0] === 0xff;
}

/** BIT STRING contents: the unused-bits count and the bytes. */
export function readBitString(t: Tlv): { unused: number; bytes: Buffer } {
  expect(t, Tag.BIT_STRING, 'bit string');
  const v = value(t);
  if (v.length === 0) fail('empty bit string');
  const unused = v[0];
  if (unused > 7 || (unused > 0 && v.length === 1)) fail('bad unused-bits count in bit string');
  return { unused, bytes: v.subarray(1) };
}

/** UTCTime / GeneralizedTime per RFC 5280 §4.1.2.5 (Z required, seconds required). */
export function readTime(t: Tlv): Date {
  // Digits are read by hand (no regex): every certificate has two times and every CRL entry one.
  const v = value(t);
  const utc = t.tag === Tag.UTCTime;
  if (!utc && t.tag !== Tag.GeneralizedTime) fail('expected a time');
  const n = utc ? 13 : 15; // YYMMDDHHMMSSZ / YYYYMMDDHHMMSSZ
  const bad = () => fail(`bad ${utc ? 'UTCTime' : 'GeneralizedTime'} "${v.toString('latin1')}"`);
  if (v.length !== n || v[n - 1] !== 0x5a) bad();
  const dd = (i: number): number => {
    const a = v[i] - 0x30;
    const b = v[i + 1] - 0x30;
    if (a < 0 || a > 9 || b < 0 || b > 9) bad();
    return a * 10 + b;
  };
  let year: number;
  let p: number;
  if (utc) {
    const yy = dd(0);
    year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 §4.1.2.5.1
    p = 2;
  } else {
    year = dd(0) * 100 + dd(2);
    p = 4;
  }
  const mo = dd(p);
  const d = dd(p + 2);
  const h = dd(p + 4);
  const mi = dd(p + 6);
  const se = dd(p + 8);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) fail(`bad time "${v.toString('latin1')}"`);
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, se));
  if (date.getUTCDate() !== d) fail(`bad time "${v.toString('latin1')}"`);
  return date;
}

/** Decodes a directory-string-like value to a JS string. */
export function readString(t: Tlv): string {
  const v = value(t);
  switch (t.tag) {
    case Tag.UTF8String:
      return v.toString('utf8');
    case Tag.PrintableString:
    case Tag.IA5String:
    case Tag.VisibleString:
    case Tag.T61String: // Teletex: latin1 is the practical reading
    case 0x12: // NumericString
      return v.toString('latin1');
    case Tag.BMPString: {
      if (v.length % 2) fail('odd-length BMPString');
      const sw = Buffer.from(v);
      sw.swap16();
      return sw.toString('utf16le');
    }
    case Tag.UniversalString: {
      if (v.length % 4) fail('bad UniversalString length');
      let s = '';
      for (let i = 0; i < v.length; i += 4) s += String.fromCodePoint(v.readUInt32BE(i) & 0x10ffff);
      return s;
    }
    default:
      return v.toString('hex');
  }
}

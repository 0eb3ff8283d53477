/**
 * The raw ASN.1 view: a bounded tree of TLVs with offsets, for the viewer's "raw ASN.1" section.
 * Bounded in depth and node count because the input is attacker-controlled. Never call it on
 * private key DER (decodeFile does not): value previews would show key material.
 */
import { PkiError, asMalformed } from '../errors';
import { oidName } from '../der/oids';
import { Tag, Tlv, readOid, readString, readTlv } from '../der/reader';
import type { Asn1Limits, Asn1Node } from '../types';

const UNIVERSAL: Record<number, string> = {
  1: 'BOOLEAN',
  2: 'INTEGER',
  3: 'BIT STRING',
  4: 'OCTET STRING',
  5: 'NULL',
  6: 'OBJECT IDENTIFIER',
  10: 'ENUMERATED',
  12: 'UTF8String',
  16: 'SEQUENCE',
  17: 'SET',
  18: 'NumericString',
  19: 'PrintableString',
  20: 'T61String',
  22: 'IA5String',
  23: 'UTCTime',
  24: 'GeneralizedTime',
  26: 'VisibleString',
  28: 'UniversalString',
  30: 'BMPString',
};

export function tagName(tag: number): string {
  const n = tag & 0x1f;
  switch (tag & 0xc0) {
    case 0x00:
      return UNIVERSAL[n] ?? `UNIVERSAL ${n}`;
    case 0x40:
      return `[APPLICATION ${n}]`;
    case 0x80:
      return `[${n}]`;
    default:
      return `[PRIVATE ${n}]`;
  }
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function hexPreview(b: Buffer, max: number): string {
  const h = b.subarray(0, Math.ceil(max / 2)).toString('hex').toUpperCase();
  return clip(h, max) + (b.length * 2 > max ? ` (${b.length} bytes)` : '');
}

function preview(t: Tlv, max: number): string | undefined {
  const v = t.buf.subarray(t.valueStart, t.end);
  try {
    switch (t.tag) {
      case Tag.BOOLEAN:
        return v[0] ? 'TRUE' : 'FALSE';
      case Tag.INTEGER:
      case Tag.ENUMERATED:
        if (v.length <= 6 && !(v[0] & 0x80)) return String(v.readUIntBE(0, v.length || 1));
        return hexPreview(v, max);
      case Tag.NULL:
        return undefined;
      case Tag.OID: {
        const oid = readOid(t);
        const name = oidName(oid);
        return name === oid ? oid : `${oid} (${name})`;
      }
      case Tag.BIT_STRING:
        return v.length ? `${v[0] ? `(${v[0]} unused bits) ` : ''}${hexPreview(v.subarray(1), max)}` : '';
      case Tag.OCTET_STRING:
        return hexPreview(v, max);
      case Tag.UTCTime:
      case Tag.GeneralizedTime:
        return v.toString('latin1');
      default:
        if ((t.tag & 0xc0) === 0 && UNIVERSAL[t.tag & 0x1f]) return clip(readString(t), max);
        // Implicitly tagged primitives ([2] dNSName, [6] URI ...): text when printable.
        if (/^[\x20-\x7e]*$/.test(v.toString('latin1'))) return clip(v.toString('latin1'), max);
        return hexPreview(v, max);
    }
  } catch {
    return hexPreview(v, max);
  }
}

/** Content that is itself one complete DER structure (extension values, SPKI keys, ECDSA signatures). */
function encapsulated(t: Tlv): Tlv | undefined {
  let start = t.valueStart;
  if (t.tag === Tag.BIT_STRING) {
    if (t.end - start < 3 || t.buf[start] !== 0) return undefined;
    start++;
    if (t.buf[start] !== Tag.SEQUENCE) return undefined;
  } else if (t.tag === Tag.OCTET_STRING) {
    if (t.end - start < 2 || ![0x30, 0x31, 0x02, 0x03, 0x04, 0x06, 0x16, 0x0c].includes(t.buf[start])) return undefined;
  } else return undefined;
  try {
    const inner = readTlv(t.buf, start, t.end);
    if (inner.end !== t.end) return undefined;
    if (inner.tag & 0x20) {
      // check the first level parses too, so random bytes are not shown as structure
      for (let p = inner.valueStart; p < inner.end; ) p = readTlv(t.buf, p, inner.end).end;
    }
    return inner;
  } catch {
    return undefined;
  }
}

/**
 * Builds the ASN.1 tree of one DER structure. Depth, node count and preview length are bounded
 * (defaults 24 levels, 2000 nodes, 80 characters); where the limits cut, nodes say `truncated`.
 * Malformed content inside a node is reported on that node (`error`); only an unreadable
 * outermost TLV throws.
 * @throws PkiError('malformed')
 */
export function asn1Tree(der: Buffer, limits: Asn1Limits = {}): Asn1Node {
  const maxDepth = limits.maxDepth ?? 24;
  const maxNodes = limits.maxNodes ?? 2000;
  const maxChars = limits.maxValueChars ?? 80;
  let count = 0;
  const build = (t: Tlv, depth: number): Asn1Node => {
    count++;
    const constructed = (t.tag & 0x20) !== 0;
    const node: Asn1Node = {
      tag: t.tag,
      tagName: tagName(t.tag),
      offset: t.start,
      headerLength: t.valueStart - t.start,
      length: t.end - t.valueStart,
      constructed,
    };
    const inner = constructed ? undefined : encapsulated(t);
    if (!constructed && !inner) {
      const v = preview(t, maxChars);
      if (v !== undefined) node.value = v;
      return node;
    }
    if (inner) {
      node.encapsulates = true;
      if (t.tag === Tag.BIT_STRING && t.buf[t.valueStart] !== 0) node.value = `(${t.buf[t.valueStart]} unused bits)`;
    }
    if (depth >= maxDepth) {
      node.truncated = true;
      return node;
    }
    node.children = [];
    try {
      if (inner) {
        if (count >= maxNodes) node.truncated = true;
        else node.children.push(build(inner, depth + 1));
      } else {
        for (let p = t.valueStart; p < t.end; ) {
          const c = readTlv(t.buf, p, t.end);
          if (count >= maxNodes) {
            node.truncated = true;
            break;
          }
          node.children.push(build(c, depth + 1));
          p = c.end;
        }
      }
    } catch (e) {
      node.error = e instanceof Error ? e.message : String(e);
    }
    return node;
  };
  return asMalformed('Not valid DER', () => {
    if (der.length === 0) throw new PkiError('malformed', 'Not valid DER: no data');
    const top = readTlv(der, 0, der.length);
    return build(top, 0);
  });
}

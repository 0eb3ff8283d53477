/**
 * X.501 Names: parsing (RFC 5280 §4.1.2.4), formatting the way openssl does, comparison
 * (RFC 5280 §7.1: case-insensitive, whitespace-folded for string types), and building.
 */
import { Asn1 as ForgeAsn1, forge } from './forge';
import { PkiError } from '../errors';
import { ATTR_SHORT, OID, oidName } from './oids';
import { Tag, Tlv, children, expect, raw, readOid, readString, seq } from './reader';

/** One attribute of a relative distinguished name. */
export interface NameAttribute {
  oid: string;
  /** Short name (CN, O, ...) or the dotted OID. */
  type: string;
  value: string;
  /** The ASN.1 string tag it was encoded with. */
  tag: number;
}

export interface ParsedName {
  /** Each RDN is a set of attributes (almost always one). */
  rdns: NameAttribute[][];
  /** The exact encoding, for byte comparison and hashing. */
  der: Buffer;
}

export function parseName(t: Tlv): ParsedName {
  const rdns: NameAttribute[][] = [];
  for (const set of seq(t, 'name')) {
    expect(set, Tag.SET, 'relative distinguished name');
    const attrs: NameAttribute[] = [];
    for (const atv of children(set)) {
      const [typ, val] = seq(atv, 'attribute');
      const oid = readOid(typ);
      if (!val) throw new PkiError('malformed', 'Invalid DER: attribute value missing');
      attrs.push({ oid, type: oidName(oid), value: readString(val), tag: val.tag });
    }
    if (attrs.length === 0) throw new PkiError('malformed', 'Invalid DER: empty RDN');
    rdns.push(attrs);
  }
  return { rdns, der: raw(t) }; // a view into the certificate, like the byte fields of x509.ts
}

const NEEDS_ESCAPE = /[,+"\\<>;=]|^[ #]| $/;

/** Escapes a value for the RFC 4514-like one-line form. */
function esc4514(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v; // fast path: almost every value
  return v.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

/** "CN=www.example.com, O=Example, C=GB" (most specific first, as browsers show it). */
export function formatName(n: ParsedName): string {
  let out = '';
  for (let i = n.rdns.length - 1; i >= 0; i--) {
    const rdn = n.rdns[i];
    if (i !== n.rdns.length - 1) out += ', ';
    for (let j = 0; j < rdn.length; j++) out += `${j ? ' + ' : ''}${rdn[j].type}=${esc4514(rdn[j].value)}`;
  }
  return out;
}

/** openssl's index.txt / `-subject` oneline form: "/C=GB/O=Example/CN=www.example.com". */
export function formatNameOpenssl(n: ParsedName): string {
  return n.rdns.map((rdn) => '/' + rdn.map((a) => `${a.type}=${a.value.replace(/\//g, '\\/')}`).join('+')).join('');
}

/** The first value of an attribute (e.g. the CN), or undefined. */
export function nameAttr(n: ParsedName, oid: string): string | undefined {
  for (const rdn of n.rdns) for (const a of rdn) if (a.oid === oid) return a.value;
  return undefined;
}

/** All values of an attribute, in order. */
export function nameAttrs(n: ParsedName, oid: string): string[] {
  const out: string[] = [];
  for (const rdn of n.rdns) for (const a of rdn) if (a.oid === oid) out.push(a.value);
  return out;
}

/** RFC 5280 §7.1 comparison form: case-folded, leading/trailing spaces removed, inner runs collapsed. */
function foldValue(a: NameAttribute): string {
  // PrintableString/UTF8String/etc. compare case-insensitively after space folding.
  const v = a.value;
  if (!/\s/.test(v)) return v.toLowerCase(); // fast path: nothing to trim or collapse
  return v.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A canonical key for name matching (issuer ↔ subject chaining). */
export function nameKey(n: ParsedName): string {
  let out = '';
  for (let i = 0; i < n.rdns.length; i++) {
    const rdn = n.rdns[i];
    if (i) out += '/';
    // A multi-valued RDN is a SET: its attributes compare in any order.
    out += rdn.length === 1 ? `${rdn[0].oid}=${foldValue(rdn[0])}` : rdn.map((a) => `${a.oid}=${foldValue(a)}`).sort().join('+');
  }
  return out;
}

/** True when two names match per RFC 5280 §7.1. */
export function namesEqual(a: ParsedName, b: ParsedName): boolean {
  return a.der.equals(b.der) || nameKey(a) === nameKey(b);
}

/** Distinguished-name input for builders. Order of output follows openssl req: C ST L O OU CN emailAddress. */
export interface DnInput {
  C?: string;
  ST?: string;
  L?: string;
  O?: string;
  OU?: string;
  CN?: string;
  emailAddress?: string;
}

export const DN_FIELDS: { key: keyof DnInput; oid: string; label: string }[] = [
  { key: 'C', oid: OID.countryName, label: 'Country (2 letters)' },
  { key: 'ST', oid: OID.stateOrProvinceName, label: 'State or province' },
  { key: 'L', oid: OID.localityName, label: 'Locality (city)' },
  { key: 'O', oid: OID.organizationName, label: 'Organization' },
  { key: 'OU', oid: OID.organizationalUnitName, label: 'Organizational unit' },
  { key: 'CN', oid: OID.commonName, label: 'Common name' },
  { key: 'emailAddress', oid: OID.emailAddress, label: 'Email address' },
];

/** Upper bounds from RFC 5280 Appendix A (ub-*). */
const MAX_LEN: Partial<Record<keyof DnInput, number>> = { C: 2, ST: 128, L: 128, O: 64, OU: 64, CN: 64, emailAddress: 255 };

/** Validates DN input; returns a list of problems in words. */
export function checkDn(dn: DnInput): string[] {
  const problems: string[] = [];
  for (const f of DN_FIELDS) {
    const v = dn[f.key];
    if (v === undefined || v === '') continue;
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (/[\u0000-\u001f\u007f]/.test(v)) problems.push(`${f.key} contains control characters`);
    const max = MAX_LEN[f.key];
    if (max && [...v].length > max) problems.push(`${f.key} is longer than ${max} characters (RFC 5280 upper bound)`);
  }
  if (dn.C !== undefined && dn.C !== '' && !/^[A-Za-z]{2}$/.test(dn.C)) problems.push('C must be a two-letter country code, e.g. GB');
  if (dn.emailAddress && !/^[\x21-\x7e]+@[\x21-\x7e]+$/.test(dn.emailAddress)) problems.push('emailAddress is not a valid ASCII email address');
  return problems;
}

/**
 * Builds a Name the way `openssl req` does with `string_mask = utf8only`: countryName as
 * PrintableString (its syntax requires it), emailAddress as IA5String, every other attribute as
 * UTF8String — never PrintableString for text that does not fit it (PKI-NOTES: "Zoë", "*").
 */
export function buildName(dn: DnInput): ForgeAsn1 {
  const problems = checkDn(dn);
  if (problems.length) throw new PkiError('usage', `Invalid subject: ${problems.join('; ')}`);
  const A = forge.asn1;
  const rdns: ForgeAsn1[] = [];
  for (const f of DN_FIELDS) {
    const v = dn[f.key];
    if (v === undefined || v === '') continue;
    const type = f.key === 'C' ? A.Type.PRINTABLESTRING : f.key === 'emailAddress' ? A.Type.IA5STRING : A.Type.UTF8;
    const bytes = type === A.Type.UTF8 ? forge.util.encodeUtf8(v) : f.key === 'C' ? v.toUpperCase() : v;
    rdns.push(
      A.create(A.Class.UNIVERSAL, A.Type.SET, true, [
        A.create(A.Class.UNIVERSAL, A.Type.SEQUENCE, true, [
          A.create(A.Class.UNIVERSAL, A.Type.OID, false, A.oidToDer(f.oid).getBytes()),
          A.create(A.Class.UNIVERSAL, type, false, bytes),
        ]),
      ]),
    );
  }
  return A.create(A.Class.UNIVERSAL, A.Type.SEQUENCE, true, rdns);
}

/** DnInput read back from a parsed name (first value of each known field). */
export function dnFromName(n: ParsedName): DnInput {
  const dn: DnInput = {};
  for (const f of DN_FIELDS) {
    const v = nameAttr(n, f.oid);
    if (v !== undefined) dn[f.key] = v;
  }
  return dn;
}

export { ATTR_SHORT };

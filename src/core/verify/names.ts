/**
 * Name syntax, host matching and name-constraint matching for the path validator.
 *
 * Host matching follows RFC 6125 §6.4 / RFC 9525 §6.3 as the CA/Browser Forum profile narrows it:
 * the subjectAltName only (no CN fallback), a wildcard only as the whole left-most label, IP
 * literals only against iPAddress entries. Name constraints follow RFC 5280 §4.2.1.10.
 */
import { isIP } from 'node:net';
import { type GeneralName, formatIp } from '../der/extensions';
import type { ParsedName } from '../der/name';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** True for a DNS name in preferred name syntax (RFC 1034 §3.5, RFC 1123 §2.1), lower-cased input. */
export function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  for (const l of labels) if (!LABEL.test(l)) return false;
  return true;
}

/** A SAN dNSName split into a wildcard flag and the base name, or undefined when malformed. */
export interface DnsPattern {
  wildcard: boolean;
  /** The name (without the "*." of a wildcard), lower case. */
  base: string;
}

/**
 * Parses a presented dNSName (RFC 5280 §4.2.1.6: preferred name syntax; the only wildcard form
 * accepted is "*." followed by a name, CA/B Forum BR "Wildcard Domain Name").
 */
export function parseDnsPattern(raw: string): DnsPattern | undefined {
  const v = raw.toLowerCase();
  if (v.startsWith('*.')) {
    const base = v.slice(2);
    return isDnsName(base) ? { wildcard: true, base } : undefined;
  }
  return isDnsName(v) ? { wildcard: false, base: v } : undefined;
}

/** IPv4 (dotted decimal, no leading zeros) or IPv6 text to bytes; undefined when not an IP literal. */
export function parseIp(text: string): Buffer | undefined {
  // Host names (the common case) are told apart without node's IPv6 regular expression.
  if (!text.includes(':') && !/^[0-9.]+$/.test(text)) return undefined;
  // node's isIP accepts a zone index ("fe80::1%eth0"); certificates cannot name one.
  if (text.includes('%')) return undefined;
  const fam = isIP(text);
  if (fam === 4) {
    const parts = text.split('.');
    if (parts.some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
    return Buffer.from(parts.map(Number));
  }
  if (fam !== 6) return undefined;
  let s = text;
  const lastColon = s.lastIndexOf(':');
  const tail4 = s.slice(lastColon + 1);
  if (tail4.includes('.')) {
    // An embedded IPv4 tail ("::ffff:192.0.2.1") is two 16-bit groups.
    const o = tail4.split('.').map(Number);
    s = s.slice(0, lastColon + 1) + ((o[0] << 8) | o[1]).toString(16) + ':' + ((o[2] << 8) | o[3]).toString(16);
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8) return undefined;
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

/** Canonical text of an address (RFC 5952 for IPv6), as CA/B Forum BR §7.1.4.3 wants it in a CN. */
export function ipText(b: Buffer): string {
  return formatIp(b);
}

/** Does the presented identifier `pattern` cover the reference host `host` (both lower case)? */
export function dnsMatches(pattern: DnsPattern, host: string): boolean {
  if (!pattern.wildcard) return pattern.base === host;
  // RFC 6125 §6.4.3: "*" matches exactly one whole label, the left-most one.
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === pattern.base;
}

// ------------------------------------------------------------------------- name constraints

/** A name constraint subtree parsed for matching; `invalid` explains a malformed base. */
export type Subtree =
  | { kind: 'dns'; base: string; text: string }
  | { kind: 'ip'; addr: Buffer; mask: Buffer; text: string }
  | { kind: 'email'; form: 'mailbox' | 'host' | 'domain'; local?: string; host: string; text: string }
  | { kind: 'uri'; domain: boolean; host: string; text: string }
  | { kind: 'dirName'; rdnKeys: string[]; text: string }
  | { kind: 'other'; tag: number; text: string }
  | { kind: 'invalid'; text: string; reason: string };

function maskIsCidr(mask: Buffer): boolean {
  let seenZero = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const on = (byte >> bit) & 1;
      if (on && seenZero) return false;
      if (!on) seenZero = true;
    }
  }
  return true;
}

/** An RFC 822 mailbox: local part and lower-cased domain, or undefined when malformed. */
export function parseMailbox(v: string): { local: string; host: string } | undefined {
  const at = v.indexOf('@');
  if (at <= 0 || at !== v.lastIndexOf('@')) return undefined;
  const local = v.slice(0, at);
  const host = v.slice(at + 1).toLowerCase();
  // The local part: printable ASCII without spaces (RFC 5321 §4.1.2 dot-string / quoted-string characters).
  for (let i = 0; i < local.length; i++) {
    const ch = local.charCodeAt(i);
    if (ch <= 0x20 || ch >= 0x7f) return undefined;
  }
  if (!isDnsName(host)) return undefined;
  return { local, host };
}

/** The host of a URI (RFC 3986 §3.2.2), lower case; '' when the URI has no authority. */
export function uriHost(uri: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:(\/\/([^/?#]*))?/.exec(uri);
  if (!m) return undefined;
  if (m[1] === undefined) return '';
  let auth = m[2];
  const at = auth.lastIndexOf('@');
  if (at >= 0) auth = auth.slice(at + 1);
  if (auth.startsWith('[')) return auth.slice(0, auth.indexOf(']') + 1).toLowerCase();
  const colon = auth.indexOf(':');
  return (colon >= 0 ? auth.slice(0, colon) : auth).toLowerCase();
}

/** Canonical comparison keys of each RDN (RFC 5280 §7.1), for directoryName prefix matching. */
export function rdnKeys(n: ParsedName): string[] {
  return n.rdns.map((rdn) =>
    rdn
      .map((a) => `${a.oid}=${a.value.trim().replace(/\s+/g, ' ').toLowerCase()}`)
      .sort()
      .join('+'),
  );
}

/** Parses one GeneralSubtree base (RFC 5280 §4.2.1.10 gives the syntax of each form). */
export function parseSubtree(g: GeneralName): Subtree {
  switch (g.type) {
    case 'dns': {
      // "DNS name restrictions are expressed as host.example.com": no wildcard, no leading period.
      const v = g.value.toLowerCase();
      if (v === '') return { kind: 'dns', base: '', text: 'DNS:(any)' };
      if (!isDnsName(v)) return { kind: 'invalid', text: `DNS:${g.value}`, reason: 'not a DNS name in preferred syntax' };
      return { kind: 'dns', base: v, text: `DNS:${v}` };
    }
    case 'ip': {
      const b = g.bytes;
      if (b.length !== 8 && b.length !== 32) return { kind: 'invalid', text: `IP:${b.toString('hex')}`, reason: 'an iPAddress constraint is an address and a mask (8 or 32 octets)' };
      const half = b.length / 2;
      const addr = b.subarray(0, half);
      const mask = b.subarray(half);
      if (!maskIsCidr(mask)) return { kind: 'invalid', text: `IP:${g.value}`, reason: 'the mask is not a CIDR prefix' };
      return { kind: 'ip', addr, mask, text: `IP:${g.value}` };
    }
    case 'email': {
      const v = g.value;
      if (v.includes('@')) {
        const mb = parseMailbox(v);
        return mb ? { kind: 'email', form: 'mailbox', local: mb.local, host: mb.host, text: `email:${v}` } : { kind: 'invalid', text: `email:${v}`, reason: 'not a mailbox' };
      }
      if (v.startsWith('.')) {
        const h = v.slice(1).toLowerCase();
        return isDnsName(h) ? { kind: 'email', form: 'domain', host: h, text: `email:${v}` } : { kind: 'invalid', text: `email:${v}`, reason: 'not a domain' };
      }
      const h = v.toLowerCase();
      return isDnsName(h) ? { kind: 'email', form: 'host', host: h, text: `email:${v}` } : { kind: 'invalid', text: `email:${v}`, reason: 'not a host name' };
    }
    case 'uri': {
      const v = g.value;
      const domain = v.startsWith('.');
      const h = (domain ? v.slice(1) : v).toLowerCase();
      return isDnsName(h) ? { kind: 'uri', domain, host: h, text: `URI:${v}` } : { kind: 'invalid', text: `URI:${v}`, reason: 'not a host or domain' };
    }
    case 'dirName':
      return { kind: 'dirName', rdnKeys: rdnKeys(g.name), text: `DirName:${g.value}` };
    case 'other':
      return { kind: 'other', tag: g.tag, text: g.value };
    case 'rid':
      return { kind: 'other', tag: 8, text: `RID:${g.value}` };
  }
}

/** The names of a certificate that name constraints apply to (RFC 5280 §4.2.1.10, §6.1.3 (b)). */
export type ConstrainedName =
  | { kind: 'dns'; raw: string; pattern?: DnsPattern }
  | { kind: 'ip'; bytes: Buffer }
  | { kind: 'email'; raw: string; mailbox?: { local: string; host: string } }
  | { kind: 'uri'; raw: string; host?: string }
  | { kind: 'dirName'; rdnKeys: string[]; text: string }
  | { kind: 'other'; tag: number; text: string };

function dnsWithin(name: string, base: string): boolean {
  return base === '' || name === base || name.endsWith('.' + base);
}

/**
 * Does `name` fall inside `subtree`? For a permitted subtree the whole name must be inside; for
 * an excluded one any overlap counts (`mode`). A wildcard SAN "*.example.com" stands for every
 * name one label under example.com (CVE-2025-61727: be defensive both ways).
 */
export function nameInSubtree(name: ConstrainedName, st: Subtree, mode: 'permitted' | 'excluded'): boolean {
  switch (st.kind) {
    case 'dns': {
      if (name.kind !== 'dns' || !name.pattern) return false;
      const p = name.pattern;
      if (!p.wildcard) return dnsWithin(p.base, st.base);
      if (dnsWithin(p.base, st.base)) return true;
      // Excluded "bar.example.com" overlaps "*.example.com".
      if (mode === 'excluded') {
        const dot = st.base.indexOf('.');
        return dot > 0 && st.base.slice(dot + 1) === p.base;
      }
      return false;
    }
    case 'ip': {
      if (name.kind !== 'ip' || name.bytes.length !== st.addr.length) return false;
      for (let i = 0; i < st.addr.length; i++) if ((name.bytes[i] & st.mask[i]) !== (st.addr[i] & st.mask[i])) return false;
      return true;
    }
    case 'email': {
      if (name.kind !== 'email' || !name.mailbox) return false;
      const mb = name.mailbox;
      if (st.form === 'mailbox') return mb.local === st.local && mb.host === st.host;
      if (st.form === 'host') return mb.host === st.host;
      return mb.host.endsWith('.' + st.host);
    }
    case 'uri': {
      if (name.kind !== 'uri' || !name.host) return false;
      return st.domain ? name.host.endsWith('.' + st.host) : name.host === st.host;
    }
    case 'dirName': {
      if (name.kind !== 'dirName' || name.rdnKeys.length < st.rdnKeys.length) return false;
      for (let i = 0; i < st.rdnKeys.length; i++) if (name.rdnKeys[i] !== st.rdnKeys[i]) return false;
      return true;
    }
    case 'other':
      return name.kind === 'other' && name.tag === st.tag;
    case 'invalid':
      return false;
  }
}

/** True when a name of this kind is well formed enough to be compared at all. */
export function nameIsWellFormed(n: ConstrainedName): boolean {
  switch (n.kind) {
    case 'dns':
      return !!n.pattern;
    case 'ip':
      return n.bytes.length === 4 || n.bytes.length === 16;
    case 'email':
      return !!n.mailbox;
    case 'uri':
      return n.host !== undefined;
    default:
      return true;
  }
}

export function describeName(n: ConstrainedName): string {
  switch (n.kind) {
    case 'dns':
      return `DNS:${n.raw}`;
    case 'ip':
      return `IP:${n.bytes.length === 4 || n.bytes.length === 16 ? ipText(n.bytes) : n.bytes.toString('hex')}`;
    case 'email':
      return `email:${n.raw}`;
    case 'uri':
      return `URI:${n.raw}`;
    case 'dirName':
      return `DirName:${n.text}`;
    case 'other':
      return n.text;
  }
}

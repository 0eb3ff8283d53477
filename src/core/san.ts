/**
 * Subject alternative names as users type them ("DNS:www.example.com,IP:127.0.0.1"), validated
 * where they are typed: a bad IP or DNS name is refused with a reason.
 */
import { isIP } from 'node:net';
import { PkiError } from './errors';

export type SanType = 'dns' | 'ip' | 'email' | 'uri';
export interface San {
  type: SanType;
  value: string;
}

const PREFIX: Record<string, SanType> = { dns: 'dns', ip: 'ip', email: 'email', uri: 'uri' };

/** Problem with a DNS name (RFC 1035 preferred syntax, wildcard only as the whole left-most label), or undefined. */
export function dnsNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the DNS name is empty';
  if (name.length > 253) return 'a DNS name has at most 253 characters';
  if (name.endsWith('.')) return 'remove the trailing dot';
  if (/[^\x21-\x7e]/.test(name)) return 'DNS names are ASCII: write internationalised names in punycode (xn--...)';
  if (isIP(name)) return `${name} is an IP address: use IP:${name}`;
  const labels = name.split('.');
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === '*' && i === 0) {
      if (labels.length < 3) return 'a wildcard needs at least two labels after it (*.example.com)';
      continue;
    }
    if (l.includes('*')) return 'a wildcard may only be the whole left-most label (*.example.com)';
    if (l.length === 0) return 'empty label (two dots in a row)';
    if (l.length > 63) return `the label "${l.slice(0, 20)}..." is longer than 63 characters`;
    if (!/^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?$/.test(l)) return `"${l}" is not a valid DNS label (letters, digits, hyphens; no leading or trailing hyphen)`;
  }
  return undefined;
}

export function emailProblem(v: string): string | undefined {
  const at = v.lastIndexOf('@');
  if (at <= 0 || at === v.length - 1) return 'an email address needs a local part and a domain (name@example.com)';
  if (/[^\x21-\x7e]/.test(v)) return 'email addresses here must be ASCII';
  return dnsNameProblem(v.slice(at + 1));
}

export function uriProblem(v: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v)) return 'a URI needs a scheme (https://..., spiffe://...)';
  if (/[^\x21-\x7e]/.test(v)) return 'URIs must be ASCII (percent-encode other characters)';
  return undefined;
}

/** Validates one SAN; returns the normalised SAN or throws PkiError('usage'). */
export function checkSan(s: San): San {
  const v = s.value.trim();
  let problem: string | undefined;
  switch (s.type) {
    case 'dns':
      problem = dnsNameProblem(v);
      return problem ? bad(s, problem) : { type: 'dns', value: v.toLowerCase() };
    case 'ip':
      return isIP(v) ? { type: 'ip', value: v } : bad(s, 'not an IPv4 or IPv6 address');
    case 'email':
      problem = emailProblem(v);
      return problem ? bad(s, problem) : { type: 'email', value: v };
    case 'uri':
      problem = uriProblem(v);
      return problem ? bad(s, problem) : { type: 'uri', value: v };
    default:
      return bad(s, 'unknown type');
  }
}

function bad(s: San, why: string): never {
  throw new PkiError('usage', `Invalid subject alternative name ${formatSan(s)}: ${why}`);
}

/** "DNS:a.example,IP:10.0.0.1" → SANs. A bare value is a DNS name, or an IP when it parses as one. */
export function parseSans(text: string): San[] {
  const out: San[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = part.match(/^([A-Za-z]+):(.*)$/);
    let san: San;
    if (m && PREFIX[m[1].toLowerCase()]) san = { type: PREFIX[m[1].toLowerCase()], value: m[2] };
    else if (m && !/^\/\//.test(m[2]) && !isIP(part)) throw new PkiError('usage', `Invalid subject alternative name "${part}": the type must be DNS, IP, email or URI`);
    else san = { type: isIP(part) ? 'ip' : 'dns', value: part };
    out.push(checkSan(san));
  }
  return dedupeSans(out);
}

export function dedupeSans(sans: San[]): San[] {
  const seen = new Set<string>();
  return sans.filter((s) => {
    const k = `${s.type}:${s.type === 'dns' ? s.value.toLowerCase() : s.value}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function formatSan(s: San): string {
  return `${{ dns: 'DNS', ip: 'IP', email: 'email', uri: 'URI' }[s.type] ?? s.type}:${s.value}`;
}

/** A SAN implied by a common name that is a host name or IP (what users mean by "CN=www.example.com"). */
export function sanFromCommonName(cn: string | undefined): San | undefined {
  if (!cn) return undefined;
  if (isIP(cn)) return { type: 'ip', value: cn };
  if (!dnsNameProblem(cn) && cn.includes('.')) return { type: 'dns', value: cn.toLowerCase() };
  if (cn.toLowerCase() === 'localhost') return { type: 'dns', value: 'localhost' };
  return undefined;
}

/** IP address text to bytes (4 or 16). */
export function ipToBytes(ip: string): Buffer {
  const v = isIP(ip);
  if (v === 4) return Buffer.from(ip.split('.').map(Number));
  if (v === 6) {
    let [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
    let v4tail: number[] = [];
    const fix = (s: string) => {
      const groups = s ? s.split(':') : [];
      const last = groups[groups.length - 1];
      if (last && last.includes('.')) {
        groups.pop();
        v4tail = last.split('.').map(Number);
      }
      return groups;
    };
    const h = fix(head);
    const t = tail !== undefined ? fix(tail) : [];
    head = '';
    tail = '';
    const total = 8 - (v4tail.length ? 2 : 0);
    const zeros = ip.includes('::') ? total - h.length - t.length : 0;
    const groups = [...h, ...Array(zeros).fill('0'), ...t];
    const b = Buffer.alloc(16);
    groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
    v4tail.forEach((n, i) => (b[12 + i] = n));
    return b;
  }
  throw new PkiError('usage', `"${ip}" is not an IP address`);
}

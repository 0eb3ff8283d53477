/**
 * `workspace-ca verify <leaf.pem> --ca <trusted.pem> [--untrusted <intermediates.pem>]
 *   [--host <dns-name-or-ip>] [--at <ISO-8601>] [--purpose serverAuth|clientAuth] [--json]`
 * Exit 0 valid, 1 invalid (reasons printed), 2 usage error or unreadable input.
 */
import { readFileSync } from 'node:fs';
import { PURPOSES, Purpose, VerifyResult, verifyFiles } from '../../core/verify';
import { flag, list, parseArgs, str, usageError } from '../args';
import { Verb } from '../io';
import { readInput } from '../common';

const SPECS = [
  { name: 'ca', value: true, repeat: true, arg: 'FILE', help: 'trusted certificates (a root, or a ca-chain file: every certificate in it is trusted)' },
  { name: 'untrusted', value: true, repeat: true, arg: 'FILE', help: 'intermediate certificates that may be used to build the chain' },
  { name: 'host', value: true, arg: 'NAME', help: 'DNS name or IP address the certificate must be valid for' },
  { name: 'at', value: true, arg: 'TIME', help: 'validation time, ISO 8601 (default: now)' },
  { name: 'purpose', value: true, arg: 'P', help: 'serverAuth or clientAuth (default: serverAuth when --host is given)' },
  { name: 'json', help: 'print one JSON object instead of text' },
];

const HELP = `Usage: workspace-ca verify <cert.pem> --ca <trusted.pem> [options]

Builds a chain from the certificate to a trusted certificate and checks it (RFC 5280 §6.1,
CA/Browser Forum name rules): signatures, validity, CA flags, path length, key usage,
extended key usage, name constraints, host name, weak crypto.

Options:
${SPECS.map((s) => `  --${s.name}${s.arg ? ' ' + s.arg : ''}`.padEnd(24) + s.help).join('\n')}

If <cert.pem> holds several certificates, the first is verified and the rest are used as
untrusted intermediates. --ca and --untrusted may be repeated.

Exit status: 0 valid, 1 invalid (reasons printed), 2 usage error or unreadable input.

Examples:
  workspace-ca verify certs/www.cert.pem --ca certs/ca-chain.cert.pem --host www.example.com
  workspace-ca verify server.pem --ca root.pem --untrusted intermediate.pem --json
`;

/** Parses --at: ISO 8601 with a date and, optionally, a time and zone (UTC when none is given). */
export function parseAt(v: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(v.trim());
  if (!m) throw usageError(`--at must be an ISO 8601 time such as 2025-01-31T12:00:00Z, not "${v}"`);
  const zone = m[8] && m[8] !== 'Z' ? m[8].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : 'Z';
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ?? ''}${zone}`;
  const d = new Date(iso);
  // Date() rolls 2025-02-30 over to March: compare the calendar date of a UTC-zoned input.
  if (Number.isNaN(d.getTime()) || (zone === 'Z' && d.toISOString().slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}`)) {
    throw usageError(`--at is not a valid date: "${v}"`);
  }
  return d;
}

/** Human-readable report. */
export function formatResult(r: VerifyResult): string {
  const lines: string[] = [];
  const leaf = r.chain[0];
  lines.push(r.valid ? `OK: ${leaf ? `'${leaf.subject}'` : 'the certificate'} is valid${r.host ? ` for ${r.host}` : ''}${r.purpose ? ` (${r.purpose})` : ''} at ${r.at}` : `INVALID: the certificate is not valid${r.host ? ` for ${r.host}` : ''} at ${r.at}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  if (r.chain.length) {
    lines.push(r.valid ? 'Chain:' : 'Closest chain found:');
    r.chain.forEach((c, i) => lines.push(`  ${i}. [${c.role}${c.trusted ? ', trusted' : ''}] ${c.subject}  (serial ${c.serial}, ${c.notBefore.slice(0, 10)} .. ${c.notAfter.slice(0, 10)})`));
  }
  const fails = r.checks.filter((c) => c.status === 'fail');
  if (fails.length) {
    lines.push('Problems:');
    for (const f of fails) {
      lines.push(`  - ${f.message}`);
      if (f.fix) lines.push(`    fix: ${f.fix}`);
    }
  }
  return lines.join('\n') + '\n';
}

export const verifyVerb: Verb = {
  name: 'verify',
  summary: 'check a certificate chain: signatures, dates, CA rules, name constraints, host',
  help: HELP,
  async run(argv, io) {
    const p = parseArgs(argv, SPECS, 1);
    const file = p.positionals[0];
    if (!file) throw usageError('which certificate? workspace-ca verify <cert.pem> --ca <trusted.pem>');
    const cas = list(p, 'ca');
    if (cas.length === 0) throw usageError('--ca <trusted.pem> is required: the root (or chain file) you trust');
    const purposeText = str(p, 'purpose');
    if (purposeText !== undefined && !(PURPOSES as readonly string[]).includes(purposeText)) throw usageError(`--purpose must be serverAuth or clientAuth, not "${purposeText}"`);
    const atText = str(p, 'at');
    const now = atText !== undefined ? parseAt(atText) : io.now();
    const host = str(p, 'host');
    if (host !== undefined && host.trim() === '') throw usageError('--host needs a DNS name or an IP address');

    const leaf = readInput(io, file, 'the certificate');
    const anchors = cas.map((f) => readInput(io, f, 'the trusted file'));
    const untrusted = list(p, 'untrusted').map((f) => readInput(io, f, 'the untrusted file'));
    const result = verifyFiles({
      leaf,
      anchors,
      intermediates: untrusted,
      now,
      host,
      purpose: purposeText as Purpose | undefined,
      isPublicSuffix: systemPublicSuffixes(),
    });
    if (flag(p, 'json')) io.out(JSON.stringify(result, null, 2) + '\n');
    else io.out(formatResult(result));
    return result.valid ? 0 : 1;
  },
};

/**
 * The Public Suffix List when the system has it (Debian/Ubuntu package `publicsuffix`); without
 * it only single-label suffixes ("com") count, as core's own fallback does.
 */
function systemPublicSuffixes(): (name: string) => boolean {
  let rules: { exact: Set<string>; wild: Set<string>; except: Set<string> } | null | undefined;
  const load = () => {
    let text: string;
    try {
      text = readFileSync('/usr/share/publicsuffix/public_suffix_list.dat', 'utf8');
    } catch {
      return null;
    }
    const r = { exact: new Set<string>(), wild: new Set<string>(), except: new Set<string>() };
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('//')) continue;
      const rule = line.split(/\s/)[0].toLowerCase();
      if (rule.startsWith('!')) r.except.add(rule.slice(1));
      else if (rule.startsWith('*.')) r.wild.add(rule.slice(2));
      else r.exact.add(rule);
    }
    return r;
  };
  // Loaded on first use: most verifications never meet a wildcard.
  return (name: string) => {
    if (rules === undefined) rules = load();
    const n = name.toLowerCase();
    if (!n.includes('.')) return true; // every TLD is a public suffix (the PSL's implicit "*" rule)
    if (!rules) return false;
    if (rules.except.has(n)) return false;
    if (rules.exact.has(n)) return true;
    const dot = n.indexOf('.');
    return dot > 0 && rules.wild.has(n.slice(dot + 1));
  };
}

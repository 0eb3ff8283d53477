/**
 * `workspace-ca lint <file>... [--issuer FILE] [--index FILE] [--at ISO] [--warn-days N] [--json]`
 * Lints every certificate in the files (src/core/lint.ts). Exit 0 no error-level finding,
 * 1 at least one error, 2 usage error or unreadable input.
 */
import { IndexEntry, parseIndex } from '../../core/ca/indexTxt';
import { ParsedCertificate, parseCertificate } from '../../core/der/x509';
import { PkiError } from '../../core/errors';
import { CertificateLint, Finding, lintFile } from '../../core/lint';
import { certificatesFromBytes } from '../../core/verify';
import { OptionSpec, flag, int, list, parseArgs, str, usageError } from '../args';
import { helpText, readInput } from '../common';
import { Verb } from '../io';
import { parseAt } from './verify';

const SPECS: OptionSpec[] = [
  { name: 'issuer', value: true, repeat: true, arg: 'FILE', help: 'issuing CA certificate(s), for validity and name-constraint rules (certificates in the same file are used too)' },
  { name: 'index', value: true, arg: 'FILE', help: "the issuing CA's index.txt, for the duplicate-serial rule" },
  { name: 'at', value: true, arg: 'TIME', help: 'time for expiry findings, ISO 8601 (default: now)' },
  { name: 'warn-days', value: true, arg: 'N', help: 'warn this many days before expiry (default 30)' },
  { name: 'no-expiry', help: 'leave out expired / expiring / not-yet-valid findings' },
  { name: 'json', help: 'print one JSON object' },
];

function withFile(file: string, fn: () => CertificateLint[]): CertificateLint[] {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PkiError) throw new PkiError(e.code, `${file}: ${e.message}`);
    throw e;
  }
}

/** "error    code  message" lines with the fix indented below. */
export function formatFindings(findings: Finding<string>[], indent = '  '): string[] {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${indent}${f.severity.padEnd(7)} ${f.code}: ${f.message}`);
    if (f.fix) lines.push(`${indent}${' '.repeat(8)}fix: ${f.fix}`);
  }
  return lines;
}

export const lintVerb: Verb = {
  name: 'lint',
  summary: 'check certificates for private-CA mistakes (SAN, key size, SHA-1, validity, CA flags, ...)',
  help: helpText(
    'workspace-ca lint <cert.pem>... [--issuer ca.pem] [--index index.txt] [--at TIME] [--json]',
    'Lints every certificate in the files: missing SAN on TLS servers, RSA < 2048, SHA-1/MD5, validity over 825 days (Apple refuses it) or 398 days, missing serverAuth, CA basicConstraints/keyUsage, name constraints, serials, v1, unknown critical extensions, expiry.\nExit status: 0 no errors, 1 at least one error-level finding, 2 usage error or unreadable input.',
    SPECS,
    ['workspace-ca lint ca/intermediate/certs/www.cert.pem --issuer ca/intermediate/certs/intermediate.cert.pem', 'workspace-ca lint fullchain.pem --json'],
  ),
  async run(argv, io) {
    const p = parseArgs(argv, SPECS);
    if (p.positionals.length === 0) throw usageError('lint needs a certificate file');
    const now = str(p, 'at') !== undefined ? parseAt(str(p, 'at')!) : io.now();
    const issuers: ParsedCertificate[] = list(p, 'issuer').flatMap((f) => certificatesFromBytes(readInput(io, f, 'the issuer file'), f).map(parseCertificate));
    let index: IndexEntry[] | undefined;
    const indexFile = str(p, 'index');
    if (indexFile) index = parseIndex(readInput(io, indexFile, 'the index file').toString('utf8'));
    const warnDays = int(p, 'warn-days', 0, 3650);
    const files = p.positionals.map((file) => ({
      file,
      certificates: withFile(file, () => lintFile(readInput(io, file, 'the certificate file'), { now, issuers, index, warnDays, expiry: !flag(p, 'no-expiry') })),
    }));
    const all = files.flatMap((f) => f.certificates.flatMap((c) => c.findings));
    const count = (s: string) => all.filter((f) => f.severity === s).length;
    const summary = { errors: count('error'), warnings: count('warning'), infos: count('info') };
    if (flag(p, 'json')) {
      io.out(JSON.stringify({ at: now.toISOString(), files, summary }, null, 2) + '\n');
    } else {
      for (const f of files) {
        for (const c of f.certificates) {
          const where = c.startLine !== undefined ? ` (lines ${c.startLine + 1}-${(c.endLine ?? c.startLine) + 1})` : '';
          const n = f.certificates.length > 1 ? ` #${c.index + 1}` : '';
          io.out(`${f.file}${n}${where}: ${c.subject || c.label}\n`);
          if (c.findings.length === 0) io.out('  ok: no findings\n');
          else io.out(formatFindings(c.findings).join('\n') + '\n');
        }
      }
      const certs = files.reduce((a, f) => a + f.certificates.length, 0);
      io.out(`${summary.errors} error${summary.errors === 1 ? '' : 's'}, ${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}, ${summary.infos} note${summary.infos === 1 ? '' : 's'} in ${certs} certificate${certs === 1 ? '' : 's'}\n`);
    }
    return summary.errors > 0 ? 1 : 0;
  },
};

/**
 * `workspace-ca inspect <file>`: decodes every certificate, CSR, CRL, key, PKCS#7 bundle or
 * PKCS#12 file and prints it the way a compact `openssl x509 -text` would (or JSON with --json).
 * Printing only: src/core/decode does the work.
 */
import { decodeFile } from '../../core/decode';
import type { CertificateInfo, CrlInfo, CsrInfo, DecodedBlock, ExtensionInfo, NameInfo, PrivateKeyInfo, PublicKeyInfo } from '../../core/types';
import { flag, parseArgs, usageError } from '../args';
import { PASS_OPTS, passphraseFrom, readInput } from '../common';
import { Verb } from '../io';
import { safeField, safeJson } from '../terminal';

const OPTS = [{ name: 'json', help: 'print the decoded blocks as JSON' }, ...PASS_OPTS];

const HELP = `Usage: workspace-ca inspect <file> [--json] [--passphrase-env VAR | --passphrase-file FILE]

Decodes every block of a file: PEM (any number of certificates, CSRs, CRLs, keys, PKCS#7
bundles, text around them is ignored) or DER (certificate, CSR, CRL, PKCS#8/PKCS#1/SEC1 key,
public key, PKCS#7, PKCS#12). Private keys are summarised (type, size, encryption), never shown.

Options:
  --json                   print JSON (an object with "file" and "blocks")
  --passphrase-env VAR     PKCS#12 password from environment variable VAR
  --passphrase-file FILE   PKCS#12 password from the first line of FILE

Exit status: 0 when every block decoded, 2 when the file or a block could not be read.

Examples:
  workspace-ca inspect /etc/ssl/certs/ca-certificates.crt
  workspace-ca inspect server.p12 --passphrase-env P12_PASSWORD
  workspace-ca inspect request.csr --json`;

function name(n: NameInfo): string {
  return n.text || '(empty)';
}

function extLines(exts: ExtensionInfo[], indent: string): string[] {
  const out: string[] = [];
  for (const e of exts) {
    out.push(`${indent}${e.name}${e.name === e.oid ? '' : ` (${e.oid})`}:${e.critical ? ' critical' : ''}`);
    out.push(`${indent}    ${e.error ? `(could not decode: ${e.error}) ` : ''}${e.text}`);
  }
  return out;
}

function keyLine(k: { description: string; algorithmOid?: string }): string {
  return k.description;
}

function certificateText(c: CertificateInfo): string[] {
  const out = [
    'Certificate:',
    `    Version: ${c.version} (0x${(c.version - 1).toString(16)})`,
    `    Serial Number: ${c.serialNegative ? '(Negative) ' : ''}${c.serial}`,
    `    Signature Algorithm: ${c.signatureAlgorithm.name}`,
    `    Issuer: ${name(c.issuer)}`,
    '    Validity',
    `        Not Before: ${c.notBefore}`,
    `        Not After : ${c.notAfter}`,
    `    Subject: ${name(c.subject)}`,
    `    Public Key: ${keyLine(c.key)}`,
  ];
  if (c.extensions.length) out.push('    Extensions:', ...extLines(c.extensions, '        '));
  out.push(
    '    Fingerprints:',
    `        SHA-256: ${c.fingerprints.sha256}`,
    `        SHA-1:   ${c.fingerprints.sha1}`,
    `        Public key SHA-256: ${c.fingerprints.spkiSha256.base64}`,
  );
  return out;
}

function csrText(r: CsrInfo): string[] {
  const out = [
    'Certificate Request:',
    `    Version: ${r.version} (0x${(r.version - 1).toString(16)})`,
    `    Subject: ${name(r.subject)}`,
    `    Public Key: ${keyLine(r.key)}`,
    `    Signature Algorithm: ${r.signatureAlgorithm.name}`,
    `    Signature: ${r.signatureValid ? 'valid (self-signed by the request key)' : `NOT VALID: ${r.signatureProblem ?? 'verification failed'}`}`,
  ];
  for (const a of r.attributes) out.push(`    Attribute ${a.name}: ${a.name === 'challengePassword' ? '(hidden)' : a.values.join(', ')}`);
  if (r.extensions.length) out.push('    Requested Extensions:', ...extLines(r.extensions, '        '));
  out.push(`    Public key SHA-256: ${r.spkiSha256.base64}`);
  return out;
}

function crlText(c: CrlInfo): string[] {
  const out = [
    'Certificate Revocation List (CRL):',
    `    Version: ${c.version} (0x${(c.version - 1).toString(16)})`,
    `    Signature Algorithm: ${c.signatureAlgorithm.name}`,
    `    Issuer: ${name(c.issuer)}`,
    `    Last Update: ${c.thisUpdate}`,
    `    Next Update: ${c.nextUpdate ?? 'NONE'}`,
  ];
  if (c.crlNumber) out.push(`    CRL Number: ${c.crlNumber}`);
  if (c.extensions.length) out.push('    Extensions:', ...extLines(c.extensions, '        '));
  out.push(c.entries.length ? `    Revoked Certificates (${c.entries.length}):` : '    No Revoked Certificates.');
  for (const e of c.entries) {
    out.push(`        Serial Number: ${e.serial}  Revoked: ${e.revocationDate}${e.reason ? `  Reason: ${e.reason}` : ''}${e.invalidityDate ? `  Invalid since: ${e.invalidityDate}` : ''}`);
  }
  return out;
}

function privateKeyText(k: PrivateKeyInfo, title = 'Private Key'): string[] {
  const out = [
    `${title}: ${k.encrypted && k.type === 'unknown' ? 'encrypted (type hidden until decrypted)' : k.description}`,
    `    Format: ${k.format}${k.encrypted ? ', encrypted' : ''}`,
  ];
  if (k.encryption) out.push(`    Encryption: ${k.encryption}`);
  if (k.spkiSha256) out.push(`    Public key SHA-256: ${k.spkiSha256.base64}`);
  return out;
}

function publicKeyText(k: PublicKeyInfo): string[] {
  return [`Public Key: ${k.description}`, `    Format: ${k.format === 'spki' ? 'SubjectPublicKeyInfo' : 'PKCS#1 RSAPublicKey'}`, `    Public key SHA-256: ${k.spkiSha256.base64}`];
}

function where(b: DecodedBlock): string {
  const s = b.source;
  const lines = s.startLine === undefined ? '' : s.endLine === undefined ? `, line ${s.startLine + 1}` : `, lines ${s.startLine + 1}-${s.endLine + 1}`;
  return `${s.label}${s.container ? ` in PKCS#7` : ''}${lines}`;
}

/** Human-readable text for one block. */
export function blockText(b: DecodedBlock): string[] {
  const head = `# ${b.source.index + 1}: ${where(b)}`;
  if (b.error) return [head, `Error: ${b.error.message}`];
  switch (b.kind) {
    case 'certificate':
      return b.info ? [head, ...certificateText(b.info)] : [head];
    case 'csr':
      return b.info ? [head, ...csrText(b.info)] : [head];
    case 'crl':
      return b.info ? [head, ...crlText(b.info)] : [head];
    case 'privateKey':
      return b.info ? [head, ...privateKeyText(b.info)] : [head];
    case 'publicKey':
      return b.info ? [head, ...publicKeyText(b.info)] : [head];
    case 'pkcs12': {
      if (!b.info) return [head];
      const out = [head, `PKCS#12: ${b.info.certificates.length} certificate(s), ${b.info.keys.length} key(s)`];
      for (const k of b.info.keys) out.push(...privateKeyText(k, `Private Key${k.friendlyName ? ` "${k.friendlyName}"` : ''}`).map((l) => `  ${l}`));
      for (const c of b.info.certificates) out.push(...certificateText(c).map((l) => `  ${l}`));
      return out;
    }
    case 'pkcs7':
    case 'other':
      return [head, b.info ? `${b.info.description} (${b.info.derLength} bytes)` : ''];
  }
}

export const inspectVerb: Verb = {
  name: 'inspect',
  summary: 'decode certificates, CSRs, CRLs, keys, PKCS#7 and PKCS#12 files',
  help: HELP,
  async run(argv, io) {
    const p = parseArgs(argv, OPTS, 1);
    const file = p.positionals[0];
    if (!file) throw usageError('which file? workspace-ca inspect <file>');
    const password = passphraseFrom(p, io);
    const bytes = readInput(io, file, 'the file');
    let blocks = decodeFile(bytes, { fileName: file, password });
    if (password === undefined && io.prompt && blocks.some((b) => b.error?.code === 'passphrase-required')) {
      const answer = await io.prompt('PKCS#12 password: ');
      if (answer !== undefined) blocks = decodeFile(bytes, { fileName: file, password: answer });
    }
    if (flag(p, 'json')) io.out(safeJson({ file, blocks }) + '\n');
    else {
      // Each line escaped on its own: a newline inside a subject must not start a line of ours.
      const text = blocks.map((b) => blockText(b).map(safeField).join('\n')).join('\n\n');
      io.out(`${text}\n`);
    }
    const failed = blocks.filter((b) => b.error);
    if (blocks.length === 0) {
      io.err(`workspace-ca inspect: ${file} contains no PEM blocks\n`);
      return 2;
    }
    if (failed.length) {
      io.err(`workspace-ca inspect: ${failed.length} of ${blocks.length} block(s) could not be decoded\n`);
      return 2;
    }
    return 0;
  },
};

/**
 * `workspace-ca probe <host[:port]> [--ca FILE]... [--expect cert.pem] [--sni NAME] [--timeout S]
 *   [--at ISO] [--json]`: connects, reads the served chain, validates it (src/core/probe.ts).
 * Exit 0 valid and complete (and the expected certificate), 1 otherwise or when the connection
 * fails, 2 usage error or unreadable input.
 */
import { ProbeResult, parseProbeTarget, probeTls } from '../../core/probe';
import { certificatesFromBytes } from '../../core/verify';
import { OptionSpec, flag, list, parseArgs, str, usageError } from '../args';
import { helpText, readInput } from '../common';
import { Verb } from '../io';
import { formatFindings } from './lint';
import { parseAt } from './verify';

const SPECS: OptionSpec[] = [
  { name: 'ca', value: true, repeat: true, arg: 'FILE', help: "trusted certificates (your root, or ca-chain.cert.pem); default: Node's bundled public roots" },
  { name: 'expect', value: true, arg: 'FILE', help: 'the certificate the server should be serving (compared by fingerprint and key)' },
  { name: 'sni', value: true, arg: 'NAME', help: 'server name to send and check (default: the host; none for an IP address)' },
  { name: 'timeout', value: true, arg: 'S', help: 'seconds to wait for the connection and handshake (default 10)' },
  { name: 'at', value: true, arg: 'TIME', help: 'validation time, ISO 8601 (default: now)' },
  { name: 'json', help: 'print one JSON object' },
];

function timeoutOpt(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0 || Number(v) > 600) throw usageError('--timeout is a number of seconds, more than 0 and at most 600');
  return Math.round(Number(v) * 1000);
}

/** The text report. */
export function formatProbe(r: ProbeResult): string {
  const lines: string[] = [];
  lines.push(`Probed ${r.target}${r.protocol ? ` (${r.protocol}${r.cipher ? `, ${r.cipher}` : ''})` : ''}${r.servername ? `, SNI ${r.servername}` : ''}`);
  lines.push('Served chain:');
  r.chain.forEach((c, i) => lines.push(`  ${i}. ${c.text}  [SHA-256 ${c.sha256.slice(0, 23)}...]`));
  lines.push(`Chain: ${r.completeness}`);
  const ok = r.valid && r.complete && (!r.expect || r.expect.matches);
  lines.push(`${ok ? 'OK' : 'PROBLEM'}: ${r.valid ? 'valid' : 'not valid'} against ${r.trust === 'given' ? 'the given CA certificates' : "Node's bundled public roots"}${r.complete ? '' : ', chain incomplete'}${r.expect ? (r.expect.matches ? ', expected certificate served' : ', not the expected certificate') : ''}`);
  if (r.findings.length) {
    lines.push('Findings:');
    lines.push(...formatFindings(r.findings));
  }
  return lines.join('\n') + '\n';
}

export const probeVerb: Verb = {
  name: 'probe',
  summary: 'connect to host:port and check the certificate chain it serves',
  help: helpText(
    'workspace-ca probe <host[:port]> [--ca root.pem] [--expect cert.pem] [--json]',
    'Connects with TLS (port 443 by default, SNI = host), reads the chain the server sends, validates it against --ca (or the bundled public roots), tells whether the chain is complete and whether the leaf is the --expect certificate.\nExit status: 0 valid and complete (and the expected certificate), 1 otherwise or when the connection fails, 2 usage error or unreadable input.',
    SPECS,
    ['workspace-ca probe localhost:8443 --ca ca/certs/ca.cert.pem --expect ca/intermediate/certs/localhost.cert.pem', 'workspace-ca probe www.example.com --json'],
  ),
  async run(argv, io) {
    const p = parseArgs(argv, SPECS, 1);
    const targetText = p.positionals[0];
    if (!targetText) throw usageError('probe needs host[:port], e.g. workspace-ca probe localhost:8443');
    const { host, port } = parseProbeTarget(targetText);
    const caFiles = list(p, 'ca');
    const anchors = caFiles.length ? caFiles.flatMap((f) => certificatesFromBytes(readInput(io, f, 'the CA file'), f)) : undefined;
    const expectFile = str(p, 'expect');
    const expect = expectFile ? certificatesFromBytes(readInput(io, expectFile, 'the expected certificate'), expectFile)[0] : undefined;
    const now = str(p, 'at') !== undefined ? parseAt(str(p, 'at')!) : io.now();
    const r = await probeTls({ host, port, servername: str(p, 'sni'), now, anchors, expect, timeoutMs: timeoutOpt(str(p, 'timeout')) });
    if (flag(p, 'json')) io.out(JSON.stringify(r, null, 2) + '\n');
    else io.out(formatProbe(r));
    return r.valid && r.complete && (!r.expect || r.expect.matches) ? 0 : 1;
  },
};

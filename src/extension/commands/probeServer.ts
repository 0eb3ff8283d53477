/**
 * "Check a Server's Certificate…": connects to host:port (SNI = host), reads the chain the server
 * sends and judges it with core's probeTls against a workspace CA chain (or the public roots):
 * valid? complete? the same certificate as the workspace file? The answer is a notification;
 * the details go to an output channel, and the served chain can be opened in the viewer.
 */
import * as vscode from 'vscode';
import { intermediatePaths, rootPaths } from '../../core/ca/layout';
import { isPkiError } from '../../core/errors';
import { ProbeResult, parseProbeTarget, probeTls } from '../../core/probe';
import { certificatesFromBytes } from '../../core/verify';
import { splitPem } from '../../core/pem';
import { ParsedCertificate, parseCertificate } from '../../core/der/x509';
import { WorkspaceFsPort } from '../fsPort';
import { EmbeddedCertificateFs } from '../embedded/embeddedFs';
import { Command, Services, required } from './command';
import { isNode, withProgress } from './shared';

const DETAILS = 'Show Details';
const OPEN_CHAIN = 'Open Served Chain';
const TIMEOUT_MS = 10_000;

let channel: vscode.OutputChannel | undefined;
function output(): vscode.OutputChannel {
  channel ??= vscode.window.createOutputChannel('Workspace CA: TLS Probe');
  return channel;
}

interface TrustChoice {
  label: string;
  description?: string;
  /** Chain file of a workspace CA; undefined = Node's bundled public roots. */
  file?: vscode.Uri;
  /** Folder of that CA (to look for the served certificate among its files). */
  caDirs?: vscode.Uri[];
}

/** The workspace CA chains the probe can trust, then the public roots. */
async function trustChoices(services: Services): Promise<TrustChoice[]> {
  await services.tree.refresh();
  const out: TrustChoice[] = [];
  for (const f of services.tree.folders) {
    if (f.kind !== 'folder' || !f.ca.cert) continue;
    const port = new WorkspaceFsPort(f.uri);
    const inter = intermediatePaths(f.uri.path);
    const chain = (await port.stat(inter.chain)) ? inter.chain : rootPaths(f.uri.path).cert;
    out.push({ label: f.ca.cert.label, description: vscode.workspace.asRelativePath(port.uri(chain)), file: port.uri(chain), caDirs: [f.uri, port.uri(inter.dir)] });
  }
  out.push({ label: 'Public roots', description: "Node's bundled Mozilla root certificates (servers with public certificates)" });
  return out;
}

/** Certificate files of a CA folder's certs/ (root and intermediate): where the served leaf may come from. */
async function workspaceCertificates(dirs: vscode.Uri[]): Promise<{ uri: vscode.Uri; cert: ParsedCertificate }[]> {
  const out: { uri: vscode.Uri; cert: ParsedCertificate }[] = [];
  for (const dir of dirs) {
    const certs = vscode.Uri.joinPath(dir, 'certs');
    const entries = await vscode.workspace.fs.readDirectory(certs).then(undefined, () => [] as [string, vscode.FileType][]);
    for (const [name, type] of entries) {
      if (type !== vscode.FileType.File || !/\.(pem|crt|cer)$/i.test(name) || name === 'ca-chain.cert.pem') continue;
      const uri = vscode.Uri.joinPath(certs, name);
      try {
        const first = certificatesFromBytes(await vscode.workspace.fs.readFile(uri), name)[0];
        if (first) out.push({ uri, cert: parseCertificate(first) });
      } catch {
        /* not a certificate file */
      }
    }
  }
  return out;
}

/** "same as <file>" / "renewed in <file> but not deployed" / undefined, by DER and key. */
function workspaceMatch(r: ProbeResult, files: { uri: vscode.Uri; cert: ParsedCertificate }[]): { text: string; ok: boolean } | undefined {
  const leaf = parseCertificate(splitPem(r.chain[0].pem)[0].der);
  const same = files.find((f) => f.cert.der.equals(leaf.der));
  if (same) return { ok: true, text: `the same certificate as ${vscode.workspace.asRelativePath(same.uri)}` };
  const sameKey = files.find((f) => f.cert.spki.equals(leaf.spki));
  if (sameKey) return { ok: false, text: `not the current ${vscode.workspace.asRelativePath(sameKey.uri)} (same key: renewed but not reloaded?)` };
  return undefined;
}

/** The report for the output channel. */
export function probeReport(r: ProbeResult, trust: string, match: string | undefined): string {
  const lines = [
    `Probed ${r.target}${r.protocol ? ` (${r.protocol}${r.cipher ? `, ${r.cipher}` : ''})` : ''}${r.servername ? `, SNI ${r.servername}` : ''}`,
    `Trusted: ${trust}`,
    'Served chain:',
    ...r.chain.map((c, i) => `  ${i}. ${c.text}  [SHA-256 ${c.sha256}]`),
    `Chain: ${r.completeness}`,
    `Valid: ${r.valid ? 'yes' : 'no'}`,
  ];
  if (match) lines.push(`Workspace: ${match}`);
  if (r.findings.length) lines.push('Findings:', ...r.findings.map((f) => `  ${f.severity}: ${f.message}${f.fix ? `\n    fix: ${f.fix}` : ''}`));
  return lines.join('\n');
}

/** The one-sentence verdict of the notification. */
export function probeVerdict(r: ProbeResult, trust: string, match: { text: string; ok: boolean } | undefined): { ok: boolean; text: string } {
  const problems = r.findings.filter((f) => f.severity === 'error' || f.code === 'stale-certificate');
  const ok = r.valid && r.complete && (!match || match.ok) && !problems.some((f) => f.code === 'unexpected-certificate');
  const parts = [
    r.valid ? `valid against ${trust}` : `NOT valid against ${trust}`,
    r.complete ? 'chain complete' : 'chain INCOMPLETE',
  ];
  if (match) parts.push(match.text);
  const why = ok ? '' : ` ${problems.map((f) => f.message).filter((m, i, a) => a.indexOf(m) === i).slice(0, 2).join('. ')}${problems.length ? '.' : ''}`;
  return { ok, text: `${r.target} serves "${r.chain[0].commonName ?? r.chain[0].subject}": ${parts.join(', ')}.${why}` };
}

export const probeServer: Command = {
  id: 'workspaceCa.probeServer',
  writes: false,
  async run(services, arg) {
    const prompter = services.prompter();
    const hostPort = typeof arg === 'string' ? arg : required(
      await prompter.showInputBox({
        title: "Check a server's certificate",
        prompt: 'host:port (port 443 when left out); the host name is sent as SNI and checked against the certificate',
        placeHolder: 'www.example.com:443',
        ignoreFocusOut: true,
        validateInput: (v) => {
          if (!v.trim()) return 'Type a host name or address, e.g. localhost:8443';
          try {
            parseProbeTarget(v);
            return undefined;
          } catch (e) {
            return isPkiError(e) ? e.message : String(e);
          }
        },
      }),
    );
    const { host, port } = parseProbeTarget(hostPort);
    const choices = await trustChoices(services);
    const trust = choices.length === 1 ? choices[0] : required(await prompter.showQuickPick(choices, { title: `Validate ${host}:${port} against`, placeHolder: 'Which certificates to trust' }));
    const anchors = trust.file ? certificatesFromBytes(await vscode.workspace.fs.readFile(trust.file), trust.file.path) : undefined;
    const trustText = trust.file ? `the CA chain ${vscode.workspace.asRelativePath(trust.file)}` : "Node's bundled public roots";
    const expectUri = isNode(arg) && arg.kind === 'cert' ? arg.uri : arg instanceof vscode.Uri ? arg : undefined;
    const expectDer = expectUri ? certificatesFromBytes(await vscode.workspace.fs.readFile(expectUri), expectUri.path)[0] : undefined;
    const expect = expectDer ? parseCertificate(expectDer) : undefined;

    // Connection failures are PkiError('io') with a sentence ("Nothing is listening on ..."): the command boundary shows it.
    const r = await withProgress(`Connecting to ${host}:${port}…`, () => probeTls({ host, port, now: services.now(), anchors, expect, timeoutMs: TIMEOUT_MS }));
    const files = expect && expectUri ? [{ uri: expectUri, cert: expect }] : trust.caDirs ? await workspaceCertificates(trust.caDirs) : [];
    const match = workspaceMatch(r, files);
    const verdict = probeVerdict(r, trustText, match);
    const report = probeReport(r, trustText, match?.text);
    const ch = output();
    ch.appendLine(`[${services.now().toISOString()}]`);
    ch.appendLine(report);
    ch.appendLine('');

    const choice = verdict.ok ? await prompter.showInformationMessage(verdict.text, DETAILS, OPEN_CHAIN) : await prompter.showWarningMessage(verdict.text, {}, DETAILS, OPEN_CHAIN);
    if (choice === DETAILS) ch.show(true);
    if (choice === OPEN_CHAIN) await EmbeddedCertificateFs.openInViewer(`${host}_${port}.chain.crt`, r.chain.map((c) => c.pem).join(''));
    return { ok: verdict.ok, message: verdict.text, report, result: r };
  },
};

import * as vscode from 'vscode';
import { Check, VerifyResult, isDnsName, parseIp, verifyFiles } from '../../core/verify';
import { Command, Services, required } from './command';
import { certBase, certFileArg, findChain } from './fileArgs';

const MARK: Record<Check['status'], string> = { pass: '✓ pass', fail: '✗ FAIL', skip: '– skip' };

let channel: vscode.OutputChannel | undefined;

/** The output channel verification reports go to (created on first use, disposed with the extension). */
function output(services: Services): vscode.OutputChannel {
  if (!channel) {
    const c = vscode.window.createOutputChannel('Workspace CA: Verify');
    channel = c;
    services.context.subscriptions.push(c, { dispose: () => (channel = undefined) });
  }
  return channel;
}

/** The verdict as plain text: chain, then every check with its message and fix. */
export function renderVerification(file: string, anchors: string, r: VerifyResult): string {
  const lines = [
    `${r.valid ? 'VALID' : 'NOT VALID'}: ${file}`,
    `  trusted: ${anchors}`,
    `  at: ${r.at}${r.host ? `   host: ${r.host}` : ''}${r.purpose ? `   purpose: ${r.purpose}` : ''}`,
    '',
    'Chain:',
    ...r.chain.map((c) => `  ${c.role.padEnd(12)} ${c.subject}${c.trusted ? '  (trusted)' : ''}  SHA-256 ${c.sha256}`),
    '',
    'Checks:',
  ];
  for (const c of r.checks) {
    lines.push(`  ${MARK[c.status]}  ${c.id}${c.subject ? ` [${c.subject}]` : ''}: ${c.message}`);
    if (c.fix && c.status !== 'pass') lines.push(`           fix: ${c.fix}`);
  }
  if (r.notes.length) lines.push('', 'Notes:', ...r.notes.map((n) => `  ${n}`));
  return lines.join('\n') + '\n';
}

/**
 * Verifies a certificate against ca-chain.cert.pem (next to the file, else in its CA directory,
 * else asked for) with core's path validator, optionally for a host name or IP; a notification
 * gives the verdict, the output channel lists every check with its message and fix.
 */
export const verifyCertificate: Command = {
  id: 'workspaceCa.verifyCertificate',
  writes: false,
  async run(services, arg) {
    const prompter = services.prompter();
    const uri = await certFileArg(services, arg, 'Verify a Certificate');
    const name = certBase(uri);
    const host = required(
      await prompter.showInputBox({
        title: `Verify ${name}: host name`,
        prompt: 'DNS name or IP address the certificate must be valid for (TLS server). Leave empty to skip the host check.',
        validateInput: (v) => (!v.trim() || isDnsName(v.trim()) || parseIp(v.trim()) ? undefined : `"${v.trim()}" is neither a DNS name nor an IP address.`),
      }),
    ).trim();
    const chainUri =
      (await findChain(services, uri)) ??
      required(
        await prompter.showOpenDialog({ title: `Verify ${name}: no ca-chain.cert.pem found — pick the trusted CA file`, canSelectMany: false, openLabel: 'Trust this file', filters: { Certificates: ['pem', 'crt', 'cer'] } }),
      )[0];
    const [leaf, anchors] = await Promise.all([vscode.workspace.fs.readFile(uri), vscode.workspace.fs.readFile(chainUri)]);
    const result = verifyFiles({ leaf, anchors, now: services.now(), host: host || undefined });
    const report = renderVerification(vscode.workspace.asRelativePath(uri), vscode.workspace.asRelativePath(chainUri), result);
    const out = output(services);
    out.clear();
    out.append(report);
    out.show(true);
    const failed = result.checks.filter((c) => c.status === 'fail');
    if (result.valid) {
      const passed = result.checks.filter((c) => c.status === 'pass').length;
      void prompter.showInformationMessage(`✓ ${name} is valid${host ? ` for ${host}` : ''}: ${result.chain.map((c) => c.subject).join(' → ')} (${passed} checks passed).`);
    } else {
      void prompter.showErrorMessage(`✗ ${name} does not verify${host ? ` for ${host}` : ''}: ${failed.map((c) => c.message).join('; ')}. Every check is in the "Workspace CA: Verify" output.`);
    }
    return { valid: result.valid, checks: result.checks, chain: chainUri, report };
  },
};

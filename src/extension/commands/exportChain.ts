import * as vscode from 'vscode';
import { intermediatePaths, rootPaths } from '../../core/ca/layout';
import { certsToPem, fullchain, readCertificates } from '../../core/export';
import { Command, required } from './command';
import { certArg } from './certArg';
import { isNode, targetOfNode } from './shared';

/**
 * Writes the certificate followed by the intermediate(s) that lead to it, without the root: the
 * "fullchain" file nginx, Apache and most TLS servers want. On an intermediate CA item: the
 * intermediate alone (clients must already trust the root).
 */
export const exportChain: Command = {
  id: 'workspaceCa.exportChain',
  writes: true,
  async run(services, arg) {
    const prompter = services.prompter();
    let parts: vscode.Uri[];
    let defaultUri: vscode.Uri;
    let label: string;
    if (isNode(arg) && arg.kind === 'ca') {
      const target = targetOfNode(arg);
      parts = [target.port.uri(intermediatePaths(target.dir).cert), target.port.uri(rootPaths(target.dir).cert)];
      defaultUri = target.port.uri(intermediatePaths(target.dir).chain);
      label = arg.ca.cert?.label ?? 'CA';
    } else {
      const { target, uri, label: l } = await certArg(services, arg, 'exported');
      label = l;
      const inter = intermediatePaths(target.dir);
      const issuedByInter = uri.path.startsWith(`${inter.dir}/`);
      parts = [uri, ...(issuedByInter ? [target.port.uri(inter.cert)] : []), target.port.uri(rootPaths(target.dir).cert)];
      defaultUri = vscode.Uri.joinPath(uri, '..', uri.path.slice(uri.path.lastIndexOf('/') + 1).replace(/(\.cert)?\.(pem|crt)$/, '') + '.fullchain.pem');
    }
    const dest = required(await prompter.showSaveDialog({ title: `Export the chain of ${label}`, defaultUri, filters: { PEM: ['pem', 'crt'] } }));
    const [leaf, ...rest] = await Promise.all(parts.map(async (p) => readCertificates(await vscode.workspace.fs.readFile(p))[0]));
    const certs = fullchain(leaf, rest);
    await vscode.workspace.fs.writeFile(dest, Buffer.from(certsToPem(certs), 'utf8'));
    void prompter.showInformationMessage(`Wrote the chain of "${label}" (${certs.length} certificates, root not included) to ${vscode.workspace.asRelativePath(dest)}.`);
    return { file: dest };
  },
};

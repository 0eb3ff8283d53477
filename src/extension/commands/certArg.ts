import * as vscode from 'vscode';
import { CertModel } from '../../core/ca/model';
import { Services, UserError } from './command';
import { CaTarget, isNode, targetOfNode, targetOfUri } from './shared';

/** The certificate a tree/explorer command acts on: a `cert`/`revoked` node or a certificate file URI. */
export async function certArg(services: Services, arg: unknown, verb: string): Promise<{ target: CaTarget; uri: vscode.Uri; cert?: CertModel; label: string }> {
  if (isNode(arg) && arg.kind === 'cert') {
    if (!arg.uri) throw new UserError(`${arg.cert.label} has no certificate file (only an index.txt line), so it cannot be ${verb}.`);
    return { target: targetOfNode(arg), uri: arg.uri, cert: arg.cert, label: arg.cert.label };
  }
  if (arg instanceof vscode.Uri) {
    const target = targetOfUri(services, arg);
    if (!target) throw new UserError(`${vscode.workspace.asRelativePath(arg)} is not inside a CA directory of this workspace.`);
    const node = services.tree.findByUri(arg);
    const cert = node?.kind === 'cert' ? node.cert : undefined;
    return { target, uri: arg, cert, label: cert?.label ?? arg.path.slice(arg.path.lastIndexOf('/') + 1) };
  }
  throw new UserError(`Choose the certificate to be ${verb} in the Certificate Authorities view.`);
}

/**
 * Files the file commands (create CSR, export, fingerprint, verify) act on: a tree node, an
 * explorer URI, or — from the palette — an open dialog; plus the files that go with a certificate
 * in the CA layout (its key in ../private, the ca-chain.cert.pem of its CA).
 */
import * as vscode from 'vscode';
import { intermediatePaths, rootPaths } from '../../core/ca/layout';
import { isEncryptedKey, readPrivateKey } from '../../core/keys';
import { Prompter } from '../prompter';
import { Services, UserError, required } from './command';
import { isNode, targetOfUri } from './shared';

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

const base = (uri: vscode.Uri) => uri.path.slice(uri.path.lastIndexOf('/') + 1);

/** The certificate file of a tree node (certificate or CA) or explorer URI; asks when neither. */
export async function certFileArg(services: Services, arg: unknown, title: string): Promise<vscode.Uri> {
  if (isNode(arg)) {
    if (arg.kind === 'cert') {
      if (!arg.uri) throw new UserError(`${arg.cert.label} has no certificate file (only an index.txt line).`);
      return arg.uri;
    }
    if (arg.kind === 'ca' && arg.ca.cert?.path) return arg.uri.with({ path: arg.ca.cert.path });
    throw new UserError('Choose a certificate in the Certificate Authorities view.');
  }
  if (arg instanceof vscode.Uri) return arg;
  const picked = required(
    await services.prompter().showOpenDialog({ title, canSelectMany: false, openLabel: 'Select', filters: { Certificates: ['pem', 'crt', 'cer', 'der'], 'All files': ['*'] } }),
  );
  return picked[0];
}

/** File name without the certificate suffix: www.example.com.cert.pem -> www.example.com. */
export function certBase(uri: vscode.Uri): string {
  return base(uri).replace(/(\.cert)?\.(pem|crt|cer|der)$/i, '');
}

/**
 * The ca-chain.cert.pem for a certificate: next to the file, else in its CA directory
 * (intermediate first), else undefined.
 */
export async function findChain(services: Services, cert: vscode.Uri): Promise<vscode.Uri | undefined> {
  const next = vscode.Uri.joinPath(cert, '..', 'ca-chain.cert.pem');
  if (await exists(next)) return next;
  const target = targetOfUri(services, cert);
  if (!target) return undefined;
  for (const p of [intermediatePaths(target.dir).chain, rootPaths(target.dir).chain]) {
    const u = target.port.uri(p);
    if (await exists(u)) return u;
  }
  return undefined;
}

/** The private key of a certificate in the CA layout: <certs>/../private/<base>.key.pem. */
export async function findKey(cert: vscode.Uri): Promise<vscode.Uri | undefined> {
  const k = vscode.Uri.joinPath(cert, '..', '..', 'private', `${certBase(cert)}.key.pem`);
  return (await exists(k)) ? k : undefined;
}

/** Reads a private key, asking for its passphrase when it is encrypted. */
export async function openKey(prompter: Prompter, keyUri: vscode.Uri): Promise<ReturnType<typeof readPrivateKey>> {
  const bytes = await vscode.workspace.fs.readFile(keyUri);
  if (!isEncryptedKey(bytes)) return readPrivateKey(bytes);
  const pass = required(await prompter.showInputBox({ title: `Passphrase for ${vscode.workspace.asRelativePath(keyUri)}`, password: true, ignoreFocusOut: true }));
  return readPrivateKey(bytes, pass);
}

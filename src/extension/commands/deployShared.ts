/**
 * What the deploy commands (generateServerConfig, createUploadBundle, distributeRoot) share: which
 * certificate they act on, reading its key/chain through core's loadDeployInputs, asking a key
 * passphrase, and the "this file holds the key without a passphrase" confirmation.
 */
import * as vscode from 'vscode';
import { DeployInputs, LoadDeployOptions, loadDeployInputs } from '../../core/snippets';
import { isEncryptedKey, readPrivateKey } from '../../core/keys';
import { isPkiError } from '../../core/errors';
import { WorkspaceFsPort } from '../fsPort';
import { Services, UNTRUSTED_MESSAGE, UserError, required } from './command';
import { isNode, targetOfUri } from './shared';

/** Certificate files the explorer menus offer the deploy commands on. */
export const CERT_FILE = /\.(crt|cer|pem)$/i;

/** The certificate a deploy command acts on: a `cert` tree node, a file URI, or the active editor's file. */
export function deployCertUri(arg: unknown, verb: string): vscode.Uri {
  if (isNode(arg) && arg.kind === 'cert') {
    if (!arg.uri) throw new UserError(`${arg.cert.label} has no certificate file (only an index.txt line), so no ${verb} can be made for it.`);
    return arg.uri;
  }
  if (arg instanceof vscode.Uri) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && active.scheme === 'file' && CERT_FILE.test(active.path)) return active;
  throw new UserError(`Choose a certificate (in the Certificate Authorities view or the Explorer) to make a ${verb} for.`);
}

/** Reads certificate, key and chain; the CA folder comes from the tree when the file is in one. */
export async function loadInputs(services: Services, certUri: vscode.Uri, o: LoadDeployOptions = {}): Promise<{ port: WorkspaceFsPort; inputs: DeployInputs }> {
  const port = WorkspaceFsPort.for(certUri);
  const caDir = targetOfUri(services, certUri)?.dir;
  const inputs = await loadDeployInputs(port, port.pathOf(certUri), { caDir, ...o });
  return { port, inputs };
}

/** Asks (and checks) the passphrase of an encrypted key; undefined for an unencrypted one. */
export async function keyPassphrase(services: Services, inputs: DeployInputs, why: string): Promise<string | undefined> {
  const key = inputs.key;
  if (!key || !isEncryptedKey(key.pem)) return undefined;
  const name = vscode.workspace.asRelativePath(key.path);
  const pass = required(
    await services.prompter().showInputBox({
      title: `Passphrase of ${name} (${why})`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => {
        try {
          readPrivateKey(key.pem, v);
          return undefined;
        } catch (e) {
          return isPkiError(e) ? e.message : 'This passphrase does not open the key';
        }
      },
    }),
  );
  return pass;
}

/** The modal warning before a file with an unencrypted private key is written; false = do not write. */
export async function confirmUnencryptedKey(services: Services, what: string, button: string): Promise<boolean> {
  const answer = await services
    .prompter()
    .showWarningMessage(
      `${what} holds the private key WITHOUT a passphrase. Anyone who can read it can impersonate the server: it is written readable only by you (mode 0600); copy it to where it is needed, then delete it.`,
      { modal: true },
      button,
    );
  return answer === button;
}

/** Refuses writing in Restricted Mode (for commands that write only on some paths). */
export function requireTrust(): void {
  if (!vscode.workspace.isTrusted) throw new UserError(UNTRUSTED_MESSAGE);
}

/** A folder chosen in an open dialog (default: the workspace folder of `near`). */
export async function pickFolder(services: Services, title: string, near: vscode.Uri): Promise<vscode.Uri> {
  const picked = required(
    await services.prompter().showOpenDialog({
      title,
      openLabel: 'Choose Folder',
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: vscode.workspace.getWorkspaceFolder(near)?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri,
    }),
  );
  if (!picked.length) throw new UserError('No folder chosen.');
  return picked[0];
}

/** Workspace-relative text for a port path living next to `base`. */
export function shown(base: vscode.Uri, path: string): string {
  return vscode.workspace.asRelativePath(base.with({ path }));
}

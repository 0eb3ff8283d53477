/**
 * Helpers the commands share: which CA a command acts on (tree node, file URI or a quick pick),
 * the CaContext core needs (file port, clock, CA passphrases through the prompter and
 * SecretStorage), and reporting core's results (warnings, reveal in the tree).
 */
import * as vscode from 'vscode';
import { CaContext } from '../../core/ca/ca';
import { isPkiError } from '../../core/errors';
import { KEY_TYPES, KEY_TYPE_LABELS, KeyType } from '../../core/keys';
import { WorkspaceFsPort } from '../fsPort';
import { settings } from '../settings';
import { CaTreeNode } from '../tree/caTreeProvider';
import { CaModel } from '../../core/ca/model';
import { Cancelled, Services, UserError, required } from './command';

/** A CA directory (the root's folder; its intermediate lives in <dir>/intermediate). */
export interface CaTarget {
  /** URI of the CA directory. */
  uri: vscode.Uri;
  port: WorkspaceFsPort;
  /** Port path of the CA directory: what core's CA operations take as caDir. */
  dir: string;
  model: CaModel;
}

/** True for objects that look like our tree nodes (commands get them from menus and tests). */
export function isNode(x: unknown): x is CaTreeNode {
  return typeof x === 'object' && x !== null && 'kind' in x && 'id' in x;
}

/** The CA directory a node belongs to. */
export function targetOfNode(node: CaTreeNode): CaTarget {
  let top: CaTreeNode = node;
  while (top.parent) top = top.parent;
  if (top.kind !== 'folder') throw new Error('tree node without a folder');
  const port = new WorkspaceFsPort(top.uri);
  return { uri: top.uri, port, dir: top.uri.path, model: top.ca };
}

/** The CA whose folder contains `uri`, if any. */
export function targetOfUri(services: Services, uri: vscode.Uri): CaTarget | undefined {
  const folder = services.tree.folders.find((f) => f.kind === 'folder' && uri.toString().startsWith(`${f.uri.toString()}/`));
  return folder ? targetOfNode(folder) : undefined;
}

/** The CA to act on: from the argument, the only CA in the workspace, or a quick pick. */
export async function pickCa(services: Services, arg: unknown, title: string, filter: (m: CaModel) => boolean = () => true): Promise<CaTarget> {
  if (isNode(arg)) return targetOfNode(arg);
  if (arg instanceof vscode.Uri) {
    const t = targetOfUri(services, arg);
    if (t) return t;
  }
  await services.tree.refresh();
  const folders = services.tree.folders.filter((f) => f.kind === 'folder' && f.ca.cert && filter(f.ca));
  if (!folders.length) {
    throw new UserError('No certificate authority in this workspace can do this: create one first (Workspace CA: Create a Root CA).');
  }
  if (folders.length === 1) return targetOfNode(folders[0]);
  const picked = required(
    await services.prompter().showQuickPick(
      folders.map((f) => ({ label: f.kind === 'folder' ? f.label : '', description: f.kind === 'folder' ? f.ca.cert?.label : '', node: f })),
      { title, placeHolder: 'Which CA?' },
    ),
  );
  return targetOfNode(picked.node);
}

/** core's CaContext: the port, the clock, and CA passphrases from SecretStorage or a prompt. */
export function caContext(services: Services, target: CaTarget, used: { keyFile?: vscode.Uri; passphrase?: string } = {}): CaContext {
  return {
    fs: target.port,
    now: services.now,
    caPassphrase: async (purpose) => {
      // core names the key file in parentheses at the end of the purpose
      const m = /\(([^()]+)\)\s*$/.exec(purpose);
      const keyFile = target.port.uri(m ? m[1] : `${target.dir}/private/ca.key.pem`);
      used.keyFile = keyFile;
      const remembered = await services.passphrases.get(keyFile);
      if (remembered !== undefined) {
        used.passphrase = remembered;
        return remembered;
      }
      const pass = await services.prompter().showInputBox({ title: purpose, password: true, ignoreFocusOut: true });
      used.passphrase = pass;
      return pass;
    },
  };
}

/**
 * Runs a core operation that may open a CA key: remembers the passphrase after success (when the
 * setting is on), forgets a remembered one that turned out wrong.
 */
export async function withCaKey<T>(services: Services, target: CaTarget, op: (ctx: CaContext) => Promise<T>): Promise<T> {
  const used: { keyFile?: vscode.Uri; passphrase?: string } = {};
  try {
    const result = await op(caContext(services, target, used));
    if (used.keyFile && used.passphrase !== undefined) await services.passphrases.remember(used.keyFile, used.passphrase);
    return result;
  } catch (e) {
    if (used.keyFile && isPkiError(e, 'wrong-passphrase')) await services.passphrases.forget(used.keyFile);
    if (isPkiError(e, 'passphrase-required') && used.passphrase === undefined) throw new Cancelled();
    throw e;
  }
}

/**
 * Runs long work (key generation, signing) under a progress notification. The work itself is
 * async (node:crypto's generateKeyPair runs off the event loop), so the extension host stays
 * responsive; the notification tells the user something is happening.
 */
export function withProgress<T>(title: string, work: () => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, work));
}

/** The key type items of a quick pick, the configured default first. */
export function keyTypeItems(scope: vscode.Uri | undefined): { label: string; description?: string; keyType: KeyType }[] {
  const def = settings(scope).defaultKeyType;
  const order = [def, ...KEY_TYPES.filter((k) => k !== def)];
  return order.map((k) => ({ label: KEY_TYPE_LABELS[k], description: k === def ? 'default' : undefined, keyType: k }));
}

/** Key type quick pick, the configured default first. */
export async function pickKeyType(services: Services, scope: vscode.Uri, title: string): Promise<KeyType> {
  const def = settings(scope).defaultKeyType;
  const order = [def, ...KEY_TYPES.filter((k) => k !== def)];
  const picked = required(
    await services.prompter().showQuickPick(
      order.map((k) => ({ label: KEY_TYPE_LABELS[k], description: k === def ? 'default' : undefined, keyType: k })),
      { title, placeHolder: 'Key type' },
    ),
  );
  return picked.keyType;
}

/** Shows core's warnings once, then reveals the new file in the tree. */
export async function report(services: Services, message: string, warnings: string[], reveal?: vscode.Uri): Promise<void> {
  if (reveal) await services.tree.reveal(reveal);
  else await services.tree.refresh();
  const text = warnings.length ? `${message} ${warnings.join('. ')}.` : message;
  void (warnings.length ? services.prompter().showWarningMessage(text, {}) : services.prompter().showInformationMessage(text));
}

/**
 * Finds CA directories in a workspace folder: the folders named in `workspaceCa.caFolders`, or
 * (when that setting is empty) every folder holding an openssl database (index.txt next to a
 * serial file) or a ca-chain.cert.pem (then the folder above certs/).
 */
import * as vscode from 'vscode';
import { settings } from '../settings';

const EXCLUDE = '{**/node_modules/**,**/.git/**}';

export async function findCaDirs(folder: vscode.WorkspaceFolder): Promise<vscode.Uri[]> {
  const configured = settings(folder.uri).caFolders;
  const dirs = new Map<string, vscode.Uri>();
  const add = (u: vscode.Uri) => dirs.set(u.toString(), u);
  if (configured.length) {
    for (const rel of configured) {
      const base = vscode.Uri.joinPath(folder.uri, rel);
      // a configured folder may be a CA directory itself or hold several
      for (const u of await scan(new vscode.RelativePattern(base, '**/index.txt'), new vscode.RelativePattern(base, '**/ca-chain.cert.pem'))) add(u);
      if (await exists(vscode.Uri.joinPath(base, 'index.txt'))) add(base);
    }
  } else {
    for (const u of await scan(new vscode.RelativePattern(folder, '**/index.txt'), new vscode.RelativePattern(folder, '**/ca-chain.cert.pem'))) add(u);
  }
  return [...dirs.values()];
}

async function scan(index: vscode.RelativePattern, chain: vscode.RelativePattern): Promise<vscode.Uri[]> {
  const out: vscode.Uri[] = [];
  for (const f of await vscode.workspace.findFiles(index, EXCLUDE)) {
    const dir = vscode.Uri.joinPath(f, '..');
    if (await exists(vscode.Uri.joinPath(dir, 'serial'))) out.push(dir);
  }
  for (const f of await vscode.workspace.findFiles(chain, EXCLUDE)) {
    let dir = vscode.Uri.joinPath(f, '..');
    if (dir.path.endsWith('/certs')) dir = vscode.Uri.joinPath(dir, '..');
    out.push(dir);
  }
  return out;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Shared by the integration suites: the extension's API, the workspace, openssl as the oracle. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { WorkspaceCaApi } from '../../src/extension/extension';
import type { CaTreeNode } from '../../src/extension/tree/caTreeProvider';

export const EXTENSION_ID = 'workspace-ca.workspace-ca';

export async function api(): Promise<WorkspaceCaApi> {
  const ext = vscode.extensions.getExtension<WorkspaceCaApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test run opens a folder');
  return folder.uri.fsPath;
}

/** Waits for an event with a bound, so a missing event fails the test instead of hanging it. */
export function nextEvent<T>(event: vscode.Event<T>, what: string, ms = 10000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const sub = event((e) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

/** Runs openssl; returns stdout. Throws with stderr on a non-zero exit. */
export function openssl(args: string[], cwd?: string): string {
  try {
    return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch (e) {
    const err = e as { stderr?: Buffer; stdout?: Buffer; message: string };
    throw new Error(`openssl ${args.join(' ')} failed: ${err.stderr?.toString() || err.stdout?.toString() || err.message}`);
  }
}

/** Label, description and contextValue of a node, as the view shows them. */
export function show(tree: WorkspaceCaApi['tree'], node: CaTreeNode): { label: string; description: string; contextValue: string } {
  const item = tree.getTreeItem(node);
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  return { label, description: String(item.description ?? ''), contextValue: item.contextValue ?? '' };
}

/** The children of a node as "label — description [contextValue]" lines (readable assertion diffs). */
export function lines(tree: WorkspaceCaApi['tree'], node?: CaTreeNode): string[] {
  return (tree.getChildren(node) as CaTreeNode[]).map((n) => {
    const s = show(tree, n);
    return `${s.label} — ${s.description} [${s.contextValue}]`;
  });
}

/** The child whose label is `label`. */
export function child(tree: WorkspaceCaApi['tree'], node: CaTreeNode | undefined, label: string): CaTreeNode {
  const kids = tree.getChildren(node) as CaTreeNode[];
  const hit = kids.find((n) => show(tree, n).label === label);
  assert.ok(hit, `no child "${label}" under ${node ? show(tree, node).label : 'the root'}; children: ${lines(tree, node).join(' | ')}`);
  return hit;
}

/** Waits on tree refreshes until `check` passes (a refresh that raced ahead does not fail the test). */
export async function untilTree(tree: WorkspaceCaApi['tree'], what: string, check: () => boolean, ms = 10000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for the tree to show ${what}`);
    await nextEvent(tree.onDidRefresh, what, left).catch(() => undefined);
  }
}

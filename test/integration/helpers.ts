/** Shared by the integration suites: the extension's API, the workspace, openssl as the oracle. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { WorkspaceCaApi } from '../../src/extension/extension';
import type { CaTreeNode } from '../../src/extension/tree/caTreeProvider';
import { createIntermediate, initRoot, issue } from '../../src/core/ca/ca';
import { parseSans } from '../../src/core/san';
import { NodeFilePort } from '../../src/node/nodeFilePort';

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

// ---------------------------------------------------------------------------------------------
// Fixed clock and per-suite CAs: tests never read the wall clock and never share a CA.

/** The time every test CA is made at and the extension's clock is pinned to. */
export const NOW = new Date('2026-03-02T10:00:00Z');
/** `openssl verify -attime` for NOW (a minute later: notBefore is NOW exactly). */
export const ATTIME = String(Math.floor(NOW.getTime() / 1000) + 60);

export const ROOT_PASS = 'root-pass';
export const INTER_PASS = 'inter-pass';

let caCount = 0;

/**
 * A new CA directory `<workspace>/<tag>-<n>` made by core at NOW (root "<tag> Root CA", with
 * `intermediate` an intermediate "<tag> Intermediate CA"; keys encrypted with ROOT_PASS /
 * INTER_PASS), then shown in the tree. Returns its path.
 */
export async function makeCa(tag: string, o: { intermediate?: boolean } = {}): Promise<{ dir: string; name: string }> {
  const name = `${tag}-${++caCount}`;
  const dir = `${workspaceDir()}/${name}`;
  const ctx = { fs: new NodeFilePort(), now: () => NOW, caPassphrase: async () => ROOT_PASS };
  await initRoot(ctx, dir, { subject: { CN: `${tag} Root CA` }, keyType: 'p256', days: 3650, passphrase: ROOT_PASS });
  if (o.intermediate) await createIntermediate(ctx, dir, { subject: { CN: `${tag} Intermediate CA` }, keyType: 'p256', days: 1825, passphrase: INTER_PASS });
  const { tree } = await api();
  await tree.refresh();
  return { dir, name };
}

/** Issues a leaf with core at NOW in the CA of `dir` (its intermediate when there is one). */
export async function issueLeaf(dir: string, cn: string, o: { keyPassphrase?: string; sans?: string } = {}): Promise<{ cert: string; key: string; serialHex: string }> {
  const inter = fs.existsSync(`${dir}/intermediate/certs/intermediate.cert.pem`);
  const ctx = { fs: new NodeFilePort(), now: () => NOW, caPassphrase: async () => (inter ? INTER_PASS : ROOT_PASS) };
  const r = await issue(ctx, dir, { profile: 'server', subject: { CN: cn }, sans: parseSans(o.sans ?? cn), keyType: 'p256', days: 90, keyPassphrase: o.keyPassphrase });
  const { tree } = await api();
  await tree.refresh();
  return { cert: r.certPath, key: r.keyPath, serialHex: r.serialHex };
}

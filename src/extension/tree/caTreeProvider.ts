/**
 * The "Certificate Authorities" tree: each CA directory in the workspace -> its root CA -> its
 * intermediate CA(s) -> issued certificates, pending requests and the CRL. Items carry their status
 * (valid / revoked / expired / expires in N days) as description, icon and tooltip; contextValue
 * drives the menus. Refreshes on file changes (debounced).
 */
import * as vscode from 'vscode';
import { WorkspaceFsPort } from '../fsPort';
import { CaModel, CertModel, CrlModel, CsrModel, describeState, groupCaDirs, loadCa } from './caModel';
import { findCaDirs } from './caDiscovery';

export type CaTreeNode =
  | { kind: 'folder'; id: string; uri: vscode.Uri; label: string; ca: CaModel; parent?: undefined }
  | { kind: 'ca'; id: string; uri: vscode.Uri; ca: CaModel; root: boolean; parent: CaTreeNode }
  | { kind: 'cert'; id: string; uri?: vscode.Uri; cert: CertModel; issuer: CaModel; parent: CaTreeNode }
  | { kind: 'pending'; id: string; ca: CaModel; parent: CaTreeNode }
  | { kind: 'csr'; id: string; uri: vscode.Uri; csr: CsrModel; ca: CaModel; parent: CaTreeNode }
  | { kind: 'crl'; id: string; uri: vscode.Uri; crl: CrlModel; ca: CaModel; parent: CaTreeNode }
  | { kind: 'problem'; id: string; message: string; parent: CaTreeNode };

export class CaTreeProvider implements vscode.TreeDataProvider<CaTreeNode>, vscode.Disposable {
  static readonly viewType = 'workspaceCa.authorities';

  private readonly changed = new vscode.EventEmitter<CaTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly refreshed = new vscode.EventEmitter<void>();
  /** Fires after every completed scan (tests wait on this instead of sleeping). */
  readonly onDidRefresh = this.refreshed.event;

  private roots: CaTreeNode[] = [];
  private scanning: Promise<void> | undefined;
  private rescan = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private view: vscode.TreeView<CaTreeNode> | undefined;

  /** Creates the provider, its view and its file watcher. */
  static register(context: vscode.ExtensionContext): CaTreeProvider {
    const provider = new CaTreeProvider();
    provider.view = vscode.window.createTreeView(CaTreeProvider.viewType, { treeDataProvider: provider, showCollapseAll: true });
    context.subscriptions.push(provider, provider.view);
    const watcher = vscode.workspace.createFileSystemWatcher('**/{index.txt,serial,*.pem,*.crt,*.cer,*.csr,*.crl,*.der}');
    const later = () => provider.refreshSoon();
    provider.disposables.push(
      watcher,
      watcher.onDidCreate(later),
      watcher.onDidChange(later),
      watcher.onDidDelete(later),
      vscode.workspace.onDidChangeWorkspaceFolders(later),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('workspaceCa.caFolders') && later()),
    );
    void provider.refresh();
    return provider;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
    this.refreshed.dispose();
  }

  /** Top-level nodes (one per CA directory) after the last scan. */
  get folders(): readonly CaTreeNode[] {
    return this.roots;
  }

  /** Every CA model found, depth-first (root CAs before their intermediates). */
  get cas(): CaModel[] {
    const out: CaModel[] = [];
    const walk = (c: CaModel) => {
      out.push(c);
      c.children.forEach(walk);
    };
    for (const r of this.roots) if (r.kind === 'folder') walk(r.ca);
    return out;
  }

  /** Debounced refresh: bursts of file events (one issuance writes ~6 files) cause one scan. */
  refreshSoon(delayMs = 300): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delayMs);
  }

  /** Rescans now; resolves when the tree shows the result. Concurrent calls coalesce. */
  async refresh(): Promise<void> {
    if (this.scanning) {
      this.rescan = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      do {
        this.rescan = false;
        try {
          this.roots = await this.scan();
        } catch (e) {
          console.error('workspace-ca: scanning for CA directories failed', e);
        }
      } while (this.rescan);
    })();
    try {
      await this.scanning;
    } finally {
      this.scanning = undefined;
    }
    await vscode.commands.executeCommand('setContext', 'workspaceCa:hasCa', this.roots.length > 0);
    this.changed.fire(undefined);
    this.refreshed.fire();
  }

  private async scan(): Promise<CaTreeNode[]> {
    const now = new Date();
    const out: CaTreeNode[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const port = new WorkspaceFsPort(folder.uri);
      const dirs = await findCaDirs(folder);
      for (const { dir, nested } of groupCaDirs(dirs.map((u) => u.path))) {
        const ca = await loadCa(port, dir, nested, now);
        const uri = port.uri(dir);
        const rel = vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
        out.push({ kind: 'folder', id: `folder:${uri}`, uri, label: rel, ca });
      }
    }
    return out;
  }

  private readonly childCache = new WeakMap<CaTreeNode, CaTreeNode[]>();

  /** Children are built once per scan, so node objects (and getParent) stay stable for reveal(). */
  getChildren(node?: CaTreeNode): CaTreeNode[] {
    if (!node) return this.roots;
    let kids = this.childCache.get(node);
    if (!kids) this.childCache.set(node, (kids = this.buildChildren(node)));
    return kids;
  }

  private buildChildren(node: CaTreeNode): CaTreeNode[] {
    const port = (n: CaTreeNode) => new WorkspaceFsPort(rootUri(n));
    switch (node.kind) {
      case 'folder': {
        const { ca } = node;
        if (!ca.cert) return ca.problems.map((message, i) => ({ kind: 'problem', id: `${node.id}/problem:${i}`, message, parent: node }));
        return [{ kind: 'ca', id: `ca:${node.uri}`, uri: node.uri, ca, root: ca.selfSigned, parent: node }];
      }
      case 'ca': {
        const { ca } = node;
        const p = port(node);
        const kids: CaTreeNode[] = [];
        for (const child of ca.children) {
          const uri = p.uri(child.dir);
          if (child.cert) kids.push({ kind: 'ca', id: `ca:${uri}`, uri, ca: child, root: false, parent: node });
          else for (const [i, message] of child.problems.entries()) kids.push({ kind: 'problem', id: `problem:${uri}:${i}`, message: `${child.dir.slice(ca.dir.length + 1)}: ${message}`, parent: node });
        }
        for (const cert of ca.issued) {
          kids.push({ kind: 'cert', id: `cert:${node.uri}:${cert.serialHex}`, uri: cert.path ? p.uri(cert.path) : undefined, cert, issuer: ca, parent: node });
        }
        if (ca.pending.length) kids.push({ kind: 'pending', id: `pending:${node.uri}`, ca, parent: node });
        if (ca.crl) kids.push({ kind: 'crl', id: `crl:${node.uri}`, uri: p.uri(ca.crl.path), crl: ca.crl, ca, parent: node });
        for (const [i, message] of ca.problems.entries()) kids.push({ kind: 'problem', id: `problem:${node.uri}:${i}`, message, parent: node });
        return kids;
      }
      case 'pending': {
        const p = port(node);
        return node.ca.pending.map((csr) => ({ kind: 'csr', id: `csr:${p.uri(csr.path)}`, uri: p.uri(csr.path), csr, ca: node.ca, parent: node }));
      }
      default:
        return [];
    }
  }

  getParent(node: CaTreeNode): CaTreeNode | undefined {
    return node.parent;
  }

  getTreeItem(node: CaTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'folder': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.resourceUri = node.uri;
        item.iconPath = new vscode.ThemeIcon('folder-library');
        item.contextValue = 'caFolder';
        item.tooltip = node.uri.fsPath;
        return item;
      }
      case 'ca':
        return this.certItem(node, node.ca.cert as CertModel, node.root ? 'rootCa' : 'intermediateCa', vscode.TreeItemCollapsibleState.Expanded);
      case 'cert':
        return this.certItem(node, node.cert, node.cert.state.kind === 'revoked' ? 'revoked' : 'cert', vscode.TreeItemCollapsibleState.None);
      case 'pending': {
        const item = new vscode.TreeItem('Pending requests', vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.description = String(node.ca.pending.length);
        item.iconPath = new vscode.ThemeIcon('git-pull-request-create');
        item.contextValue = 'pendingCsrs';
        return item;
      }
      case 'csr': {
        const item = new vscode.TreeItem(node.csr.label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.resourceUri = node.uri;
        item.description = 'awaiting signature';
        item.iconPath = new vscode.ThemeIcon('request-changes', new vscode.ThemeColor('charts.blue'));
        item.tooltip = new vscode.MarkdownString(`**Certificate request** \n\nSubject: ${md(node.csr.subject)}  \nFile: ${md(node.uri.fsPath)}`);
        item.contextValue = 'csr';
        item.command = { command: 'vscode.open', title: 'Open', arguments: [node.uri] };
        return item;
      }
      case 'crl': {
        const { crl } = node;
        const item = new vscode.TreeItem('Revocation list', vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.resourceUri = node.uri;
        item.description = `${crl.entries} revoked${crl.stale ? ' · out of date' : ''}`;
        item.iconPath = new vscode.ThemeIcon('circle-slash', crl.stale ? new vscode.ThemeColor('charts.yellow') : undefined);
        item.tooltip = new vscode.MarkdownString(
          `**CRL** \n\nThis update: ${day(crl.thisUpdate)}  \nNext update: ${crl.nextUpdate ? day(crl.nextUpdate) : '—'}${crl.stale ? ' (passed: regenerate the CRL)' : ''}  \nRevoked entries: ${crl.entries}  \nFile: ${md(node.uri.fsPath)}`,
        );
        item.contextValue = 'crl';
        item.command = { command: 'vscode.open', title: 'Open', arguments: [node.uri] };
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.tooltip = node.message;
        item.contextValue = 'problem';
        return item;
      }
    }
  }

  private certItem(node: CaTreeNode & { uri?: vscode.Uri }, cert: CertModel, contextValue: string, state: vscode.TreeItemCollapsibleState): vscode.TreeItem {
    const item = new vscode.TreeItem(cert.label, state);
    item.id = node.id;
    const status = describeState(cert.state);
    item.description = status;
    const fileUri = node.kind === 'ca' ? new WorkspaceFsPort(node.uri).uri(certPathOf(node.ca) ?? node.uri.path) : node.uri;
    if (fileUri && node.kind === 'cert') item.resourceUri = fileUri;
    item.iconPath = stateIcon(cert, contextValue);
    item.contextValue = contextValue;
    item.tooltip = new vscode.MarkdownString(
      [
        `**${md(cert.label)}** — ${status}`,
        '',
        `Subject: ${md(cert.subject)}  `,
        cert.issuer ? `Issuer: ${md(cert.issuer)}  ` : '',
        `Serial: \`${cert.serialHex}\`  `,
        cert.notBefore ? `Valid from: ${day(cert.notBefore)}  ` : '',
        cert.notAfter ? `Valid until: ${day(cert.notAfter)}  ` : '',
        cert.state.kind === 'revoked' && cert.state.date ? `Revoked on: ${day(cert.state.date)}  ` : '',
        fileUri ? `File: ${md(fileUri.fsPath)}` : 'No certificate file found (listed in index.txt only)',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    if (fileUri) item.command = { command: 'vscode.open', title: 'Open', arguments: [fileUri] };
    return item;
  }

  /** The node showing `uri` (a certificate, CSR or CRL file, or a CA directory), if any. */
  findByUri(uri: vscode.Uri): CaTreeNode | undefined {
    const key = uri.toString();
    const visit = (nodes: CaTreeNode[]): CaTreeNode | undefined => {
      for (const n of nodes) {
        if ('uri' in n && n.uri?.toString() === key && n.kind !== 'folder') return n;
        if (n.kind === 'ca' && certPathOf(n.ca) && new WorkspaceFsPort(n.uri).uri(certPathOf(n.ca) as string).toString() === key) return n;
        const hit = visit(this.getChildren(n));
        if (hit) return hit;
      }
      return undefined;
    };
    return visit(this.roots);
  }

  /** Refreshes, then selects and reveals the item for `uri` in the view. */
  async reveal(uri: vscode.Uri): Promise<CaTreeNode | undefined> {
    await this.refresh();
    const node = this.findByUri(uri);
    if (node && this.view?.visible) await this.view.reveal(node, { select: true, focus: false, expand: true });
    return node;
  }
}

function rootUri(n: CaTreeNode): vscode.Uri {
  let cur: CaTreeNode = n;
  while (cur.parent) cur = cur.parent;
  return (cur as { uri: vscode.Uri }).uri;
}

function certPathOf(ca: CaModel): string | undefined {
  return ca.cert?.path;
}

function stateIcon(cert: CertModel, contextValue: string): vscode.ThemeIcon {
  const base = contextValue === 'rootCa' ? 'shield' : contextValue === 'intermediateCa' ? 'organization' : 'verified';
  switch (cert.state.kind) {
    case 'valid':
      return new vscode.ThemeIcon(base, new vscode.ThemeColor('charts.green'));
    case 'expiring':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.yellow'));
    case 'expired':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red'));
    case 'revoked':
      return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('charts.red'));
    case 'notYetValid':
      return new vscode.ThemeIcon('history', new vscode.ThemeColor('charts.yellow'));
  }
}

/** Certificate fields are attacker-controlled text: escape Markdown so they render as text. */
function md(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function day(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

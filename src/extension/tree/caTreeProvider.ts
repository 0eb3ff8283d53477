/**
 * The "Certificate Authorities" tree: each CA directory in the workspace -> its root CA -> its
 * intermediate CA(s) -> issued certificates, pending requests and the CRL. Items carry their status
 * (valid / revoked / expired / expires in N days) as description, icon and tooltip; contextValue
 * drives the menus.
 *
 * Large CAs: the model (core's loadCa) comes from index.txt without parsing every certificate;
 * children are built only when a node is expanded, more than FLAT_LIMIT issued certificates are
 * grouped (status -> expiry month -> pages) so no level lists thousands of items, and a
 * certificate file is parsed only for its tooltip (resolveTreeItem). A file change reloads only
 * the CA directory it happened in; only creating or deleting index.txt / serial / ca-chain.cert.pem
 * rescans the workspace.
 */
import * as vscode from 'vscode';
import { WorkspaceFsPort } from '../fsPort';
import { CaModel, CertGroup, CertModel, CrlModel, CsrModel, describeState, groupCaDirs, groupCerts, loadCa, loadCertDetail } from '../../core/ca/model';
import { findCaDirs } from './caDiscovery';

export type CaTreeNode =
  | { kind: 'folder'; id: string; uri: vscode.Uri; label: string; ca: CaModel; nested: string[]; parent?: undefined }
  | { kind: 'ca'; id: string; uri: vscode.Uri; ca: CaModel; root: boolean; parent: CaTreeNode }
  | { kind: 'group'; id: string; group: CertGroup; ca: CaModel; parent: CaTreeNode }
  | { kind: 'cert'; id: string; uri?: vscode.Uri; cert: CertModel; issuer: CaModel; parent: CaTreeNode }
  | { kind: 'pending'; id: string; ca: CaModel; parent: CaTreeNode }
  | { kind: 'csr'; id: string; uri: vscode.Uri; csr: CsrModel; ca: CaModel; parent: CaTreeNode }
  | { kind: 'crl'; id: string; uri: vscode.Uri; crl: CrlModel; ca: CaModel; parent: CaTreeNode }
  | { kind: 'problem'; id: string; message: string; parent: CaTreeNode };

/** Files whose appearance or removal can add or remove a CA directory. */
const STRUCTURAL = new Set(['index.txt', 'serial', 'ca-chain.cert.pem']);

export class CaTreeProvider implements vscode.TreeDataProvider<CaTreeNode>, vscode.Disposable {
  static readonly viewType = 'workspaceCa.authorities';

  private readonly changed = new vscode.EventEmitter<CaTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly refreshed = new vscode.EventEmitter<void>();
  /** Fires after every completed scan or reload (tests wait on this instead of sleeping). */
  readonly onDidRefresh = this.refreshed.event;

  private roots: CaTreeNode[] = [];
  private work: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private fullPending = false;
  private readonly foldersPending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private view: vscode.TreeView<CaTreeNode> | undefined;
  /** Number of CA directories loaded since activation (tests check that a change reloads one). */
  loads = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Creates the provider, its view and its file watcher. `now` decides expiry states. */
  static register(context: vscode.ExtensionContext, now?: () => Date): CaTreeProvider {
    const provider = new CaTreeProvider(now);
    provider.view = vscode.window.createTreeView(CaTreeProvider.viewType, { treeDataProvider: provider, showCollapseAll: true });
    context.subscriptions.push(provider, provider.view);
    const watcher = vscode.workspace.createFileSystemWatcher('**/{index.txt,serial,*.pem,*.crt,*.cer,*.csr,*.crl,*.der}');
    provider.disposables.push(
      watcher,
      watcher.onDidCreate((u) => provider.fileChanged(u, true)),
      watcher.onDidChange((u) => provider.fileChanged(u, false)),
      watcher.onDidDelete((u) => provider.fileChanged(u, true)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => provider.refreshSoon()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('workspaceCa.caFolders') && provider.refreshSoon()),
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

  /** The top-level CA folder node `uri` lies in. */
  folderOf(uri: vscode.Uri): CaTreeNode | undefined {
    const key = uri.toString();
    return this.roots.find((f) => key.startsWith(`${f.kind === 'folder' ? f.uri.toString() : '\0'}/`));
  }

  /**
   * A watcher event: inside a known CA directory only that directory is reloaded; index.txt,
   * serial or ca-chain.cert.pem appearing or disappearing may add or remove a CA (full rescan);
   * anything else is not ours.
   */
  private fileChanged(uri: vscode.Uri, createdOrDeleted: boolean): void {
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    if (name.startsWith('.')) return; // our own temp files and lock
    const folder = this.folderOf(uri);
    if (createdOrDeleted && STRUCTURAL.has(name)) return this.refreshSoon();
    if (folder?.kind === 'folder') {
      this.foldersPending.add(folder.uri.toString());
      this.later();
    }
  }

  /** Debounced refresh: bursts of file events (one issuance writes ~6 files) cause one scan. */
  refreshSoon(delayMs = 300): void {
    this.fullPending = true;
    this.later(delayMs);
  }

  private later(delayMs = 300): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.kick(), delayMs);
  }

  /** Rescans now; resolves when the tree shows the result. Concurrent calls coalesce. */
  refresh(): Promise<void> {
    this.fullPending = true;
    return this.kick();
  }

  /** Reloads the CA directory `uri` lies in (a full rescan when it is in none); resolves when shown. */
  reload(uri: vscode.Uri): Promise<void> {
    const folder = this.folderOf(uri);
    if (folder?.kind === 'folder') this.foldersPending.add(folder.uri.toString());
    else this.fullPending = true;
    return this.kick();
  }

  /** One job at a time; requests made while a job runs are served by the next one. */
  private kick(): Promise<void> {
    if (!this.queued) {
      this.queued = this.work.then(async () => {
        this.queued = undefined;
        await this.process();
      });
      this.work = this.queued;
    }
    return this.queued;
  }

  private async process(): Promise<void> {
    const full = this.fullPending;
    const folders = [...this.foldersPending];
    this.fullPending = false;
    this.foldersPending.clear();
    if (!full && !folders.length) return;
    try {
      if (full) this.roots = await this.scan();
      else {
        for (const key of folders) {
          const i = this.roots.findIndex((f) => f.kind === 'folder' && f.uri.toString() === key);
          const old = this.roots[i];
          if (old?.kind !== 'folder') continue;
          const port = new WorkspaceFsPort(old.uri);
          this.loads++;
          const ca = await loadCa(port, old.uri.path, old.nested, this.now());
          this.roots = [...this.roots.slice(0, i), { ...old, ca }, ...this.roots.slice(i + 1)];
        }
      }
    } catch (e) {
      console.error('workspace-ca: scanning for CA directories failed', e);
    }
    await vscode.commands.executeCommand('setContext', 'workspaceCa:hasCa', this.roots.length > 0);
    this.changed.fire(undefined);
    this.refreshed.fire();
  }

  private async scan(): Promise<CaTreeNode[]> {
    const now = this.now();
    const out: CaTreeNode[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const port = new WorkspaceFsPort(folder.uri);
      const dirs = await findCaDirs(folder);
      for (const { dir, nested } of groupCaDirs(dirs.map((u) => u.path))) {
        this.loads++;
        const ca = await loadCa(port, dir, nested, now);
        const uri = port.uri(dir);
        const rel = vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
        out.push({ kind: 'folder', id: `folder:${uri}`, uri, label: rel, ca, nested });
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
        kids.push(...this.certNodes(node, ca, ca.issued, 'ca'));
        if (ca.pending.length) kids.push({ kind: 'pending', id: `pending:${node.uri}`, ca, parent: node });
        if (ca.crl) kids.push({ kind: 'crl', id: `crl:${node.uri}`, uri: p.uri(ca.crl.path), crl: ca.crl, ca, parent: node });
        for (const [i, message] of ca.problems.entries()) kids.push({ kind: 'problem', id: `problem:${node.uri}:${i}`, message, parent: node });
        return kids;
      }
      case 'group':
        return this.certNodes(node, node.ca, node.group.certs, node.group.level);
      case 'pending': {
        const p = port(node);
        return node.ca.pending.map((csr) => ({ kind: 'csr', id: `csr:${p.uri(csr.path)}`, uri: p.uri(csr.path), csr, ca: node.ca, parent: node }));
      }
      default:
        return [];
    }
  }

  /** Certificate nodes, or group nodes when there are too many to list at this level. */
  private certNodes(parent: CaTreeNode, ca: CaModel, certs: CertModel[], level: 'ca' | CertGroup['level']): CaTreeNode[] {
    const groups = groupCerts(certs, level);
    if (groups) return groups.map((group) => ({ kind: 'group', id: `${parent.id}/${group.key}`, group, ca, parent }));
    const p = new WorkspaceFsPort(rootUri(parent));
    const caUri = p.uri(ca.dir).toString();
    return certs.map((cert) => ({ kind: 'cert', id: `cert:${caUri}:${cert.serialHex}`, uri: cert.path ? p.uri(cert.path) : undefined, cert, issuer: ca, parent }));
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
      case 'group': {
        const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.description = String(node.group.certs.length);
        item.iconPath = new vscode.ThemeIcon(node.group.level === 'status' ? (GROUP_ICONS[node.group.key] ?? 'folder') : 'calendar');
        item.contextValue = 'certGroup';
        return item;
      }
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

  /** Index-only certificates get their tooltip from the file when the user hovers (parsed once). */
  async resolveTreeItem(item: vscode.TreeItem, node: CaTreeNode): Promise<vscode.TreeItem> {
    if (node.kind !== 'cert' || node.cert.parsed || !node.cert.path) return item;
    item.tooltip = certTooltip(await this.detail(node), node.uri);
    return item;
  }

  /** The certificate of a node with every field read from its file (parsed once per model). */
  async detail(node: CaTreeNode & { kind: 'cert' }): Promise<CertModel> {
    let detail = this.details.get(node.cert);
    if (!detail) {
      detail = await loadCertDetail(new WorkspaceFsPort(rootUri(node)), node.cert, this.now()).catch(() => node.cert);
      this.details.set(node.cert, detail);
    }
    return detail;
  }

  private readonly details = new WeakMap<CertModel, CertModel>();

  private certItem(node: CaTreeNode & { uri?: vscode.Uri }, cert: CertModel, contextValue: string, state: vscode.TreeItemCollapsibleState): vscode.TreeItem {
    const item = new vscode.TreeItem(cert.label, state);
    item.id = node.id;
    const status = describeState(cert.state);
    item.description = status;
    const fileUri = node.kind === 'ca' ? new WorkspaceFsPort(node.uri).uri(certPathOf(node.ca) ?? node.uri.path) : node.uri;
    if (fileUri && node.kind === 'cert') item.resourceUri = fileUri;
    item.iconPath = stateIcon(cert, contextValue);
    item.contextValue = contextValue;
    item.tooltip = certTooltip(cert, fileUri);
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
    await this.reload(uri);
    const node = this.findByUri(uri);
    if (node && this.view?.visible) await this.view.reveal(node, { select: true, focus: false, expand: true });
    return node;
  }
}

const GROUP_ICONS: Record<string, string> = { expiring: 'warning', valid: 'pass', notYetValid: 'history', expired: 'error', revoked: 'circle-slash' };

function certTooltip(cert: CertModel, fileUri: vscode.Uri | undefined): vscode.MarkdownString {
  return new vscode.MarkdownString(
    [
      `**${md(cert.label)}** — ${describeState(cert.state)}`,
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
/**
 * Certificate text inside a tooltip: markdown characters escaped, and control characters (a
 * newline could forge a "Status: valid" line) and bidi overrides (U+202E reverses what follows)
 * shown as \uXXXX instead of acting.
 */
function md(s: string): string {
  return s
    .replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&')
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function day(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/**
 * The certificate viewer: a read-only custom editor for certificates, requests, CRLs, keys and
 * PKCS#12 files. The host decodes (src/core/decode), validates chains (src/core/verify) and asks
 * for PKCS#12 passwords (the prompter); the webview (media/viewer.ts) only renders the DTOs of
 * src/shared/protocol.ts. It re-renders when the file changes on disk or in an open text editor.
 */
import * as vscode from 'vscode';
import { decodeCertificate, decodeFile } from '../../core/decode';
import { isPkiError } from '../../core/errors';
import { verifyChain } from '../../core/verify';
import type { DecodedBlock, PrivateKeyInfo } from '../../core/types';
import { FromWebview, KeyMatch, KeyMatchState, ToWebview, ViewState, assertNever } from '../../shared/protocol';
import type { Prompter } from '../prompter';
import { certificateDers, certificateIndex } from './certificateDers';
import { resourceRoots, viewerHtml } from './html';
import { buildViewState, chainFileCandidates, chainProblem, chainView, errorState, normaliseHost, splitChain } from './viewModel';

/** What the viewer needs from the composition root. */
export interface ViewerDeps {
  prompter(): Prompter;
  now(): Date;
}

/** What a webview reported it rendered (tests read it through the extension API). */
export interface RenderReport {
  uri: string;
  reason: 'init' | 'update' | 'chain' | 'asn1' | 'select';
  block: number;
  blockCount: number;
  text: string;
  renderMs: number;
  /** Milliseconds the host spent on the last build (read, decode, key search, chain file search). */
  buildMs: number;
  /** Milliseconds from resolveCustomEditor to this report (open -> rendered, measured in the host). */
  sinceOpenMs: number;
}

/** Extensions the custom editor is the default for, and those it is an option for (text editing stays one click away). */
export const DEFAULT_PATTERNS = ['crt', 'cer', 'der', 'csr', 'crl', 'p12', 'pfx'];
export const OPTION_PATTERNS = ['pem', 'key'];

const EXCLUDE = '{**/node_modules/**,**/.git/**}';
/** Files bigger than this are not read when searching certificates that match a key. */
const MAX_SEARCH_FILE = 1 << 20;
const MAX_SEARCH_FILES = 2000;

class CertificateDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {
    // nothing held
  }
}

export class CertificateEditorProvider implements vscode.CustomReadonlyEditorProvider<CertificateDocument> {
  /** Default editor for binary/certificate extensions. */
  static readonly viewType = 'workspaceCa.certificateViewer';
  /** Same viewer, offered as an option for .pem and .key (their default stays the text editor). */
  static readonly optionViewType = 'workspaceCa.certificateViewerOption';
  static readonly openCommand = 'workspaceCa.openInViewer';
  static readonly commandIds: readonly string[] = [CertificateEditorProvider.openCommand];

  private readonly sessions = new Set<ViewerSession>();
  private readonly rendered = new vscode.EventEmitter<RenderReport>();
  private readonly last = new Map<string, RenderReport>();
  /** Fires when a webview reports what it rendered. */
  readonly onDidRender = this.rendered.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly deps: ViewerDeps,
  ) {}

  static register(context: vscode.ExtensionContext, deps: ViewerDeps): CertificateEditorProvider {
    const provider = new CertificateEditorProvider(context, deps);
    const options = { webviewOptions: { retainContextWhenHidden: false }, supportsMultipleEditorsPerDocument: true };
    context.subscriptions.push(
      provider.rendered,
      vscode.window.registerCustomEditorProvider(CertificateEditorProvider.viewType, provider, options),
      vscode.window.registerCustomEditorProvider(CertificateEditorProvider.optionViewType, provider, options),
      vscode.commands.registerCommand(CertificateEditorProvider.openCommand, (uri?: unknown) => provider.openInViewer(uri)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => provider.refreshAll()),
    );
    return provider;
  }

  /** The view type whose selector covers `uri` (openWith needs a matching one). */
  static viewTypeFor(uri: vscode.Uri): string {
    const ext = uri.path.slice(uri.path.lastIndexOf('.') + 1).toLowerCase();
    return OPTION_PATTERNS.includes(ext) ? CertificateEditorProvider.optionViewType : CertificateEditorProvider.viewType;
  }

  async openInViewer(arg?: unknown): Promise<void> {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void this.deps.prompter().showErrorMessage('Open in Certificate Viewer: select a certificate, key, CSR or CRL file first.');
      return;
    }
    await vscode.commands.executeCommand('vscode.openWith', uri, CertificateEditorProvider.viewTypeFor(uri));
  }

  openCustomDocument(uri: vscode.Uri): CertificateDocument {
    return new CertificateDocument(uri);
  }

  async resolveCustomEditor(document: CertificateDocument, panel: vscode.WebviewPanel): Promise<void> {
    this.last.delete(document.uri.toString()); // reports of an earlier viewer of the file are stale
    const session = new ViewerSession(document.uri, panel, this.context.extensionUri, this.deps, (r) => {
      this.last.set(r.uri, r);
      this.rendered.fire(r);
    });
    this.sessions.add(session);
    panel.onDidDispose(() => {
      this.sessions.delete(session);
      session.dispose();
    });
  }

  /** The last render report of the viewer showing `uri`. */
  lastRender(uri: vscode.Uri): RenderReport | undefined {
    return this.last.get(uri.toString());
  }

  /** Number of open viewers. */
  get openViewers(): number {
    return this.sessions.size;
  }

  /**
   * Delivers `message` to the host side of the viewer showing `uri`, exactly as if its webview had
   * posted it (integration tests drive the chain panel this way; the answer still goes through the
   * real webview, which then reports `rendered`).
   */
  async receive(uri: vscode.Uri, message: FromWebview): Promise<void> {
    const s = [...this.sessions].find((x) => x.uri.toString() === uri.toString());
    if (!s) throw new Error(`no certificate viewer is open for ${uri.toString()}`);
    await s.handle(message);
  }

  private refreshAll(): void {
    for (const s of this.sessions) s.scheduleRefresh();
  }
}

/** One open viewer: a webview panel showing one file. */
class ViewerSession {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly openedAt = Date.now();
  private ready = false;
  private state: ViewState | undefined;
  private bytes: Uint8Array | undefined;
  /** The PKCS#12 password the user typed, kept in memory only while the viewer is open. */
  private password: string | undefined;
  private asn1Cache: DecodedBlock[] | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private version = 0;
  private disposed = false;
  /** Milliseconds the last build (read + decode + view model) took in the host. */
  private buildMs = 0;

  constructor(
    readonly uri: vscode.Uri,
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly deps: ViewerDeps,
    private readonly report: (r: RenderReport) => void,
  ) {
    panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: resourceRoots(extensionUri) };
    this.disposables.push(panel.webview.onDidReceiveMessage((m: FromWebview) => void this.handle(m).catch((e) => this.fail(e))));
    panel.webview.html = viewerHtml(panel.webview, extensionUri, this.fileName);

    const dir = vscode.Uri.joinPath(uri, '..');
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, this.fileName));
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => this.scheduleRefresh()),
      watcher.onDidCreate(() => this.scheduleRefresh()),
      watcher.onDidDelete(() => this.scheduleRefresh()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === uri.toString() && e.contentChanges.length) this.scheduleRefresh();
      }),
    );
  }

  get fileName(): string {
    return this.uri.path.slice(this.uri.path.lastIndexOf('/') + 1);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.password = undefined;
    for (const d of this.disposables) d.dispose();
  }

  private post(m: ToWebview): void {
    // a build or a validation may finish after the user closed the viewer
    if (this.disposed) return;
    this.panel.webview.postMessage(m).then(undefined, () => undefined);
  }

  scheduleRefresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.ready && !this.disposed) void this.build().then((s) => this.post({ type: 'update', state: s }), (e) => this.fail(e));
    }, 120);
  }

  /** The current content: the open text document's (possibly unsaved) text, else the file on disk. */
  private async read(): Promise<Uint8Array> {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === this.uri.toString());
    if (doc && doc.isDirty) return Buffer.from(doc.getText(), 'utf8');
    return vscode.workspace.fs.readFile(this.uri);
  }

  private async build(): Promise<ViewState> {
    const t0 = Date.now();
    try {
      return await this.buildState();
    } finally {
      this.buildMs = Date.now() - t0;
    }
  }

  private async buildState(): Promise<ViewState> {
    const now = this.deps.now();
    const version = ++this.version;
    this.asn1Cache = undefined;
    let bytes: Uint8Array;
    try {
      bytes = await this.read();
    } catch (e) {
      this.bytes = undefined;
      const gone = e instanceof vscode.FileSystemError && e.code === 'FileNotFound';
      return (this.state = errorState(this.fileName, now, gone ? 'The file no longer exists.' : `The file could not be read: ${message(e)}`));
    }
    this.bytes = bytes;
    let blocks: DecodedBlock[];
    try {
      blocks = decodeFile(bytes, { fileName: this.fileName, password: this.password });
    } catch (e) {
      return (this.state = errorState(this.fileName, now, isPkiError(e) ? e.message : `The file could not be decoded: ${message(e)}`));
    }
    const needsKeyMatch = blocks.some((b) => b.kind === 'privateKey' && b.info?.spkiSha256);
    const certsBySpki = needsKeyMatch ? await this.workspaceCertificates() : undefined;
    const firstCert = blocks.find((b) => b.kind === 'certificate' && b.info);
    const chainFile = firstCert?.kind === 'certificate' && firstCert.info ? await this.findChainFile(firstCert.info.issuer.text) : undefined;
    const state = buildViewState(blocks, {
      fileName: this.fileName,
      now,
      canSign: vscode.workspace.isTrusted,
      chainFile: chainFile && this.relative(chainFile),
      passwordTried: this.password !== undefined,
      keyMatch: certsBySpki ? (k) => keyMatch(k, certsBySpki) : undefined,
    });
    if (version === this.version) this.state = state;
    return state;
  }

  /** Certificates of the workspace by SPKI SHA-256 (hex), for "which certificate does this key belong to". */
  private async workspaceCertificates(): Promise<{ bySpki: Map<string, KeyMatch[]>; searched: number } | undefined> {
    if (!vscode.workspace.workspaceFolders?.length) return undefined;
    const files = await vscode.workspace.findFiles('**/*.{pem,crt,cer,der}', EXCLUDE, MAX_SEARCH_FILES);
    const bySpki = new Map<string, KeyMatch[]>();
    let searched = 0;
    for (const f of files) {
      try {
        const st = await vscode.workspace.fs.stat(f);
        if (st.size > MAX_SEARCH_FILE) continue;
        const blocks = decodeFile(await vscode.workspace.fs.readFile(f), { fileName: f.path });
        searched++;
        const seen = new Set<string>();
        for (const b of blocks) {
          if (b.kind !== 'certificate' || !b.info) continue;
          const hex = b.info.fingerprints.spkiSha256.hex;
          if (seen.has(hex)) continue;
          seen.add(hex);
          const list = bySpki.get(hex) ?? [];
          list.push({ path: vscode.workspace.asRelativePath(f, true), subject: b.info.subject.text });
          bySpki.set(hex, list);
        }
      } catch {
        // not a certificate file: skip
      }
    }
    return { bySpki, searched };
  }

  private relative(uri: vscode.Uri): string {
    return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  }

  /**
   * The chain file to validate against: ca-chain.cert.pem next to the file or in a CA directory
   * above it (up to the workspace folder); else the workspace's ca-chain.cert.pem that holds the
   * certificate's issuer (the CA directory that issued it).
   */
  private async findChainFile(issuer: string): Promise<vscode.Uri | undefined> {
    const near = await this.nearbyChainFile();
    if (near) return near;
    if (!vscode.workspace.workspaceFolders?.length) return undefined;
    for (const u of await vscode.workspace.findFiles('**/ca-chain.cert.pem', EXCLUDE, 50)) {
      try {
        const subjects = certificateDers(await vscode.workspace.fs.readFile(u)).map((der) => decodeCertificate(der).subject.text);
        if (subjects.includes(issuer)) return u;
      } catch {
        // unreadable: not a candidate
      }
    }
    return undefined;
  }

  private async nearbyChainFile(): Promise<vscode.Uri | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(this.uri);
    const stop = folder?.uri.path ?? this.uri.path.slice(0, this.uri.path.lastIndexOf('/'));
    for (const p of chainFileCandidates(this.uri.path, stop)) {
      const u = this.uri.with({ path: p });
      if (u.toString() === this.uri.toString()) continue;
      try {
        const st = await vscode.workspace.fs.stat(u);
        if (st.type & vscode.FileType.File) return u;
      } catch {
        // not there
      }
    }
    return undefined;
  }

  private chainUri: vscode.Uri | undefined;

  private async verify(block: number, hostInput: string | undefined, pick: boolean): Promise<void> {
    const now = this.deps.now();
    const host = normaliseHost(hostInput);
    if (pick) {
      const picked = await this.deps.prompter().showOpenDialog({
        title: 'Choose the CA chain file (trusted roots, and intermediates)',
        canSelectMany: false,
        openLabel: 'Use as chain',
        filters: { Certificates: ['pem', 'crt', 'cer', 'der', 'p7b'] },
      });
      // cancelled: validate against the file used so far
      if (picked?.length) this.chainUri = picked[0];
    }
    const bytes = this.bytes ?? (await this.read());
    const target = this.state?.blocks[block];
    const chainUri = this.chainUri ?? (target?.kind === 'certificate' && target.info ? await this.findChainFile(target.info.issuer.text) : undefined);
    const chainName = chainUri && this.relative(chainUri);
    if (!target || target.kind !== 'certificate' || !target.info) {
      this.post({ type: 'chainResult', chain: chainProblem(block, now, 'Only a readable certificate can be validated.', chainName, host) });
      return;
    }
    const all = certificateIndex(bytes);
    const leaf = all.get(target.info.fingerprints.sha256);
    if (!leaf) {
      this.post({ type: 'chainResult', chain: chainProblem(block, now, 'The certificate\'s bytes could not be found in the file again (it changed?).', chainName, host) });
      return;
    }
    if (!chainUri) {
      this.post({
        type: 'chainResult',
        chain: chainProblem(block, now, 'No ca-chain.cert.pem was found next to this file or in a CA directory above it: choose the file that holds your root (and intermediate) certificates.', undefined, host),
      });
      return;
    }
    let chainCerts: { der: Buffer; selfIssued: boolean }[];
    try {
      const ders = certificateDers(await vscode.workspace.fs.readFile(chainUri));
      chainCerts = ders.flatMap((der) => {
        try {
          return [{ der, selfIssued: decodeCertificate(der).selfIssued }];
        } catch {
          return [];
        }
      });
    } catch (e) {
      this.post({ type: 'chainResult', chain: chainProblem(block, now, `The chain file could not be read: ${message(e)}`, chainName, host) });
      return;
    }
    if (!chainCerts.length) {
      this.post({ type: 'chainResult', chain: chainProblem(block, now, `${chainName} holds no certificate.`, chainName, host) });
      return;
    }
    const { anchors, intermediates } = splitChain(chainCerts);
    // the other certificates of the file under view help build the path (a fullchain.pem), untrusted
    const fromFile = [...all.entries()].filter(([fp]) => fp !== target.info?.fingerprints.sha256).map(([, der]) => der);
    try {
      const result = verifyChain({ leaf, anchors: anchors.map((a) => a.der), intermediates: [...intermediates.map((i) => i.der), ...fromFile], now, host });
      this.post({ type: 'chainResult', chain: chainView(block, result, chainName, host) });
    } catch (e) {
      this.post({ type: 'chainResult', chain: chainProblem(block, now, `The chain file could not be used: ${message(e)}`, chainName, host) });
    }
  }

  private async asn1(block: number): Promise<void> {
    const bytes = this.bytes ?? (await this.read());
    try {
      this.asn1Cache ??= decodeFile(bytes, { fileName: this.fileName, password: this.password, asn1: { maxNodes: 3000 } });
      const b = this.asn1Cache.find((x) => x.source.index === block);
      if (!b || b.kind === 'privateKey' || b.kind === 'pkcs12') {
        this.post({ type: 'asn1', block, error: 'No ASN.1 view for this block (private keys and PKCS#12 files are never shown raw).' });
        return;
      }
      this.post(b.asn1 ? { type: 'asn1', block, tree: b.asn1 } : { type: 'asn1', block, error: 'The block is not readable DER.' });
    } catch (e) {
      this.post({ type: 'asn1', block, error: message(e) });
    }
  }

  async handle(m: FromWebview): Promise<void> {
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        const state = await this.build();
        this.post({ type: 'init', state });
        return;
      }
      case 'rendered':
        this.report({ uri: this.uri.toString(), reason: m.reason, block: m.block, blockCount: m.blockCount, text: m.text, renderMs: m.renderMs, buildMs: this.buildMs, sinceOpenMs: Date.now() - this.openedAt });
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        this.post({ type: 'notice', text: `${m.what} copied` });
        return;
      case 'verifyChain':
        await this.verify(m.block, m.host, !!m.pick);
        return;
      case 'asn1Request':
        await this.asn1(m.block);
        return;
      case 'signCsr':
        await vscode.commands.executeCommand('workspaceCa.signCsr', this.uri);
        return;
      case 'unlockPkcs12': {
        // The password is asked here, in the host: passphrases never enter the webview (STYLE.md §8).
        const pw = await this.deps.prompter().showInputBox({
          title: `Password of ${this.fileName}`,
          prompt: 'The PKCS#12 password (it stays in memory while this viewer is open)',
          password: true,
          ignoreFocusOut: true,
        });
        if (pw === undefined) return;
        this.password = pw;
        const state = await this.build();
        this.post({ type: 'update', state });
        return;
      }
      case 'openAsText':
        await vscode.commands.executeCommand('vscode.openWith', this.uri, 'default');
        return;
      default:
        assertNever(m);
    }
  }

  private fail(e: unknown): void {
    console.error('workspace-ca: certificate viewer', e);
    this.post({ type: 'update', state: errorState(this.fileName, this.deps.now(), `Unexpected error: ${message(e)}`) });
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function keyMatch(k: PrivateKeyInfo, certs: { bySpki: Map<string, KeyMatch[]>; searched: number }): KeyMatchState {
  const hex = k.spkiSha256?.hex;
  const matches = hex ? certs.bySpki.get(hex) : undefined;
  return matches?.length ? { state: 'matched', matches, searched: certs.searched } : { state: 'none', searched: certs.searched };
}


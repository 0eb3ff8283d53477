/**
 * A read-only, in-memory file system (`workspace-ca-embedded:`) for certificates that have no file
 * of their own: a PEM block or base64 value inside a YAML/JSON/.env document, or the chain a TLS
 * server sent. The certificate viewer reads files through vscode.workspace.fs, so a
 * FileSystemProvider (not a TextDocumentContentProvider) is what lets it open them.
 */
import * as vscode from 'vscode';
import { sha256 } from '../../core/digest';

export class EmbeddedCertificateFs implements vscode.FileSystemProvider {
  static readonly scheme = 'workspace-ca-embedded';
  /** The view type the certificate viewer registers (src/extension/editor). */
  static readonly viewerViewType = 'workspaceCa.certificateViewer';
  /** Entries kept at most; the oldest go first (each is a few KB). */
  private static readonly MAX_ENTRIES = 200;
  private static readonly files = new Map<string, { data: Uint8Array; mtime: number }>();

  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  static register(context: vscode.ExtensionContext): EmbeddedCertificateFs {
    const provider = new EmbeddedCertificateFs();
    context.subscriptions.push(
      vscode.workspace.registerFileSystemProvider(EmbeddedCertificateFs.scheme, provider, { isReadonly: true, isCaseSensitive: true }),
      provider.changed,
    );
    return provider;
  }

  /**
   * Stores `data` under a name (the extension decides the viewer: .crt opens in the certificate
   * viewer) and returns its URI. The same bytes always get the same URI.
   */
  static put(name: string, data: Uint8Array | string): vscode.Uri {
    const bytes = typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'utf8')) : data;
    const id = sha256(bytes).toString('hex').slice(0, 16);
    const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'certificate.crt';
    const path = `/${id}/${safe}`;
    const files = EmbeddedCertificateFs.files;
    files.delete(path);
    files.set(path, { data: bytes, mtime: Date.now() });
    while (files.size > EmbeddedCertificateFs.MAX_ENTRIES) files.delete(files.keys().next().value as string);
    return vscode.Uri.from({ scheme: EmbeddedCertificateFs.scheme, path });
  }

  /**
   * Opens `data` in the certificate viewer; when the viewer is not available, as text (PEM) in a
   * read-only editor instead. Returns the URI opened.
   */
  static async openInViewer(name: string, data: Uint8Array | string): Promise<vscode.Uri> {
    const uri = EmbeddedCertificateFs.put(name, data);
    try {
      await vscode.commands.executeCommand('vscode.openWith', uri, EmbeddedCertificateFs.viewerViewType);
    } catch {
      const text = typeof data === 'string' ? data : Buffer.from(data).toString('base64');
      const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: text });
      await vscode.window.showTextDocument(doc, { preview: true });
    }
    return uri;
  }

  private entry(uri: vscode.Uri): { data: Uint8Array; mtime: number } {
    const e = EmbeddedCertificateFs.files.get(uri.path);
    if (!e) throw vscode.FileSystemError.FileNotFound(uri);
    return e;
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    if (uri.path === '/' || /^\/[0-9a-f]{16}$/.test(uri.path)) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0, permissions: vscode.FilePermission.Readonly };
    const e = this.entry(uri);
    return { type: vscode.FileType.File, ctime: e.mtime, mtime: e.mtime, size: e.data.byteLength, permissions: vscode.FilePermission.Readonly };
  }

  readFile(uri: vscode.Uri): Uint8Array {
    return this.entry(uri).data;
  }

  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
    const prefix = uri.path.endsWith('/') ? uri.path : `${uri.path}/`;
    return [...EmbeddedCertificateFs.files.keys()].filter((p) => p.startsWith(prefix)).map((p) => [p.slice(prefix.length), vscode.FileType.File]);
  }

  watch(): vscode.Disposable {
    // Entries never change: a URI names its bytes (hash).
    return new vscode.Disposable(() => undefined);
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}

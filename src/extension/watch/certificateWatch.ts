/**
 * Watching the workspace's certificates (issue 7): lint findings and expiry in the Problems panel
 * (with "Renew this certificate" as a quick fix), Explorer badges for expired, expiring and revoked
 * certificates, and a status bar item counting those about to expire. One debounced scan
 * (certificateScan.ts) feeds all three; file changes, index.txt changes, settings and the passing
 * of time trigger it.
 */
import * as vscode from 'vscode';
import { Finding } from '../../core/lint';
import { Command, Services, registerCommand, required } from '../commands/command';
import { CERT_GLOB, ScanResult, ScannedFile, WatchState, isCandidate, scanCertificates } from './certificateScan';

/** `source` of our diagnostics (the quick-fix provider keys on it). */
export const DIAGNOSTIC_SOURCE = 'Workspace CA';
export const SHOW_EXPIRING_COMMAND = 'workspaceCa.showExpiringCertificates';
const RENEW_COMMAND = 'workspaceCa.renewCertificate';
/** Findings that renewing the certificate fixes. */
const RENEWABLE = new Set(['expired', 'expiring-soon', 'not-yet-valid']);
const DEBOUNCE_MS = 500;
/** Time passes: rescan hourly so "expires in N days" stays true in a window left open. */
const RESCAN_MS = 3_600_000;

export interface WatchSettings {
  warnDays: number;
  maxFiles: number;
  enabled: boolean;
}

export function watchSettings(): WatchSettings {
  const c = vscode.workspace.getConfiguration('workspaceCa');
  const warnDays = c.get<number>('expiryWarningDays', 30);
  const maxFiles = c.get<number>('diagnostics.maxFiles', 1000);
  return {
    warnDays: Number.isFinite(warnDays) && warnDays >= 0 ? warnDays : 30,
    maxFiles: Number.isInteger(maxFiles) && maxFiles >= 0 ? maxFiles : 1000,
    enabled: c.get<boolean>('diagnostics.enabled', true),
  };
}

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class CertificateWatch implements vscode.FileDecorationProvider, vscode.CodeActionProvider, vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('workspaceCa');
  readonly statusBar = vscode.window.createStatusBarItem('workspaceCa.expiring', vscode.StatusBarAlignment.Left, 50);
  private readonly decorationsChanged = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;
  private readonly scanned = new vscode.EventEmitter<ScanResult>();
  /** Fires after every scan (tests wait on it). */
  readonly onDidScan = this.scanned.event;

  private byUri = new Map<string, ScannedFile>();
  private last: ScanResult = { files: [], truncated: false };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly now: () => Date,
    /** True when the file lies in a CA directory of the tree (renewal can work on it). */
    private readonly inCa: (uri: vscode.Uri) => boolean,
  ) {
    this.statusBar.name = 'Workspace CA: expiring certificates';
    this.statusBar.command = SHOW_EXPIRING_COMMAND;
  }

  static register(context: vscode.ExtensionContext, services: Services): CertificateWatch {
    const inCa = (uri: vscode.Uri) => services.tree.folders.some((f) => f.kind === 'folder' && uri.toString().startsWith(`${f.uri.toString()}/`));
    const watch = new CertificateWatch(() => services.now(), inCa);
    const files = vscode.workspace.createFileSystemWatcher(CERT_GLOB);
    const indexes = vscode.workspace.createFileSystemWatcher('**/index.txt');
    const onFile = (uri: vscode.Uri) => isCandidate(uri) && watch.refreshSoon();
    const showExpiring: Command = { id: SHOW_EXPIRING_COMMAND, writes: false, run: (s) => watch.showExpiring(s) };
    const hourly = setInterval(() => watch.refreshSoon(), RESCAN_MS);
    context.subscriptions.push(
      watch,
      files,
      indexes,
      files.onDidCreate(onFile),
      files.onDidChange(onFile),
      files.onDidDelete(onFile),
      indexes.onDidCreate(() => watch.refreshSoon()),
      indexes.onDidChange(() => watch.refreshSoon()),
      indexes.onDidDelete(() => watch.refreshSoon()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => watch.refreshSoon()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('workspaceCa') && watch.refreshSoon()),
      vscode.window.registerFileDecorationProvider(watch),
      vscode.languages.registerCodeActionsProvider({ pattern: '**/*.{crt,cer,pem,CRT,CER,PEM}' }, watch, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      registerCommand(services, showExpiring),
      new vscode.Disposable(() => clearInterval(hourly)),
    );
    watch.refreshSoon(1500);
    return watch;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.diagnostics.dispose();
    this.statusBar.dispose();
    this.decorationsChanged.dispose();
    this.scanned.dispose();
  }

  /** The last scan. */
  get files(): readonly ScannedFile[] {
    return this.last.files;
  }

  /** Debounced: a burst of file events (an issuance writes several files) causes one scan. */
  refreshSoon(delayMs = DEBOUNCE_MS): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  /** Scans now (after a scan already running); resolves when the results are published. */
  refresh(): Promise<void> {
    this.queue = this.queue.then(() => this.scanOnce()).catch((e) => console.error('workspace-ca: certificate scan failed', e));
    return this.queue;
  }

  private async scanOnce(): Promise<void> {
    if (this.disposed) return;
    const s = watchSettings();
    const result: ScanResult = s.enabled && vscode.workspace.workspaceFolders?.length ? await scanCertificates({ now: this.now(), warnDays: s.warnDays, maxFiles: s.maxFiles }) : { files: [], truncated: false };
    if (this.disposed) return;
    const before = [...this.byUri.values()].filter((f) => decorationOf(f)).map((f) => f.uri);
    this.last = result;
    this.byUri = new Map(result.files.map((f) => [f.uri.toString(), f]));
    this.publishDiagnostics(result);
    this.updateStatusBar(result);
    const after = result.files.filter((f) => decorationOf(f)).map((f) => f.uri);
    this.decorationsChanged.fire([...before, ...after]);
    this.scanned.fire(result);
  }

  private publishDiagnostics(result: ScanResult): void {
    this.diagnostics.clear();
    for (const f of result.files) {
      const list: vscode.Diagnostic[] = [];
      if (f.problem) {
        const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), f.problem, vscode.DiagnosticSeverity.Error);
        d.source = DIAGNOSTIC_SOURCE;
        d.code = 'unreadable';
        list.push(d);
      }
      for (const lint of f.lints) {
        const range = new vscode.Range(lint.startLine ?? 0, 0, lint.endLine ?? lint.startLine ?? 0, Number.MAX_SAFE_INTEGER);
        for (const finding of lint.findings) {
          const d = new vscode.Diagnostic(range, finding.fix ? `${finding.message}\nFix: ${finding.fix}` : finding.message, SEVERITY[finding.severity]);
          d.source = DIAGNOSTIC_SOURCE;
          d.code = finding.code;
          list.push(d);
        }
      }
      if (f.state === 'revoked') {
        const first = f.lints[0];
        const d = new vscode.Diagnostic(new vscode.Range(first?.startLine ?? 0, 0, first?.endLine ?? 0, Number.MAX_SAFE_INTEGER), `The certificate '${f.label}' was ${f.message} by its CA (index.txt): clients that check revocation refuse it`, vscode.DiagnosticSeverity.Warning);
        d.source = DIAGNOSTIC_SOURCE;
        d.code = 'revoked';
        list.push(d);
      }
      if (list.length) this.diagnostics.set(f.uri, list);
    }
  }

  /** Certificates (each once) that need renewing soon, or already, most urgent first. */
  expiring(): { expiring: ScannedFile[]; expired: ScannedFile[] } {
    const seen = new Map<string, ScannedFile>();
    for (const f of this.last.files) {
      if (!f.fingerprint || (f.state !== 'expiring' && f.state !== 'expired')) continue;
      const prev = seen.get(f.fingerprint);
      // the certificate's own file rather than a chain file that also holds it
      if (!prev || (/ca-chain|fullchain|chain/i.test(prev.uri.path) && !/chain/i.test(f.uri.path))) seen.set(f.fingerprint, f);
    }
    const all = [...seen.values()];
    return {
      expiring: all.filter((f) => f.state === 'expiring').sort((a, b) => a.days - b.days),
      expired: all.filter((f) => f.state === 'expired').sort((a, b) => a.days - b.days),
    };
  }

  private updateStatusBar(result: ScanResult): void {
    const { expiring, expired } = this.expiring();
    if (!expiring.length && !expired.length) {
      this.statusBar.hide();
      return;
    }
    const parts: string[] = [];
    if (expiring.length) parts.push(`${expiring.length} expiring`);
    if (expired.length) parts.push(`${expired.length} expired`);
    this.statusBar.text = `$(${expired.length ? 'error' : 'warning'}) ${parts.join(', ')}`;
    const soonest = expiring[0];
    this.statusBar.tooltip = `Workspace CA: ${expiring.length} certificate${expiring.length === 1 ? '' : 's'} expiring within ${watchSettings().warnDays} days${soonest ? ` (soonest: ${soonest.label}, ${soonest.message})` : ''}${expired.length ? `, ${expired.length} expired` : ''}${result.truncated ? ' (only the first files were scanned: workspaceCa.diagnostics.maxFiles)' : ''}. Click for the list.`;
    this.statusBar.backgroundColor = expired.length ? new vscode.ThemeColor('statusBarItem.errorBackground') : new vscode.ThemeColor('statusBarItem.warningBackground');
    this.statusBar.show();
  }

  /** The status bar item's command: a quick pick of those certificates; choosing one opens it. */
  async showExpiring(services: Services): Promise<vscode.Uri | undefined> {
    const { expiring, expired } = this.expiring();
    const items = [...expiring, ...expired].map((f) => ({
      label: `$(${f.state === 'expired' ? 'error' : 'warning'}) ${f.label}`,
      description: f.message,
      detail: vscode.workspace.asRelativePath(f.uri),
      file: f,
    }));
    if (!items.length) {
      void services.prompter().showInformationMessage(`No certificate in the workspace expires within ${watchSettings().warnDays} days.`);
      return undefined;
    }
    const picked = required(await services.prompter().showQuickPick(items, { title: 'Certificates expiring soon', placeHolder: 'Open a certificate', matchOnDescription: true, matchOnDetail: true }));
    await vscode.commands.executeCommand('vscode.open', picked.file.uri);
    return picked.file.uri;
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const f = this.byUri.get(uri.toString());
    return f ? decorationOf(f) : undefined;
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range | vscode.Selection, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = ctx.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && RENEWABLE.has(String(typeof d.code === 'object' ? d.code.value : d.code)));
    if (!ours.length || !this.inCa(doc.uri)) return [];
    const action = new vscode.CodeAction('Renew this certificate', vscode.CodeActionKind.QuickFix);
    action.command = { command: RENEW_COMMAND, title: 'Renew this certificate', arguments: [doc.uri] };
    action.diagnostics = ours;
    action.isPreferred = true;
    return [action];
  }
}

const BADGES: Partial<Record<WatchState, { badge: (f: ScannedFile) => string; color: string; words: string }>> = {
  expired: { badge: () => '✗', color: 'list.errorForeground', words: 'Certificate expired' },
  // the badge holds at most two characters: the days left when they fit
  expiring: { badge: (f) => (f.days < 100 ? String(f.days) : '!'), color: 'list.warningForeground', words: 'Certificate expiring' },
  revoked: { badge: () => 'R', color: 'gitDecoration.deletedResourceForeground', words: 'Certificate revoked' },
  notYetValid: { badge: () => '…', color: 'list.warningForeground', words: 'Certificate not valid yet' },
};

function decorationOf(f: ScannedFile): vscode.FileDecoration | undefined {
  const b = BADGES[f.state];
  if (!b) return undefined;
  const d = new vscode.FileDecoration(b.badge(f), `${b.words}: ${f.label} ${f.message}`, new vscode.ThemeColor(b.color));
  d.propagate = false;
  return d;
}

/**
 * Certificates inside other text (issue 7): a PEM block in a .env file or source code, a base64
 * value that decodes to one (a Kubernetes Secret's `tls.crt:`). core's findEmbeddedCertificates
 * finds them (bounded work); this gives them a hover with the decoded summary and a CodeLens above
 * them with "Open decoded", which opens the DER in the certificate viewer through the
 * `workspace-ca-embedded:` file system.
 */
import * as vscode from 'vscode';
import { EmbeddedCertificate, findEmbeddedCertificates } from '../../core/embedded';
import { EmbeddedCertificateFs } from './embeddedFs';

/** Opens one embedded certificate (the CodeLens and hover link run it). Arguments: DER base64, a name. */
export const OPEN_EMBEDDED_COMMAND = 'workspaceCa.openEmbeddedCertificate';

/** Documents we look into: text on disk and unsaved; not our own virtual files, not output panes. */
const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }];

/** Documents longer than this are not scanned as you type (core also bounds the scan). */
const MAX_DOCUMENT_CHARS = 4_000_000;

export class EmbeddedCertificateProvider implements vscode.HoverProvider, vscode.CodeLensProvider {
  private readonly cache = new WeakMap<vscode.TextDocument, { version: number; at: number; certs: EmbeddedCertificate[] }>();
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;

  constructor(
    private readonly now: () => Date,
    private readonly warnDays: () => number,
  ) {}

  static register(context: vscode.ExtensionContext, deps: { now: () => Date }): EmbeddedCertificateProvider {
    const warnDays = () => vscode.workspace.getConfiguration('workspaceCa').get<number>('expiryWarningDays', 30);
    const provider = new EmbeddedCertificateProvider(deps.now, warnDays);
    EmbeddedCertificateFs.register(context);
    context.subscriptions.push(
      vscode.languages.registerHoverProvider(SELECTOR, provider),
      vscode.languages.registerCodeLensProvider(SELECTOR, provider),
      vscode.commands.registerCommand(OPEN_EMBEDDED_COMMAND, (derBase64: unknown, name: unknown) => provider.open(derBase64, name)),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('workspaceCa.expiryWarningDays') && provider.lensesChanged.fire()),
      provider.lensesChanged,
    );
    return provider;
  }

  /** Certificates of a document, scanned once per version. */
  certificates(doc: vscode.TextDocument): EmbeddedCertificate[] {
    const hit = this.cache.get(doc);
    const now = this.now();
    // the summary says "expires in N days": rescan when the (possibly pinned) clock moved
    if (hit && hit.version === doc.version && hit.at === now.getTime()) return hit.certs;
    const text = doc.getText();
    const certs = text.length > MAX_DOCUMENT_CHARS ? [] : findEmbeddedCertificates(text, { now, warnDays: this.warnDays() }).certificates;
    this.cache.set(doc, { version: doc.version, at: now.getTime(), certs });
    return certs;
  }

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const hits = this.certificates(doc).filter((c) => toRange(c).contains(position));
    if (!hits.length) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [OPEN_EMBEDDED_COMMAND] };
    hits.forEach((c, i) => {
      if (i) md.appendMarkdown('\n\n---\n\n');
      appendSummary(md, c);
    });
    return new vscode.Hover(md, toRange(hits[0]));
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    for (const c of this.certificates(doc)) {
      const line = new vscode.Range(c.range.startLine, 0, c.range.startLine, 0);
      const args = [c.derBase64, nameOf(c)];
      const prefix = c.index > 0 ? `#${c.index + 1} ` : '';
      lenses.push(new vscode.CodeLens(line, { title: `${prefix}${c.summary.text}`, command: OPEN_EMBEDDED_COMMAND, arguments: args, tooltip: 'Open the decoded certificate' }));
      lenses.push(new vscode.CodeLens(line, { title: 'Open decoded', command: OPEN_EMBEDDED_COMMAND, arguments: args, tooltip: 'Open the decoded certificate in the certificate viewer' }));
    }
    return lenses;
  }

  /** Writes the DER to the virtual file system and opens it in the certificate viewer. */
  async open(derBase64: unknown, name: unknown): Promise<vscode.Uri | undefined> {
    if (typeof derBase64 !== 'string' || !derBase64) return undefined;
    const base = typeof name === 'string' && name ? name : 'certificate';
    return EmbeddedCertificateFs.openInViewer(`${base}.crt`, new Uint8Array(Buffer.from(derBase64, 'base64')));
  }
}

function toRange(c: EmbeddedCertificate): vscode.Range {
  return new vscode.Range(c.range.startLine, c.range.startCharacter, c.range.endLine, c.range.endCharacter);
}

function nameOf(c: EmbeddedCertificate): string {
  return (c.summary.commonName ?? c.summary.subject ?? 'certificate').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'certificate';
}

const ENCODINGS: Record<EmbeddedCertificate['encoding'], string> = {
  pem: 'PEM block',
  'base64-pem': 'base64 of PEM (e.g. a Kubernetes Secret)',
  'base64-der': 'base64 of DER',
};

/**
 * A certificate field as an inline code span: literal text, no markdown (backticks cannot break
 * out of a double-backtick span). Line breaks would end
 * the span (a blank line starts new, live markdown: links, command URIs), and control and bidi
 * characters would reorder or hide text: all are shown as escapes (issue 9.4).
 */
function code(s: string): string {
  // eslint-disable-next-line no-control-regex
  const visible = s.replace(/`/g, "'").replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `\`\` ${visible} \`\``;
}

function appendSummary(md: vscode.MarkdownString, c: EmbeddedCertificate): void {
  const s = c.summary;
  const exp = s.expiry;
  const icon = exp?.state === 'expired' ? '$(error)' : exp?.state === 'expiring' || exp?.state === 'notYetValid' ? '$(warning)' : '$(verified)';
  md.appendMarkdown(`${icon} **Certificate** ${c.index > 0 ? `#${c.index + 1} ` : ''}(${ENCODINGS[c.encoding]})\n\n`);
  md.appendMarkdown(`${code(s.text)}\n\n`);
  const rows: [string, string][] = [
    ['Subject', s.subject || '(empty)'],
    ['Issuer', s.selfIssued ? `${s.issuer} (self-issued)` : s.issuer],
    ['Valid', `${s.notBefore.slice(0, 10)} to ${s.notAfter.slice(0, 10)}${exp ? ` (${exp.message})` : ''}`],
  ];
  if (s.sans.length) rows.push(['Names', s.sans.join(', ')]);
  rows.push(['Key', s.key], ['Signature', s.signatureAlgorithm], ['Serial', s.serial], ['SHA-256', s.sha256]);
  if (s.isCa) rows.push(['CA', 'yes']);
  for (const [k, v] of rows) md.appendMarkdown(`- ${k}: ${code(v)}\n`);
  const args = encodeURIComponent(JSON.stringify([c.derBase64, nameOf(c)]));
  md.appendMarkdown(`\n[$(preview) Open decoded](command:${OPEN_EMBEDDED_COMMAND}?${args} "Open in the certificate viewer")`);
}

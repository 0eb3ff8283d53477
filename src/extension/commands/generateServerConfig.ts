/**
 * "Generate Server Configuration…" on an issued certificate (issue 6): pick a target (nginx,
 * Apache, Tornado, ...), mutual TLS or not; core writes the text with the real paths and says which
 * derived files (full chain, combined PEM, unencrypted key) it needs; on request they are written
 * (secrets 0600, after a confirmation), plus a PKCS#12 where a client can use one. The text goes to
 * a new editor in the target's language, the cursor, or the clipboard.
 */
import * as vscode from 'vscode';
import { buildPkcs12, readCertificates } from '../../core/export';
import { dirname, join } from '../../core/ca/layout';
import { DeployFile, DeployFileRole, DeployInputs, SNIPPET_TARGETS, SNIPPET_TARGET_INFO, SnippetResult, SnippetTarget, certBaseName, generateSnippet, pendingFiles, writeDeployFiles } from '../../core/snippets';
import { MIN_PASSPHRASE, readPrivateKey } from '../../core/keys';
import { Command, Services, UserError, required } from './command';
import { WorkspaceFsPort } from '../fsPort';
import { confirmUnencryptedKey, deployCertUri, keyPassphrase, loadInputs, requireTrust, shown } from './deployShared';

/** Files core derives (and writes on request); the others are the CA's own files. */
const DERIVED = new Set<DeployFileRole>(['fullchain', 'combined', 'key-unencrypted']);
/** Targets that take a PKCS#12 file (Node's `pfx`, requests via requests-pkcs12, curl --cert-type P12). */
const PKCS12_USEFUL: readonly SnippetTarget[] = ['node', 'node-client', 'requests', 'curl'];
const PKCS12_LABEL = 'PKCS#12 (.p12): key and certificate chain in one password-protected file';

export type PathStyle = 'relative' | 'absolute';

export function pathStyle(scope: vscode.Uri): PathStyle {
  return vscode.workspace.getConfiguration('workspaceCa', scope).get<string>('snippets.pathStyle', 'relative') === 'absolute' ? 'absolute' : 'relative';
}

/** The language for the editor: the preferred one when installed, else the built-in fallback. */
export async function snippetLanguage(r: Pick<SnippetResult, 'languageId' | 'fallbackLanguageId'>): Promise<string> {
  const known = await vscode.languages.getLanguages();
  return known.includes(r.languageId) ? r.languageId : r.fallbackLanguageId;
}

const OUTPUTS = [
  { label: 'Open in a New Editor', id: 'editor' },
  { label: 'Insert at Cursor', id: 'insert' },
  { label: 'Copy to Clipboard', id: 'copy' },
] as const;

export const generateServerConfig: Command = {
  id: 'workspaceCa.generateServerConfig',
  // Showing a configuration reads only; writing its files is checked where it happens.
  writes: false,
  async run(services, arg) {
    const prompter = services.prompter();
    const certUri = deployCertUri(arg, 'server configuration');
    const name = shown(certUri, certUri.path);

    const target = required(
      await prompter.showQuickPick(
        SNIPPET_TARGETS.map((t) => ({ label: SNIPPET_TARGET_INFO[t].label, description: SNIPPET_TARGET_INFO[t].description, target: t })),
        { title: `Generate configuration for ${name}`, placeHolder: 'Server or client to configure', matchOnDescription: true },
      ),
    ).target;
    const info = SNIPPET_TARGET_INFO[target];
    const mtls = required(
      await prompter.showQuickPick(
        [
          { label: 'Server authentication only', description: 'plain TLS', mtls: false },
          { label: 'Mutual TLS', description: info.role === 'server' ? 'require client certificates from this CA' : 'present this certificate as the client certificate', mtls: true },
        ],
        { title: `${info.label}: mutual TLS?`, placeHolder: 'Client certificates' },
      ),
    ).mtls;

    const { port, inputs } = await loadInputs(services, certUri, { clientCertPath: mtls && info.role === 'client' ? certUri.path : undefined });
    const folder = vscode.workspace.getWorkspaceFolder(certUri);
    const absolute = pathStyle(certUri) === 'absolute' || !folder;
    const options = { mtls, absolute, relativeTo: folder ? port.pathOf(folder.uri) : undefined };
    let r = generateSnippet(target, inputs, options);

    // Derived files the text refers to that do not exist yet (or not with these contents).
    const derived = r.files.filter((f) => DERIVED.has(f.role) && !f.created && !upToDate(inputs.existing, f));
    const items: { label: string; description?: string; picked: boolean; file?: DeployFile; p12?: boolean }[] = derived.map((f) => ({ label: shown(certUri, f.path), description: f.purpose, picked: true, file: f }));
    if (PKCS12_USEFUL.includes(target) && inputs.key) items.push({ label: PKCS12_LABEL, description: 'optional', picked: false, p12: true });
    let written: string[] = [];
    if (items.length) {
      const chosen = required(await prompter.showQuickPickMany(items, { title: `${info.label}: create these files?`, placeHolder: 'Files the configuration uses that do not exist yet (none: just show the text)' }));
      const files = chosen.filter((c) => c.file).map((c) => c.file as DeployFile);
      const p12 = chosen.some((c) => c.p12);
      if (files.length || p12) {
        requireTrust();
        const secrets = files.filter((f) => f.secret);
        if (secrets.length && !(await confirmUnencryptedKey(services, secrets.map((f) => shown(certUri, f.path)).join(' and '), 'Create Files'))) return undefined;
        // Unencrypted copies of an encrypted key have no contents until the passphrase is known.
        const needPass = p12 || secrets.some((f) => f.contents === undefined);
        const pass = needPass ? await keyPassphrase(services, inputs, p12 && !secrets.length ? 'for the PKCS#12 file' : `to write the unencrypted copy ${info.label} reads`) : undefined;
        if (pass !== undefined) r = generateSnippet(target, inputs, { ...options, keyPassphrase: pass });
        const wanted = new Set(files.map((f) => f.path));
        const out = await writeDeployFiles(port, pendingFiles(r).filter((f) => wanted.has(f.path)));
        written = out.map((f) => f.path);
        if (p12) written.push(await writePkcs12(services, port, inputs, pass));
      }
    }

    const language = await snippetLanguage(r);
    const editor = vscode.window.activeTextEditor;
    const outputs = OUTPUTS.filter((o) => o.id !== 'insert' || (editor && !editor.document.isClosed));
    const output = required(await prompter.showQuickPick(outputs, { title: `${info.label} configuration for ${name}`, placeHolder: 'Where should the configuration go?' })).id;
    let document: vscode.Uri | undefined;
    if (output === 'editor') {
      const doc = await vscode.workspace.openTextDocument({ language, content: r.text });
      await vscode.window.showTextDocument(doc, { preview: false });
      document = doc.uri;
    } else if (output === 'insert' && editor) {
      const ok = await editor.edit((e) => e.replace(editor.selection, r.text));
      if (!ok) throw new UserError('The editor did not accept the text (is it read-only?).');
      document = editor.document.uri;
    } else {
      await vscode.env.clipboard.writeText(r.text);
    }

    const notes = [...r.warnings];
    const missing = pendingFiles(r).filter((f) => !written.includes(f.path));
    if (missing.length) notes.push(`Not created yet: ${missing.map((f) => shown(certUri, f.path)).join(', ')}`);
    const head = `${info.label} configuration ${output === 'copy' ? 'copied to the clipboard' : output === 'insert' ? 'inserted' : 'opened'}${written.length ? `; wrote ${written.map((p) => shown(certUri, p)).join(', ')}` : ''}.`;
    if (notes.length) void prompter.showWarningMessage(`${head} ${notes.join('. ')}.`, {});
    else void prompter.showInformationMessage(head);
    return { target, languageId: language, text: r.text, document, written, warnings: r.warnings };
  },
};

/**
 * A derived file core found up to date has no contents and exists; one without contents that does
 * not exist (an encrypted key and no passphrase yet) is still to be made.
 */
function upToDate(existing: Record<string, Uint8Array> | undefined, f: DeployFile): boolean {
  return f.contents === undefined && !!existing && f.path in existing;
}

async function writePkcs12(services: Services, port: WorkspaceFsPort, inputs: DeployInputs, keyPass: string | undefined): Promise<string> {
  const prompter = services.prompter();
  const password = required(
    await prompter.showInputBox({
      title: 'Password for the PKCS#12 file',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.length < MIN_PASSPHRASE ? `At least ${MIN_PASSPHRASE} characters` : undefined),
    }),
  );
  if (!inputs.key) throw new UserError(`No private key found for ${inputs.cert.path}.`);
  const key = readPrivateKey(inputs.key.pem, keyPass);
  const certs = [...readCertificates(Buffer.from(inputs.cert.pem)), ...readCertificates(Buffer.from(inputs.chain.pem))];
  const base = certBaseName(inputs.cert.path);
  const der = buildPkcs12({ key, certs: [certs[0], ...certs.slice(1).filter((c, i, all) => all.findIndex((x) => x.der.equals(c.der)) === i && !c.der.equals(certs[0].der))], password, friendlyName: base });
  const path = join(inputs.privateDir ?? dirname(inputs.key.path), `${base}.p12`);
  await port.writeFile(path, der, { mode: 0o600 });
  await port.chmod(path, 0o600);
  return path;
}

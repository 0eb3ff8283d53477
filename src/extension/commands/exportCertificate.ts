import * as vscode from 'vscode';
import { buildPkcs12, certsToPem, fullchain, keyAndCertsPem, readCertificates } from '../../core/export';
import { MIN_PASSPHRASE } from '../../core/keys';
import { WorkspaceFsPort } from '../fsPort';
import { Command, required } from './command';
import { certBase, certFileArg, findChain, findKey, openKey } from './fileArgs';
import { withProgress } from './shared';
import { wizard } from './wizard';

type Format = 'p12' | 'der' | 'fullchain' | 'pem';

const FORMATS: { label: string; description: string; format: Format; ext: string }[] = [
  { label: 'PKCS#12 (.p12)', description: 'key + certificate + chain, password protected (Windows, Java, browsers)', format: 'p12', ext: 'p12' },
  { label: 'DER (.cer)', description: 'the certificate alone, binary', format: 'der', ext: 'cer' },
  { label: 'Full chain PEM', description: 'certificate + intermediates, no root (nginx ssl_certificate)', format: 'fullchain', ext: 'fullchain.pem' },
  { label: 'Key + certificate PEM', description: 'unencrypted key + full chain in one file (HAProxy, stunnel)', format: 'pem', ext: 'key-and-cert.pem' },
];

/**
 * Exports a certificate as PKCS#12, DER, full chain or key + certificate PEM — the formats of
 * `workspace-ca export`, built by core's export functions. The key is found in ../private and the
 * chain in ca-chain.cert.pem (else asked for); files holding a key are written 0600.
 */
export const exportCertificate: Command = {
  id: 'workspaceCa.exportCertificate',
  writes: true,
  async run(services, arg) {
    const prompter = services.prompter();
    const certUri = await certFileArg(services, arg, 'Export a Certificate');
    const name = certBase(certUri);
    const [leaf] = readCertificates(await vscode.workspace.fs.readFile(certUri));
    const format = required(await prompter.showQuickPick(FORMATS, { title: `Export ${name}: format`, placeHolder: 'Which format?' }));
    const chainUri = format.format === 'der' ? undefined : await findChain(services, certUri);
    const chain = chainUri ? readCertificates(await vscode.workspace.fs.readFile(chainUri)) : [];
    const full = fullchain(leaf, chain);

    let data: Buffer;
    if (format.format === 'der') data = leaf.der;
    else if (format.format === 'fullchain') data = Buffer.from(certsToPem(full), 'utf8');
    else {
      const keyUri =
        (await findKey(certUri)) ??
        required(await prompter.showOpenDialog({ title: `Export ${name}: pick its private key`, canSelectMany: false, openLabel: 'Use this key', filters: { 'Private keys': ['pem', 'key'] } }))[0];
      const key = await openKey(prompter, keyUri);
      if (format.format === 'pem') data = Buffer.from(keyAndCertsPem(key, full), 'utf8');
      else {
        const st: { password?: string } = {};
        await wizard(prompter, st, [
          async (ui, s) => {
            s.password = await ui.input({
              title: `Export ${name}: PKCS#12 password`,
              prompt: `At least ${MIN_PASSPHRASE} characters; whoever imports the file needs it.`,
              password: true,
              validateInput: (v) => (v.length < MIN_PASSPHRASE ? `Use at least ${MIN_PASSPHRASE} characters.` : undefined),
            });
          },
          async (ui, s) => {
            await ui.input({ title: `Export ${name}: repeat the PKCS#12 password`, password: true, validateInput: (v) => (v !== s.password ? 'The two passwords differ.' : undefined) });
          },
        ]);
        data = await withProgress('Building the PKCS#12 file…', async () => buildPkcs12({ key, certs: full, password: st.password as string, friendlyName: name }));
      }
    }
    const dest = required(
      await prompter.showSaveDialog({ title: `Export ${name} as ${format.label}`, defaultUri: vscode.Uri.joinPath(certUri, '..', `${name}.${format.ext}`), filters: { [format.label]: [format.ext.split('.').pop() as string] } }),
    );
    const secret = format.format === 'p12' || format.format === 'pem';
    await WorkspaceFsPort.for(dest).writeFile(dest.path, data, { mode: secret ? 0o600 : 0o644 });
    const notes = [
      format.format !== 'der' && !chainUri && leaf.issuer && full.length === 1 ? 'no ca-chain.cert.pem was found, so the file holds the certificate without its chain' : '',
      format.format === 'pem' ? 'the key in it is not encrypted: keep the file private' : '',
    ].filter(Boolean);
    const text = `Exported ${name} as ${format.label} to ${vscode.workspace.asRelativePath(dest)} (${full.length} certificate(s)).${notes.length ? ` Note: ${notes.join('; ')}.` : ''}`;
    void (notes.length ? prompter.showWarningMessage(text, {}) : prompter.showInformationMessage(text));
    return { file: dest, format: format.format, certificates: format.format === 'der' ? 1 : full.length };
  },
};

import * as vscode from 'vscode';
import { createCsr as coreCreateCsr } from '../../core/csr';
import { DnInput } from '../../core/der/name';
import { parseSans, sanFromCommonName, formatSan } from '../../core/san';
import { WorkspaceFsPort } from '../fsPort';
import { settings } from '../settings';
import { Command, required } from './command';
import { openKey } from './fileArgs';
import { withProgress } from './shared';
import { dnStep, sanProblem, wizard } from './wizard';

const TITLE = 'Create a Certificate Request';

interface State {
  cn: string;
  dn: DnInput;
  sanText: string;
}

/**
 * A PKCS#10 request signed with an existing key: pick the key (or right-click it in the explorer),
 * then common name, subject fields (defaults from settings) and alternative names (checked as
 * typed). A key in <ca>/private gets its request in <ca>/csr, where the tree lists it as pending.
 */
export const createCsr: Command = {
  id: 'workspaceCa.createCsr',
  writes: true,
  async run(services, arg) {
    const prompter = services.prompter();
    const keyUri =
      arg instanceof vscode.Uri
        ? arg
        : required(await prompter.showOpenDialog({ title: `${TITLE}: pick the private key`, canSelectMany: false, openLabel: 'Use this key', filters: { 'Private keys': ['pem', 'key'] } }))[0];
    const privateKey = await openKey(prompter, keyUri);
    const keyName = keyUri.path.slice(keyUri.path.lastIndexOf('/') + 1);
    const guess = keyName.replace(/(\.key)?\.(pem|key)$/i, '');
    const s: State = { cn: guess === keyName ? '' : guess, dn: { ...settings(keyUri).defaultSubject }, sanText: '' };
    await wizard(prompter, s, [
      async (ui, st) => {
        st.cn = (
          await ui.input({
            title: `${TITLE}: common name`,
            prompt: 'Usually the host name (www.example.com) or the person the certificate is for.',
            value: st.cn,
            validateInput: (v) => (v.trim() ? undefined : 'Enter a common name.'),
          })
        ).trim();
      },
      dnStep(TITLE),
      async (ui, st) => {
        const implied = sanFromCommonName(st.cn);
        st.sanText = await ui.input({
          title: `${TITLE}: alternative names`,
          prompt: 'DNS names, IP addresses, email:, URI:, comma separated (e.g. www.example.com, IP:10.0.0.1). Empty for none.',
          value: st.sanText || (implied ? formatSan(implied).replace(/^DNS:/, '') : ''),
          validateInput: sanProblem,
        });
      },
    ]);
    const inPrivate = /\/private\/[^/]+$/.test(keyUri.path);
    const csrName = `${guess === keyName ? s.cn.replace(/[^A-Za-z0-9._-]+/g, '_') : guess}.csr.pem`;
    const defaultUri = inPrivate ? vscode.Uri.joinPath(keyUri, '..', '..', 'csr', csrName) : vscode.Uri.joinPath(keyUri, '..', csrName);
    const dest = required(await prompter.showSaveDialog({ title: `${TITLE}: save as`, defaultUri, filters: { 'Certificate request': ['csr', 'pem'] } }));
    const subject: DnInput = { ...s.dn, CN: s.cn };
    const csr = await withProgress('Signing the request…', async () => coreCreateCsr({ privateKey, subject, sans: parseSans(s.sanText) }));
    await WorkspaceFsPort.for(dest).writeFile(dest.path, Buffer.from(csr.pem, 'utf8'));
    void prompter.showInformationMessage(`Wrote the certificate request ${vscode.workspace.asRelativePath(dest)} for "${s.cn}".`);
    if (services.tree.folderOf(dest)) await services.tree.reload(dest);
    return { csr: dest };
  },
};

import * as vscode from 'vscode';
import { KeyType, exportPrivateKey, generateKeyPair } from '../../core/keys';
import { WorkspaceFsPort } from '../fsPort';
import { Command, UserError, required } from './command';
import { keyTypeItems, withProgress } from './shared';
import { passphraseSteps, wizard } from './wizard';

const TITLE = 'Create a Private Key';

interface State {
  keyType?: KeyType;
  passphrase?: string;
}

/**
 * Writes a new private key (PKCS#8 PEM, mode 0600; AES-256 encrypted when a passphrase is given),
 * like `workspace-ca key`. From the explorer: in the folder right-clicked.
 */
export const createKey: Command = {
  id: 'workspaceCa.createKey',
  writes: true,
  async run(services, arg) {
    const prompter = services.prompter();
    const folder = arg instanceof vscode.Uri ? arg : vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder) throw new UserError('Open a folder first: the key is written into the workspace.');
    const s: State = {};
    await wizard(prompter, s, [
      async (ui, st) => {
        st.keyType = (await ui.pick(keyTypeItems(folder), { title: `${TITLE}: key type`, placeHolder: 'Key type' })).keyType;
      },
      ...passphraseSteps<State>('the new key', (st) => st.passphrase, (st, v) => (st.passphrase = v), true),
    ]);
    const dest = required(
      await prompter.showSaveDialog({ title: `${TITLE}: save as`, defaultUri: vscode.Uri.joinPath(folder, 'new.key.pem'), filters: { 'PEM private key': ['pem', 'key'] } }),
    );
    const keyType = s.keyType as KeyType;
    const pem = await withProgress('Generating the key…', async () => exportPrivateKey((await generateKeyPair(keyType)).privateKey, s.passphrase));
    await WorkspaceFsPort.for(dest).writeFile(dest.path, Buffer.from(pem, 'utf8'), { mode: 0o600 });
    const warn = s.passphrase === undefined ? ' It is not encrypted: keep it out of version control.' : '';
    void prompter.showInformationMessage(`Wrote the private key ${vscode.workspace.asRelativePath(dest)} (${keyType}, PKCS#8${s.passphrase !== undefined ? ', AES-256 encrypted' : ''}).${warn}`);
    return { key: dest, encrypted: s.passphrase !== undefined };
  },
};

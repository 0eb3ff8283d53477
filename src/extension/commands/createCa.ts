import * as vscode from 'vscode';
import { initRoot } from '../../core/ca/ca';
import { rootPaths } from '../../core/ca/layout';
import { WorkspaceFsPort } from '../fsPort';
import { PassphraseCache } from '../passphrases';
import { settings } from '../settings';
import { Command, UserError, required } from './command';
import { pickKeyType, report } from './shared';

/** Creates a self-signed root CA in a new folder of the workspace (the `workspace-ca init` layout). */
export const createCa: Command = {
  id: 'workspaceCa.createCa',
  writes: true,
  async run(services) {
    const prompter = services.prompter();
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.length) throw new UserError('Open a folder first: the CA is kept in a folder of the workspace.');
    const wsFolder =
      folders.length === 1
        ? folders[0]
        : required(await prompter.showQuickPick(folders.map((f) => ({ label: f.name, folder: f })), { title: 'Create a Root CA', placeHolder: 'In which workspace folder?' })).folder;
    const port = new WorkspaceFsPort(wsFolder.uri);

    const rel = required(
      await prompter.showInputBox({
        title: 'Create a Root CA: folder',
        prompt: 'Folder for the CA, relative to the workspace folder. It must not hold a CA yet.',
        value: 'ca',
        validateInput: async (v) => {
          const s = v.trim();
          if (!s) return 'Enter a folder name.';
          if (s.startsWith('/') || s.split(/[\\/]/).includes('..')) return 'Use a folder inside the workspace.';
          return (await port.stat(rootPaths(vscode.Uri.joinPath(wsFolder.uri, s).path).cert)) ? 'A CA already exists there.' : undefined;
        },
      }),
    ).trim();
    const dirUri = vscode.Uri.joinPath(wsFolder.uri, rel);
    const cfg = settings(dirUri);
    const cn = required(
      await prompter.showInputBox({
        title: 'Create a Root CA: common name',
        prompt: 'The name clients show for this CA, e.g. "Example Root CA".',
        value: `${wsFolder.name} Root CA`,
        validateInput: (v) => (v.trim() ? undefined : 'The root CA needs a common name.'),
      }),
    ).trim();
    const keyType = await pickKeyType(services, dirUri, 'Create a Root CA: key type');
    const passphrase = cfg.encryptKeys ? required(await PassphraseCache.askNew(prompter, 'the root CA key')) : undefined;

    const result = await initRoot({ fs: port, now: services.now }, dirUri.path, {
      subject: { ...cfg.defaultSubject, CN: cn },
      keyType,
      days: cfg.validityDays['root-ca'],
      passphrase,
    });
    const paths = rootPaths(dirUri.path);
    if (passphrase !== undefined) await services.passphrases.remember(port.uri(paths.key), passphrase);
    await report(services, `Created the root CA "${cn}" in ${rel}.`, result.warnings, port.uri(paths.cert));
    return { caDir: dirUri, files: result.files.map((f) => port.uri(f)) };
  },
};

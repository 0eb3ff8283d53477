/**
 * "Create Upload Bundle…": the files hosting panels ask for (core platformBundle): the certificate,
 * the private key WITHOUT a passphrase (after a warning), and the CA chain, plus certificate+chain
 * in one for forms with a single field, in a folder the user picks.
 */
import { platformBundle, writeDeployFiles } from '../../core/snippets';
import { Command } from './command';
import { confirmUnencryptedKey, deployCertUri, keyPassphrase, loadInputs, pickFolder, shown } from './deployShared';

export const createUploadBundle: Command = {
  id: 'workspaceCa.createUploadBundle',
  writes: true,
  async run(services, arg) {
    const prompter = services.prompter();
    const certUri = deployCertUri(arg, 'upload bundle');
    const { port, inputs } = await loadInputs(services, certUri);
    if (!(await confirmUnencryptedKey(services, 'The upload bundle', 'Create Bundle'))) return undefined;
    const folder = await pickFolder(services, 'Folder for the upload bundle (certificate, key, CA chain)', certUri);
    const pass = await keyPassphrase(services, inputs, 'upload forms need it without one');
    const bundle = platformBundle(inputs, { outDir: port.pathOf(folder), keyPassphrase: pass });

    const clashes: string[] = [];
    for (const f of bundle.files) if (await port.stat(f.path)) clashes.push(shown(folder, f.path));
    if (clashes.length) {
      const ok = await prompter.showWarningMessage(`${clashes.join(', ')} already exist${clashes.length === 1 ? 's' : ''}. Overwrite?`, { modal: true }, 'Overwrite');
      if (ok !== 'Overwrite') return undefined;
    }
    await port.mkdir(port.pathOf(folder));
    await writeDeployFiles(port, bundle.files);
    const fields = bundle.fields.map((f) => `${f.field}: ${shown(folder, f.path)}`).join('; ');
    void prompter.showWarningMessage(`Upload bundle written. ${fields}. ${bundle.warnings.join('. ')}.`, {});
    return { files: bundle.files.map((f) => f.path), fields: bundle.fields };
  },
};

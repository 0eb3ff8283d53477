import * as vscode from 'vscode';
import { createIntermediate, initRoot } from '../../core/ca/ca';
import { intermediatePaths, rootPaths } from '../../core/ca/layout';
import { DnInput } from '../../core/der/name';
import { KeyType } from '../../core/keys';
import { WorkspaceFsPort } from '../fsPort';
import { settings } from '../settings';
import { Command, UserError } from './command';
import { keyTypeItems, report, withProgress } from './shared';
import { daysStep, dnStep, passphraseSteps, wizard } from './wizard';

const TITLE = 'Create a Root CA';

interface State {
  folder?: vscode.WorkspaceFolder;
  rel: string;
  cn: string;
  dn: DnInput;
  keyType?: KeyType;
  days: number;
  passphrase?: string;
  withIntermediate: boolean;
  interCn: string;
  interDays: number;
  interPassphrase?: string;
}

/**
 * Creates a self-signed root CA in a new folder of the workspace (the `workspace-ca init` layout),
 * optionally with its intermediate CA in <folder>/intermediate. Guided: folder, name, subject,
 * key type, validity, passphrase, intermediate — each step validated, Back to correct one.
 */
export const createCa: Command = {
  id: 'workspaceCa.createCa',
  writes: true,
  async run(services) {
    const prompter = services.prompter();
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.length) throw new UserError('Open a folder first: the CA is kept in a folder of the workspace.');
    const cfg = settings(folders[0].uri);
    const encrypt = cfg.encryptKeys;
    const s: State = {
      folder: folders.length === 1 ? folders[0] : undefined,
      rel: 'ca',
      cn: '',
      dn: { ...cfg.defaultSubject },
      days: cfg.validityDays['root-ca'],
      withIntermediate: false,
      interCn: '',
      interDays: cfg.validityDays['intermediate-ca'],
    };
    const port = () => new WorkspaceFsPort((s.folder as vscode.WorkspaceFolder).uri);
    await wizard(prompter, s, [
      async (ui, st) => {
        if (folders.length === 1) return;
        st.folder = (await ui.pick(folders.map((f) => ({ label: f.name, folder: f })), { title: `${TITLE}: workspace folder`, placeHolder: 'In which workspace folder?' })).folder;
      },
      async (ui, st) => {
        const base = (st.folder as vscode.WorkspaceFolder).uri;
        st.rel = (
          await ui.input({
            title: `${TITLE}: folder`,
            prompt: 'Folder for the CA, relative to the workspace folder. It must not hold a CA yet.',
            value: st.rel,
            validateInput: async (v) => {
              const t = v.trim();
              if (!t) return 'Enter a folder name.';
              if (t.startsWith('/') || t.split(/[\\/]/).includes('..')) return 'Use a folder inside the workspace.';
              return (await port().stat(rootPaths(vscode.Uri.joinPath(base, t).path).cert)) ? 'A CA already exists there.' : undefined;
            },
          })
        ).trim();
      },
      async (ui, st) => {
        st.cn = (
          await ui.input({
            title: `${TITLE}: common name`,
            prompt: 'The name clients show for this CA, e.g. "Example Root CA".',
            value: st.cn || `${(st.folder as vscode.WorkspaceFolder).name} Root CA`,
            validateInput: (v) => (v.trim() ? undefined : 'The root CA needs a common name.'),
          })
        ).trim();
      },
      dnStep(TITLE),
      async (ui, st) => {
        st.keyType = (await ui.pick(keyTypeItems((st.folder as vscode.WorkspaceFolder).uri), { title: `${TITLE}: key type`, placeHolder: 'Key type (used for the intermediate too)' })).keyType;
      },
      daysStep<State>(TITLE, (st) => st.days, (st, v) => (st.days = v), ' Root CAs usually live 10–20 years.'),
      ...(encrypt ? passphraseSteps<State>('the root CA key', (st) => st.passphrase, (st, v) => (st.passphrase = v)) : []),
      async (ui, st) => {
        const choice = await ui.pick(
          [
            { label: 'Root and intermediate CA', description: 'recommended: the root key signs only the intermediate and then stays offline', inter: true },
            { label: 'Root CA only', inter: false },
          ],
          { title: `${TITLE}: intermediate CA`, placeHolder: 'Create an intermediate CA as well?' },
        );
        st.withIntermediate = choice.inter;
      },
      async (ui, st) => {
        if (!st.withIntermediate) return;
        st.interCn = (
          await ui.input({
            title: `${TITLE}: intermediate common name`,
            prompt: `Issued by "${st.cn}". Certificates for servers and clients are signed by the intermediate.`,
            value: st.interCn || (/\bRoot\b/i.test(st.cn) ? st.cn.replace(/\bRoot\b/i, 'Intermediate') : `${st.cn} Intermediate`),
            validateInput: (v) => (!v.trim() ? 'The intermediate CA needs a common name.' : v.trim() === st.cn ? 'Use a name different from the root CA.' : undefined),
          })
        ).trim();
      },
      daysStep<State>(`${TITLE}: intermediate`, (st) => st.interDays, (st, v) => (st.interDays = v), '', (st) => st.withIntermediate),
      ...(encrypt ? passphraseSteps<State>('the intermediate CA key', (st) => st.interPassphrase, (st, v) => (st.interPassphrase = v), false, (st) => st.withIntermediate) : []),
    ]);

    const wsFolder = s.folder as vscode.WorkspaceFolder;
    const p = new WorkspaceFsPort(wsFolder.uri);
    const dirUri = vscode.Uri.joinPath(wsFolder.uri, s.rel);
    const keyType = s.keyType as KeyType;
    const ctx = { fs: p, now: services.now, caPassphrase: async () => s.passphrase };
    const files: string[] = [];
    const warnings: string[] = [];
    await withProgress(`Creating the root CA "${s.cn}"…`, async () => {
      const root = await initRoot(ctx, dirUri.path, { subject: { ...s.dn, CN: s.cn }, keyType, days: s.days, passphrase: s.passphrase });
      files.push(...root.files);
      warnings.push(...root.warnings);
      if (s.withIntermediate) {
        const inter = await createIntermediate(ctx, dirUri.path, { subject: { ...s.dn, CN: s.interCn }, keyType, days: s.interDays, passphrase: s.interPassphrase });
        files.push(...inter.files);
        warnings.push(...inter.warnings);
      }
    });
    if (s.passphrase !== undefined) await services.passphrases.remember(p.uri(rootPaths(dirUri.path).key), s.passphrase);
    if (s.interPassphrase !== undefined) await services.passphrases.remember(p.uri(intermediatePaths(dirUri.path).key), s.interPassphrase);
    const what = s.withIntermediate ? `the root CA "${s.cn}" and the intermediate CA "${s.interCn}"` : `the root CA "${s.cn}"`;
    await report(services, `Created ${what} in ${s.rel}.`, [...new Set(warnings)], p.uri(s.withIntermediate ? intermediatePaths(dirUri.path).cert : rootPaths(dirUri.path).cert));
    return { caDir: dirUri, files: files.map((f) => p.uri(f)) };
  },
};

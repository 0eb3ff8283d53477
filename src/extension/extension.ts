/**
 * Composition root (STYLE.md §4): wires the tree, the passphrase cache, the prompter and every
 * command, and pushes each disposable into context.subscriptions. Returns the API integration
 * tests use (swap the prompter, reach the tree, wait for refreshes).
 */
import * as vscode from 'vscode';
import { Command, Services, registerCommand } from './commands/command';
import { COMMANDS } from './commands';
import { PassphraseCache } from './passphrases';
import { Prompter, WindowPrompter } from './prompter';
import { CaTreeProvider } from './tree/caTreeProvider';
import { CertificateEditorProvider } from './editor/certificateEditorProvider';
import { CertificateWatch, SHOW_EXPIRING_COMMAND } from './watch/certificateWatch';
import { EmbeddedCertificateProvider, OPEN_EMBEDDED_COMMAND } from './embedded/embeddedCertificates';

export interface WorkspaceCaApi {
  /** Replaces the prompter every command asks through; undefined restores the real UI. */
  setPrompter(prompter: Prompter | undefined): void;
  /** Pins the clock commands use for validity periods and the tree for expiry states; undefined restores the real clock. */
  setClock(now: (() => Date) | undefined): void;
  tree: CaTreeProvider;
  /** The certificate viewer (custom editor): render reports of its webviews, test hooks. */
  viewer: CertificateEditorProvider;
  /** Certificate diagnostics, Explorer decorations and the expiring-soon status bar item. */
  watch: CertificateWatch;
  /** Hovers and CodeLenses on certificates inside other text. */
  embedded: EmbeddedCertificateProvider;
  /** The ids of the registered commands. */
  commands: readonly string[];
}

export function activate(context: vscode.ExtensionContext): WorkspaceCaApi {
  let prompter: Prompter = new WindowPrompter();
  let clock: () => Date = () => new Date();
  const tree = CaTreeProvider.register(context, () => clock());
  const services: Services = {
    context,
    tree,
    prompter: () => prompter,
    passphrases: new PassphraseCache(context.secrets, context.globalState),
    now: () => clock(),
  };
  for (const command of COMMANDS as Command[]) context.subscriptions.push(registerCommand(services, command));
  const viewer = CertificateEditorProvider.register(context, { prompter: () => prompter, now: () => clock() });
  const watch = CertificateWatch.register(context, services);
  const embedded = EmbeddedCertificateProvider.register(context, { now: () => clock() });

  const trusted = () => void vscode.commands.executeCommand('setContext', 'workspaceCa:trusted', vscode.workspace.isTrusted);
  trusted();
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(trusted));

  return {
    setPrompter: (p) => {
      prompter = p ?? new WindowPrompter();
    },
    setClock: (now) => {
      clock = now ?? (() => new Date());
      // expiry states in the tree follow the clock
      void tree.refresh();
    },
    tree,
    viewer,
    watch,
    embedded,
    commands: [...COMMANDS.map((c) => c.id), ...CertificateEditorProvider.commandIds, SHOW_EXPIRING_COMMAND, OPEN_EMBEDDED_COMMAND],
  };
}

export function deactivate(): void {
  // everything is in context.subscriptions
}

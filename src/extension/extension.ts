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

export interface WorkspaceCaApi {
  /** Replaces the prompter every command asks through; undefined restores the real UI. */
  setPrompter(prompter: Prompter | undefined): void;
  /** Pins the clock commands use for validity periods; undefined restores the real clock. */
  setClock(now: (() => Date) | undefined): void;
  tree: CaTreeProvider;
  /** The ids of the registered commands. */
  commands: readonly string[];
}

export function activate(context: vscode.ExtensionContext): WorkspaceCaApi {
  let prompter: Prompter = new WindowPrompter();
  let clock: () => Date = () => new Date();
  const tree = CaTreeProvider.register(context);
  const services: Services = {
    context,
    tree,
    prompter: () => prompter,
    passphrases: new PassphraseCache(context.secrets, context.globalState),
    now: () => clock(),
  };
  for (const command of COMMANDS as Command[]) context.subscriptions.push(registerCommand(services, command));

  const trusted = () => void vscode.commands.executeCommand('setContext', 'workspaceCa:trusted', vscode.workspace.isTrusted);
  trusted();
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(trusted));

  return {
    setPrompter: (p) => {
      prompter = p ?? new WindowPrompter();
    },
    setClock: (now) => {
      clock = now ?? (() => new Date());
    },
    tree,
    commands: COMMANDS.map((c) => c.id),
  };
}

export function deactivate(): void {
  // everything is in context.subscriptions
}

/**
 * What every command gets and how it is registered: one command per file exports a `Command`;
 * activate() registers them all through `registerCommand`, which adds the two things every command
 * needs — the Workspace Trust gate for commands that write, and the error boundary that shows a
 * failure once, in words (STYLE.md §5).
 */
import * as vscode from 'vscode';
import { isPkiError } from '../../core/errors';
import { Prompter } from '../prompter';
import { CaTreeProvider } from '../tree/caTreeProvider';
import { PassphraseCache } from '../passphrases';

export interface Services {
  context: vscode.ExtensionContext;
  tree: CaTreeProvider;
  /** The prompter in use now (tests swap it). */
  prompter(): Prompter;
  passphrases: PassphraseCache;
  /** Clock for validity periods (tests may pin it). */
  now(): Date;
}

export interface Command {
  id: string;
  /** Writes files: refused in an untrusted workspace. */
  writes: boolean;
  run(services: Services, ...args: unknown[]): Promise<unknown>;
}

/** Thrown (or returned) when the user cancels a prompt: not an error, nothing is shown. */
export class Cancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'Cancelled';
  }
}

/** A message for the user, shown as is (not as "Unexpected error"). */
export class UserError extends Error {}

/** Unwraps a prompt answer; undefined (Escape) cancels the whole command. */
export function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
}

export const UNTRUSTED_MESSAGE =
  'Workspace CA only reads in Restricted Mode: creating keys, CAs and certificates writes files, so trust this workspace first (Manage Workspace Trust).';

export function registerCommand(services: Services, command: Command): vscode.Disposable {
  return vscode.commands.registerCommand(command.id, async (...args: unknown[]) => {
    const prompter = services.prompter();
    if (command.writes && !vscode.workspace.isTrusted) {
      const choice = await prompter.showErrorMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust');
      if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }
    try {
      return await command.run(services, ...args);
    } catch (e) {
      if (e instanceof Cancelled) return undefined;
      const message = isPkiError(e) || e instanceof UserError ? e.message : `Unexpected error: ${e instanceof Error ? e.message : String(e)}`;
      if (!isPkiError(e) && !(e instanceof UserError)) console.error(`workspace-ca: ${command.id} failed`, e);
      void prompter.showErrorMessage(message);
      return undefined;
    }
  });
}

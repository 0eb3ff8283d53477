/**
 * Passphrases for CA keys: asked through the Prompter, and kept in SecretStorage (the OS keychain)
 * only when `workspaceCa.rememberPassphrases` is on. Keys are stored per CA key file URI.
 */
import * as vscode from 'vscode';
import { MIN_PASSPHRASE } from '../core/keys';
import { Prompter } from './prompter';
import { settings } from './settings';

const PREFIX = 'workspaceCa.passphrase:';
const INDEX = 'workspaceCa.passphraseKeys';

export class PassphraseCache {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {}

  /** The remembered passphrase of a key file, if remembering is on and one is stored. */
  async get(keyFile: vscode.Uri): Promise<string | undefined> {
    if (!settings(keyFile).rememberPassphrases) return undefined;
    return this.secrets.get(PREFIX + keyFile.toString());
  }

  async remember(keyFile: vscode.Uri, passphrase: string): Promise<void> {
    if (!settings(keyFile).rememberPassphrases) return;
    await this.secrets.store(PREFIX + keyFile.toString(), passphrase);
    const keys = new Set(this.state.get<string[]>(INDEX, []));
    keys.add(keyFile.toString());
    await this.state.update(INDEX, [...keys]);
  }

  async forget(keyFile: vscode.Uri): Promise<void> {
    await this.secrets.delete(PREFIX + keyFile.toString());
  }

  /** Deletes every stored passphrase; returns how many there were. */
  async forgetAll(): Promise<number> {
    const keys = this.state.get<string[]>(INDEX, []);
    for (const k of keys) await this.secrets.delete(PREFIX + k);
    await this.state.update(INDEX, []);
    return keys.length;
  }

  /** Asks for a new passphrase twice (for a key about to be written). */
  static async askNew(prompter: Prompter, what: string): Promise<string | undefined> {
    const first = await prompter.showInputBox({
      title: `Passphrase for ${what}`,
      prompt: `At least ${MIN_PASSPHRASE} characters. The key is encrypted with it (AES-256, PKCS#8).`,
      password: true,
      validateInput: (v) => (v.length < MIN_PASSPHRASE ? `Use at least ${MIN_PASSPHRASE} characters.` : undefined),
    });
    if (first === undefined) return undefined;
    const again = await prompter.showInputBox({
      title: `Repeat the passphrase for ${what}`,
      password: true,
      validateInput: (v) => (v !== first ? 'The two passphrases differ.' : undefined),
    });
    return again === undefined ? undefined : first;
  }
}

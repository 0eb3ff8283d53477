/** Typed access to the `workspaceCa.*` settings declared in package.json. */
import * as vscode from 'vscode';
import { KeyType, isKeyType } from '../core/keys';
import { DEFAULT_DAYS, Profile } from '../core/issue';
import { DnInput } from '../core/der/name';

export interface Settings {
  /** Workspace-relative folders holding CA directories; empty = find them automatically. */
  caFolders: string[];
  defaultKeyType: KeyType;
  /** Validity in days per profile (falls back to core's DEFAULT_DAYS). */
  validityDays: Record<Profile, number>;
  /** Subject fields pre-filled for new CAs, requests and certificates (O, OU, C, ST, L). */
  defaultSubject: DnInput;
  /** Encrypt new private keys with a passphrase. */
  encryptKeys: boolean;
  /** Keep CA key passphrases in VS Code's SecretStorage (OS keychain). */
  rememberPassphrases: boolean;
}

export function settings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('workspaceCa', scope);
  const keyType = c.get<string>('defaultKeyType', 'p256');
  const days = c.get<Partial<Record<Profile, number>>>('defaultValidityDays', {});
  return {
    caFolders: c.get<string[]>('caFolders', []).filter((s) => typeof s === 'string' && s.trim() !== ''),
    defaultKeyType: isKeyType(keyType) ? keyType : 'p256',
    validityDays: { ...DEFAULT_DAYS, ...Object.fromEntries(Object.entries(days).filter(([, v]) => Number.isInteger(v) && (v as number) > 0)) },
    defaultSubject: c.get<DnInput>('defaultSubject', {}),
    encryptKeys: c.get<boolean>('encryptKeys', true),
    rememberPassphrases: c.get<boolean>('rememberPassphrases', false),
  };
}

import * as vscode from 'vscode';
import { revoke } from '../../core/ca/ca';
import { REVOCATION_REASONS, RevocationReason } from '../../core/crl';
import { Command, required } from './command';
import { certArg } from './certArg';
import { report } from './shared';

const REASON_HELP: Partial<Record<RevocationReason, string>> = {
  unspecified: 'no reason given',
  keyCompromise: 'the private key leaked or may have',
  superseded: 'replaced by a new certificate',
  cessationOfOperation: 'the service is gone',
  affiliationChanged: 'the subject changed organisation',
};

/** Marks a certificate revoked in its CA's index.txt (then generate the CRL to publish it). */
export const revokeCertificate: Command = {
  id: 'workspaceCa.revokeCertificate',
  writes: true,
  async run(services, arg) {
    const prompter = services.prompter();
    const { target, uri, label } = await certArg(services, arg, 'revoked');
    const reason = required(
      await prompter.showQuickPick(
        REVOCATION_REASONS.filter((r) => r !== 'removeFromCRL' && r !== 'CACompromise').map((r) => ({ label: r, description: REASON_HELP[r], reason: r })),
        { title: `Revoke ${label}: reason` },
      ),
    ).reason;
    const ok = await prompter.showWarningMessage(`Revoke "${label}" (${reason})? This cannot be undone.`, { modal: true }, 'Revoke');
    if (ok !== 'Revoke') return undefined;
    const result = await revoke({ fs: target.port, now: services.now }, target.dir, await vscode.workspace.fs.readFile(uri), reason);
    await report(services, `Revoked "${label}" (serial ${result.serialHex}). Generate the CRL to publish the revocation.`, result.warnings, uri);
    return { serialHex: result.serialHex };
  },
};

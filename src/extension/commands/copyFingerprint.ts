import * as vscode from 'vscode';
import { colonHex, sha256 } from '../../core/digest';
import { readCertificates } from '../../core/export';
import { Command } from './command';
import { certBase, certFileArg } from './fileArgs';

/** SHA-256 fingerprint of the DER certificate, upper-case hex with colons (as `openssl x509 -fingerprint -sha256`). */
export function sha256Fingerprint(der: Buffer): string {
  return colonHex(sha256(der));
}

/** Copies a certificate's SHA-256 fingerprint to the clipboard (pinning, comparing with a server). */
export const copyFingerprint: Command = {
  id: 'workspaceCa.copyFingerprint',
  writes: false,
  async run(services, arg) {
    const uri = await certFileArg(services, arg, 'Copy SHA-256 Fingerprint');
    const [cert] = readCertificates(await vscode.workspace.fs.readFile(uri));
    const fp = sha256Fingerprint(cert.der);
    await vscode.env.clipboard.writeText(fp);
    void services.prompter().showInformationMessage(`Copied the SHA-256 fingerprint of ${certBase(uri)}: ${fp}`);
    return fp;
  },
};

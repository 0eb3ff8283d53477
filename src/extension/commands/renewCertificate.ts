import { renew } from '../../core/ca/ca';
import { Command } from './command';
import { certArg } from './certArg';
import { report, withCaKey, withProgress } from './shared';

/** Re-signs the kept CSR with a new serial and validity; the old certificate is revoked (superseded). */
export const renewCertificate: Command = {
  id: 'workspaceCa.renewCertificate',
  writes: true,
  async run(services, arg) {
    const { target, uri, label } = await certArg(services, arg, 'renewed');
    const ok = await services
      .prompter()
      .showWarningMessage(`Renew "${label}"? The same key gets a new certificate; the current one is revoked as superseded.`, { modal: true }, 'Renew');
    if (ok !== 'Renew') return undefined;
    const result = await withProgress(`Renewing "${label}"…`, () => withCaKey(services, target, (ctx) => renew(ctx, target.dir, uri.path)));
    await report(services, `Renewed "${label}": serial ${result.oldSerialHex} → ${result.serialHex}.`, result.warnings, uri);
    return { serialHex: result.serialHex, oldSerialHex: result.oldSerialHex };
  },
};

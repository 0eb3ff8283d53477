import { generateCrl as coreGenerateCrl } from '../../core/ca/ca';
import { Command } from './command';
import { isNode, pickCa, report, withCaKey, withProgress } from './shared';

/** Signs a new CRL for a CA (the root's when invoked on the root CA item, else the issuing CA's). */
export const generateCrl: Command = {
  id: 'workspaceCa.generateCrl',
  writes: true,
  async run(services, arg) {
    const target = await pickCa(services, arg, 'Generate CRL');
    const root = isNode(arg) && arg.kind === 'ca' && arg.root && target.model.children.length > 0;
    const result = await withProgress('Signing the CRL…', () => withCaKey(services, target, (ctx) => coreGenerateCrl(ctx, target.dir, { root })));
    const crlUri = target.port.uri(result.crlPath);
    await report(services, `Generated the CRL: ${result.count} revoked certificate(s).`, result.warnings, crlUri);
    return { crl: crlUri, count: result.count };
  },
};

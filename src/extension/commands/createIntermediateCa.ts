import { createIntermediate } from '../../core/ca/ca';
import { intermediatePaths } from '../../core/ca/layout';
import { PassphraseCache } from '../passphrases';
import { settings } from '../settings';
import { Command, required } from './command';
import { pickCa, pickKeyType, report, withCaKey } from './shared';

/** Adds the intermediate CA (<ca>/intermediate) signed by the root; writes the chain file. */
export const createIntermediateCa: Command = {
  id: 'workspaceCa.createIntermediateCa',
  writes: true,
  async run(services, arg) {
    const prompter = services.prompter();
    const target = await pickCa(services, arg, 'Create an Intermediate CA', (m) => m.selfSigned && m.children.length === 0);
    const cfg = settings(target.uri);
    const rootCn = target.model.cert?.label ?? 'Root CA';
    const cn = required(
      await prompter.showInputBox({
        title: 'Create an Intermediate CA: common name',
        prompt: `Issued by "${rootCn}". Certificates for servers and clients are signed by the intermediate.`,
        value: rootCn.replace(/\bRoot\b/i, 'Intermediate') === rootCn ? `${rootCn} Intermediate` : rootCn.replace(/\bRoot\b/i, 'Intermediate'),
        validateInput: (v) => (v.trim() ? undefined : 'The intermediate CA needs a common name.'),
      }),
    ).trim();
    const keyType = await pickKeyType(services, target.uri, 'Create an Intermediate CA: key type');
    const passphrase = cfg.encryptKeys ? required(await PassphraseCache.askNew(prompter, 'the intermediate CA key')) : undefined;
    const result = await withCaKey(services, target, (ctx) =>
      createIntermediate(ctx, target.dir, { subject: { ...cfg.defaultSubject, CN: cn }, keyType, days: cfg.validityDays['intermediate-ca'], passphrase }),
    );
    const paths = intermediatePaths(target.dir);
    if (passphrase !== undefined) await services.passphrases.remember(target.port.uri(paths.key), passphrase);
    await report(services, `Created the intermediate CA "${cn}".`, result.warnings, target.port.uri(paths.cert));
    return { files: result.files.map((f) => target.port.uri(f)) };
  },
};

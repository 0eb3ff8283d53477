import { createIntermediate } from '../../core/ca/ca';
import { intermediatePaths } from '../../core/ca/layout';
import { DnInput } from '../../core/der/name';
import { KeyType } from '../../core/keys';
import { settings } from '../settings';
import { Command } from './command';
import { keyTypeItems, pickCa, report, withCaKey, withProgress } from './shared';
import { daysStep, dnStep, passphraseSteps, wizard } from './wizard';

const TITLE = 'Create an Intermediate CA';

interface State {
  cn: string;
  dn: DnInput;
  keyType?: KeyType;
  days: number;
  passphrase?: string;
}

/** Adds the intermediate CA (<ca>/intermediate) signed by the root; writes the chain file. */
export const createIntermediateCa: Command = {
  id: 'workspaceCa.createIntermediateCa',
  writes: true,
  async run(services, arg) {
    const prompter = services.prompter();
    const target = await pickCa(services, arg, TITLE, (m) => m.selfSigned && m.children.length === 0);
    const cfg = settings(target.uri);
    const rootCn = target.model.cert?.label ?? 'Root CA';
    const s: State = { cn: /\bRoot\b/i.test(rootCn) ? rootCn.replace(/\bRoot\b/i, 'Intermediate') : `${rootCn} Intermediate`, dn: { ...cfg.defaultSubject }, days: cfg.validityDays['intermediate-ca'] };
    await wizard(prompter, s, [
      async (ui, st) => {
        st.cn = (
          await ui.input({
            title: `${TITLE}: common name`,
            prompt: `Issued by "${rootCn}". Certificates for servers and clients are signed by the intermediate.`,
            value: st.cn,
            validateInput: (v) => (v.trim() ? undefined : 'The intermediate CA needs a common name.'),
          })
        ).trim();
      },
      dnStep(TITLE),
      async (ui, st) => {
        st.keyType = (await ui.pick(keyTypeItems(target.uri), { title: `${TITLE}: key type`, placeHolder: 'Key type' })).keyType;
      },
      daysStep<State>(TITLE, (st) => st.days, (st, v) => (st.days = v)),
      ...(cfg.encryptKeys ? passphraseSteps<State>('the intermediate CA key', (st) => st.passphrase, (st, v) => (st.passphrase = v)) : []),
    ]);
    const result = await withProgress(`Creating the intermediate CA "${s.cn}"…`, () =>
      withCaKey(services, target, (ctx) => createIntermediate(ctx, target.dir, { subject: { ...s.dn, CN: s.cn }, keyType: s.keyType as KeyType, days: s.days, passphrase: s.passphrase })),
    );
    const paths = intermediatePaths(target.dir);
    if (s.passphrase !== undefined) await services.passphrases.remember(target.port.uri(paths.key), s.passphrase);
    await report(services, `Created the intermediate CA "${s.cn}".`, result.warnings, target.port.uri(paths.cert));
    return { files: result.files.map((f) => target.port.uri(f)) };
  },
};

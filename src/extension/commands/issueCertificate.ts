import { issue } from '../../core/ca/ca';
import { DnInput } from '../../core/der/name';
import { PROFILE_LABELS, Profile } from '../../core/issue';
import { KeyType } from '../../core/keys';
import { parseSans } from '../../core/san';
import { settings } from '../settings';
import { Command } from './command';
import { keyTypeItems, pickCa, report, withCaKey, withProgress } from './shared';
import { daysStep, passphraseSteps, sanProblem, wizard } from './wizard';

const LEAF_PROFILES: Profile[] = ['server', 'client', 'server+client', 'email'];
const TITLE = 'Issue a Certificate';

interface State {
  profile: Profile;
  cn: string;
  sanText: string;
  keyType?: KeyType;
  days: number;
  keyPassphrase?: string;
}

/**
 * One step creates key + CSR + certificate in the issuing CA's layout (the intermediate when there
 * is one): profile, common name, alternative names (DNS/IP/email, checked as typed), key type,
 * validity, key passphrase.
 */
export const issueCertificate: Command = {
  id: 'workspaceCa.issueCertificate',
  writes: true,
  async run(services, arg) {
    const prompter = services.prompter();
    const target = await pickCa(services, arg, TITLE);
    const cfg = settings(target.uri);
    const s: State = { profile: 'server', cn: '', sanText: '', days: cfg.validityDays.server };
    let lastProfile: Profile | undefined;
    await wizard(prompter, s, [
      async (ui, st) => {
        st.profile = (
          await ui.pick(
            LEAF_PROFILES.map((p) => ({ label: PROFILE_LABELS[p], description: `${cfg.validityDays[p]} days`, profile: p })),
            { title: `${TITLE}: profile`, placeHolder: 'What is the certificate for?' },
          )
        ).profile;
        if (st.profile !== lastProfile) st.days = cfg.validityDays[st.profile];
        lastProfile = st.profile;
      },
      async (ui, st) => {
        st.cn = (
          await ui.input({
            title: `${TITLE}: common name`,
            prompt: st.profile === 'email' ? 'The person or mailbox name, e.g. "Jane Doe".' : 'Usually the host name, e.g. www.example.com.',
            value: st.cn,
            validateInput: (v) => (v.trim() ? undefined : 'Enter a common name.'),
          })
        ).trim();
      },
      async (ui, st) => {
        const email = st.profile === 'email';
        st.sanText = await ui.input({
          title: `${TITLE}: alternative names`,
          prompt: email
            ? 'Email address(es), e.g. email:jane@example.com'
            : 'Subject alternative names: DNS names, IP addresses, email:, URI:, comma separated (e.g. www.example.com, IP:127.0.0.1)',
          value: st.sanText || (st.profile === 'server' || st.profile === 'server+client' ? st.cn : ''),
          validateInput: sanProblem,
        });
      },
      async (ui, st) => {
        st.keyType = (await ui.pick(keyTypeItems(target.uri), { title: `${TITLE}: key type`, placeHolder: 'Key type' })).keyType;
      },
      daysStep<State>(TITLE, (st) => st.days, (st, v) => (st.days = v), ' Browsers refuse TLS server certificates valid for more than 398 days.'),
      ...(cfg.encryptKeys ? passphraseSteps<State>('the new key', (st) => st.keyPassphrase, (st, v) => (st.keyPassphrase = v)) : []),
    ]);
    const sans = parseSans(s.sanText);
    const emailAddress = s.profile === 'email' ? sans.find((x) => x.type === 'email')?.value : undefined;
    const subject: DnInput = { ...cfg.defaultSubject, CN: s.cn, ...(emailAddress ? { emailAddress } : {}) };
    const result = await withProgress(`Issuing "${s.cn}"…`, () =>
      withCaKey(services, target, (ctx) => issue(ctx, target.dir, { profile: s.profile, subject, sans, keyType: s.keyType as KeyType, days: s.days, keyPassphrase: s.keyPassphrase })),
    );
    const certUri = target.port.uri(result.certPath);
    await report(services, `Issued "${s.cn}" (serial ${result.serialHex}).`, result.warnings, certUri);
    return { cert: certUri, key: target.port.uri(result.keyPath), csr: target.port.uri(result.csrPath), serialHex: result.serialHex };
  },
};

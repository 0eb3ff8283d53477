import { issue } from '../../core/ca/ca';
import { PROFILE_LABELS, Profile } from '../../core/issue';
import { parseSans } from '../../core/san';
import { PassphraseCache } from '../passphrases';
import { settings } from '../settings';
import { Command, required } from './command';
import { pickCa, pickKeyType, report, withCaKey } from './shared';

const LEAF_PROFILES: Profile[] = ['server', 'client', 'server+client', 'email'];

/** New key + CSR + certificate signed by the issuing CA (the intermediate when there is one). */
export const issueCertificate: Command = {
  id: 'workspaceCa.issueCertificate',
  writes: true,
  async run(services, arg) {
    const prompter = services.prompter();
    const target = await pickCa(services, arg, 'Issue a Certificate');
    const cfg = settings(target.uri);
    const profile = required(
      await prompter.showQuickPick(
        LEAF_PROFILES.map((p) => ({ label: PROFILE_LABELS[p], description: `${cfg.validityDays[p]} days`, profile: p })),
        { title: 'Issue a Certificate: profile', placeHolder: 'What is the certificate for?' },
      ),
    ).profile;
    const email = profile === 'email';
    const cn = required(
      await prompter.showInputBox({
        title: 'Issue a Certificate: common name',
        prompt: email ? 'The person or mailbox name, e.g. "Jane Doe".' : 'Usually the host name, e.g. www.example.com.',
        validateInput: (v) => (v.trim() ? undefined : 'Enter a common name.'),
      }),
    ).trim();
    const sanPrompt = email ? 'Email address(es), e.g. email:jane@example.com' : 'Subject alternative names: DNS names and IP addresses, comma separated (e.g. www.example.com, IP:127.0.0.1)';
    const sanText = required(
      await prompter.showInputBox({
        title: 'Issue a Certificate: alternative names',
        prompt: sanPrompt,
        value: profile === 'server' || profile === 'server+client' ? cn : '',
        validateInput: (v) => {
          try {
            parseSans(v);
            return undefined;
          } catch (e) {
            return e instanceof Error ? e.message : String(e);
          }
        },
      }),
    );
    const sans = parseSans(sanText);
    const keyType = await pickKeyType(services, target.uri, 'Issue a Certificate: key type');
    const keyPassphrase = cfg.encryptKeys ? required(await PassphraseCache.askNew(prompter, `the key of ${cn}`)) : undefined;
    const emailAddress = email ? sans.find((s) => s.type === 'email')?.value : undefined;
    const result = await withCaKey(services, target, (ctx) =>
      issue(ctx, target.dir, { profile, subject: { ...cfg.defaultSubject, CN: cn, ...(emailAddress ? { emailAddress } : {}) }, sans, keyType, days: cfg.validityDays[profile], keyPassphrase }),
    );
    const certUri = target.port.uri(result.certPath);
    await report(services, `Issued "${cn}" (serial ${result.serialHex}).`, result.warnings, certUri);
    return { cert: certUri, key: target.port.uri(result.keyPath), csr: target.port.uri(result.csrPath), serialHex: result.serialHex };
  },
};

import * as vscode from 'vscode';
import { reviewCsr, signCsr as coreSignCsr } from '../../core/ca/ca';
import { PROFILE_LABELS, Profile } from '../../core/issue';
import { formatSan } from '../../core/san';
import { settings } from '../settings';
import { Command, UserError, required } from './command';
import { isNode, pickCa, report, targetOfNode, targetOfUri, withCaKey, withProgress } from './shared';

const LEAF_PROFILES: Profile[] = ['server', 'client', 'server+client', 'email'];

/**
 * Signs a certificate request: checks its signature and the CA policy (core's reviewCsr), lets the
 * user drop requested alternative names, shows what will be signed, then signs.
 */
export const signCsr: Command = {
  id: 'workspaceCa.signCsr',
  writes: true,
  async run(services, arg) {
    const prompter = services.prompter();
    let csrUri: vscode.Uri;
    if (isNode(arg) && arg.kind === 'csr') csrUri = arg.uri;
    else if (arg instanceof vscode.Uri) csrUri = arg;
    else {
      const picked = required(
        await prompter.showOpenDialog({ title: 'Sign a Certificate Request', canSelectMany: false, filters: { 'Certificate requests': ['csr', 'pem', 'req'] } }),
      );
      csrUri = picked[0];
    }
    const target = isNode(arg) ? targetOfNode(arg) : (targetOfUri(services, csrUri) ?? (await pickCa(services, undefined, 'Sign a Certificate Request')));
    const csrBytes = await vscode.workspace.fs.readFile(csrUri);
    const ctx = { fs: target.port, now: services.now };
    const review = await reviewCsr(ctx, target.dir, csrBytes);
    if (review.policyProblems.length) {
      throw new UserError(`The CA policy refuses this request: ${review.policyProblems.join('; ')}.`);
    }
    const cfg = settings(target.uri);
    const profile = required(
      await prompter.showQuickPick(
        LEAF_PROFILES.map((p) => ({ label: PROFILE_LABELS[p], description: `${cfg.validityDays[p]} days`, profile: p })),
        { title: `Sign ${review.subjectText}: profile`, placeHolder: 'What is the certificate for?' },
      ),
    ).profile;
    // The requested alternative names, all kept by default: untick the ones the CA should not certify.
    const requested = review.sans.map(formatSan);
    let kept = requested;
    if (requested.length) {
      kept = required(
        await prompter.showQuickPickMany(
          requested.map((label) => ({ label, picked: true })),
          { title: `Sign ${review.subjectText}: requested alternative names`, placeHolder: 'Untick the names the certificate should not carry' },
        ),
      ).map((i) => i.label);
    }
    const dropSans = requested.filter((x) => !kept.includes(x));
    const sans = kept.join(', ') || 'none';
    const dropped = dropSans.length ? ` Dropped: ${dropSans.join(', ')}.` : '';
    const ignored = review.otherExtensions.length ? ` Other requested extensions are not copied (${review.otherExtensions.join(', ')}): the profile decides them.` : '';
    const ok = await prompter.showWarningMessage(
      `Sign the request for "${review.subjectText}" as ${PROFILE_LABELS[profile]}? Its signature is valid and the CA policy accepts it. Alternative names: ${sans}.${dropped} Valid ${cfg.validityDays[profile]} days.${ignored}`,
      { modal: true },
      'Sign',
    );
    if (ok !== 'Sign') return undefined;
    const result = await withProgress(`Signing "${review.subjectText}"…`, () =>
      withCaKey(services, target, (c) => coreSignCsr(c, target.dir, csrBytes, { profile, days: cfg.validityDays[profile], dropSans })),
    );
    const certUri = target.port.uri(result.certPath);
    await report(services, `Signed "${review.subjectText}" (serial ${result.serialHex}).`, result.warnings, certUri);
    return { cert: certUri, serialHex: result.serialHex };
  },
};

/** CA verbs: init, intermediate, issue, sign, revoke, crl, renew, chain. */
import { createIntermediate, generateCrl, initRoot, issue, rebuildChain, renew, revoke, signCsr } from '../../core/ca/ca';
import { parseReason } from '../../core/crl';
import { PROFILES, Profile, isProfile } from '../../core/issue';
import { parseSans } from '../../core/san';
import { OptionSpec, Parsed, flag, int, list, parseArgs, str, usageError } from '../args';
import { CA_PASS_OPTS, caContext, helpText, KEY_OPTS, keyTypeOpt, PASS_OPTS, passphraseFrom, printResult, readInput, resolvePath, show, SUBJECT_OPTS, subjectOpt } from '../common';
import { Verb } from '../io';

const JSON_OPT: OptionSpec = { name: 'json', help: 'print the result as JSON' };
const FORCE_OPT: OptionSpec = { name: 'force', help: 'overwrite existing files' };
const DAYS_OPT: OptionSpec = { name: 'days', value: true, arg: 'N', help: 'validity in days' };
const ALLOW_LINT_OPT: OptionSpec = { name: 'allow-lint-errors', help: 'issue even when the private-CA lint finds errors (see workspace-ca lint)' };

function needDir(p: Parsed, verb: string): string {
  const d = p.positionals[0];
  if (!d) throw usageError(`${verb} needs the CA folder, e.g. workspace-ca ${verb} ca`);
  return d;
}

function warnUnencrypted(pass: string | undefined): string[] {
  return pass === undefined ? [] : [];
}

const initSpecs = [...SUBJECT_OPTS, ...KEY_OPTS, DAYS_OPT, ...PASS_OPTS, { name: 'pathlen', value: true, arg: 'N', help: 'pathLenConstraint of the root (default: none)' }, { name: 'policy', value: true, arg: 'NAME', help: 'policy_match (default) or policy_loose' }, FORCE_OPT, JSON_OPT];
export const initVerb: Verb = {
  name: 'init',
  summary: 'create a root CA in a folder (openssl ca layout)',
  help: helpText('workspace-ca init <dir> --cn NAME [options]', 'Creates <dir>/certs/ca.cert.pem, <dir>/private/ca.key.pem (0600), index.txt, serial, crlnumber, openssl.cnf.', initSpecs, [
    'workspace-ca init ca --cn "Example Root CA"',
    'MY_PASS=... workspace-ca init ca --cn "Example Root CA" --org Example --country GB --key-type p384 --passphrase-env MY_PASS',
  ]),
  async run(argv, io) {
    const p = parseArgs(argv, initSpecs, 1);
    const dir = resolvePath(io, needDir(p, 'init'));
    const pass = passphraseFrom(p, io);
    const pathLen = str(p, 'pathlen') !== undefined ? int(p, 'pathlen', 0, 32) : undefined;
    const policy = str(p, 'policy');
    if (policy && policy !== 'policy_match' && policy !== 'policy_loose') throw usageError('--policy is policy_match or policy_loose');
    const r = await initRoot(caContext(p, io), dir, { subject: subjectOpt(p), keyType: keyTypeOpt(p, 'rsa4096'), days: int(p, 'days'), passphrase: pass, pathLen, policy: policy as 'policy_match' | undefined, force: flag(p, 'force') });
    printResult(io, flag(p, 'json'), { files: r.files }, [`Root CA created: ${show(io, r.files[0])}`, `Key: ${show(io, r.files[1])}`], [...r.warnings, ...warnUnencrypted(pass)]);
    return 0;
  },
};

const interSpecs = [...SUBJECT_OPTS, ...KEY_OPTS, DAYS_OPT, ...PASS_OPTS, ...CA_PASS_OPTS, { name: 'pathlen', value: true, arg: 'N', help: 'pathLenConstraint (default 0: it may not create further CAs)' }, { name: 'permit', value: true, repeat: true, arg: 'NAMES', help: 'name constraint, permitted subtree(s): DNS:example.com,IP:10.0.0.0/8,email:example.com' }, { name: 'exclude', value: true, repeat: true, arg: 'NAMES', help: 'name constraint, excluded subtree(s)' }, FORCE_OPT, JSON_OPT];
export const intermediateVerb: Verb = {
  name: 'intermediate',
  summary: 'create the intermediate CA, signed by the root, and ca-chain.cert.pem',
  help: helpText('workspace-ca intermediate <dir> --cn NAME [options]', 'Creates <dir>/intermediate with its own key, CSR, certificate signed by the root, and certs/ca-chain.cert.pem (intermediate + root). C/ST/L/O default to the root\'s.', interSpecs, ['workspace-ca intermediate ca --cn "Example Intermediate CA"']),
  async run(argv, io) {
    const p = parseArgs(argv, interSpecs, 1);
    const dir = resolvePath(io, needDir(p, 'intermediate'));
    const pass = passphraseFrom(p, io);
    const permitted = list(p, 'permit').flatMap(parseNcList);
    const excluded = list(p, 'exclude').flatMap(parseNcList);
    const r = await createIntermediate(caContext(p, io, { sharePassphrase: true }), dir, {
      subject: subjectOpt(p),
      keyType: keyTypeOpt(p, 'rsa4096'),
      days: int(p, 'days'),
      passphrase: pass,
      pathLen: str(p, 'pathlen') !== undefined ? int(p, 'pathlen', 0, 32) : undefined,
      nameConstraints: permitted.length || excluded.length ? { permitted, excluded } : undefined,
      force: flag(p, 'force'),
    });
    printResult(io, flag(p, 'json'), { files: r.files }, [`Intermediate CA created: ${show(io, r.files[0])}`, `Chain: ${show(io, r.files[3])}`], r.warnings);
    return 0;
  },
};

/** Name-constraint subtrees: like SANs, but IP takes a CIDR and DNS may be a bare domain or ".example.com". */
function parseNcList(text: string) {
  return text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const m = x.match(/^(DNS|IP|email|URI):(.+)$/i);
      if (!m) throw usageError(`name constraint "${x}" must be DNS:..., IP:addr/prefix, email:... or URI:...`);
      const type = m[1].toLowerCase() as 'dns' | 'ip' | 'email' | 'uri';
      if (type === 'ip' && !/^[0-9a-fA-F:.]+\/\d+$|^[0-9a-fA-F:.]+\/[0-9a-fA-F:.]+$/.test(m[2])) throw usageError(`IP name constraint "${x}" needs a prefix, e.g. IP:10.0.0.0/8`);
      return { type, value: m[2] };
    });
}

function profileOpt(p: Parsed, dflt: Profile): Profile {
  const v = str(p, 'profile') ?? dflt;
  if (!isProfile(v) || v === 'root-ca') throw usageError(`--profile must be one of ${PROFILES.filter((x) => x !== 'root-ca').join(', ')}`);
  return v;
}

const issueSpecs = [
  ...SUBJECT_OPTS,
  { name: 'san', value: true, repeat: true, arg: 'NAMES', help: 'subject alternative names: DNS:www.example.com,IP:127.0.0.1,email:a@b,URI:... (server: default from --cn)' },
  { name: 'profile', value: true, arg: 'NAME', help: `${PROFILES.filter((x) => x !== 'root-ca').join('|')} (default server)` },
  ...KEY_OPTS,
  DAYS_OPT,
  { name: 'name', value: true, arg: 'BASE', help: 'file base name (default: the common name)' },
  { name: 'policy', value: true, arg: 'NAME', help: 'policy section of openssl.cnf to apply, or none' },
  ...PASS_OPTS,
  ...CA_PASS_OPTS,
  ALLOW_LINT_OPT,
  FORCE_OPT,
  JSON_OPT,
];
export const issueVerb: Verb = {
  name: 'issue',
  summary: 'new key + CSR + signed certificate in one step',
  help: helpText(
    'workspace-ca issue <dir> --cn NAME [--san ...] [--profile server] [options]',
    'Creates private/<name>.key.pem, csr/<name>.csr.pem and certs/<name>.cert.pem in the issuing CA (the intermediate when there is one), updating index.txt and serial. --passphrase-* encrypts the new key; the CA key passphrase comes from --ca-passphrase-* or a prompt.',
    issueSpecs,
    ['workspace-ca issue ca --cn www.example.com --san DNS:www.example.com,IP:127.0.0.1 --profile server', 'workspace-ca issue ca --cn alice --email alice@example.com --profile client'],
  ),
  async run(argv, io) {
    const p = parseArgs(argv, issueSpecs, 1);
    const dir = resolvePath(io, needDir(p, 'issue'));
    const subject = subjectOpt(p);
    if (!subject.CN) throw usageError('issue needs --cn');
    const sans = list(p, 'san').flatMap(parseSans);
    const keyPass = passphraseFrom(p, io);
    const r = await issue(caContext(p, io), dir, { profile: profileOpt(p, 'server'), subject, sans, keyType: keyTypeOpt(p, 'rsa2048'), days: int(p, 'days'), keyPassphrase: keyPass, name: str(p, 'name'), policy: str(p, 'policy'), force: flag(p, 'force'), allowLintErrors: flag(p, 'allow-lint-errors') });
    printResult(io, flag(p, 'json'), { certificate: r.certPath, key: r.keyPath, csr: r.csrPath, serial: r.serialHex }, [`Certificate: ${show(io, r.certPath)} (serial ${r.serialHex})`, `Key: ${show(io, r.keyPath)}`, `CSR: ${show(io, r.csrPath)}`], r.warnings);
    return 0;
  },
};

const signSpecs = [
  { name: 'profile', value: true, arg: 'NAME', help: `${PROFILES.filter((x) => x !== 'root-ca').join('|')} (default server)` },
  DAYS_OPT,
  { name: 'name', value: true, arg: 'BASE', help: 'file base name (default: the CSR common name)' },
  { name: 'drop-san', value: true, repeat: true, arg: 'NAME', help: 'leave out a requested SAN, e.g. DNS:old.example.com' },
  { name: 'policy', value: true, arg: 'NAME', help: 'policy section of openssl.cnf to apply, or none' },
  ...CA_PASS_OPTS,
  ...PASS_OPTS,
  ALLOW_LINT_OPT,
  FORCE_OPT,
  JSON_OPT,
];
export const signVerb: Verb = {
  name: 'sign',
  summary: 'sign a CSR (signature and CA policy checked first)',
  help: helpText('workspace-ca sign <dir> <request.csr.pem> [--profile server] [options]', 'Signs a certificate request with the issuing CA. The CSR self-signature must verify and the subject must satisfy the CA policy (openssl.cnf). Requested SANs are copied (minus --drop-san); other requested extensions are never copied: the profile decides.', signSpecs),
  async run(argv, io) {
    const p = parseArgs(argv, signSpecs, 2);
    const dir = resolvePath(io, needDir(p, 'sign'));
    const file = p.positionals[1];
    if (!file) throw usageError('sign needs the CSR file');
    const bytes = readInput(io, file, 'the CSR');
    const ctx = caContext(p, io, { sharePassphrase: true });
    const r = await signCsr(ctx, dir, bytes, { profile: profileOpt(p, 'server'), days: int(p, 'days'), name: str(p, 'name'), dropSans: list(p, 'drop-san'), policy: str(p, 'policy'), force: flag(p, 'force'), allowLintErrors: flag(p, 'allow-lint-errors') });
    printResult(io, flag(p, 'json'), { certificate: r.certPath, serial: r.serialHex }, [`Certificate: ${show(io, r.certPath)} (serial ${r.serialHex})`], r.warnings);
    return 0;
  },
};

const revokeSpecs = [{ name: 'reason', value: true, arg: 'REASON', help: 'unspecified|keyCompromise|CACompromise|affiliationChanged|superseded|cessationOfOperation|certificateHold' }, JSON_OPT];
export const revokeVerb: Verb = {
  name: 'revoke',
  summary: 'revoke a certificate (index.txt), then run crl',
  help: helpText('workspace-ca revoke <dir> <cert.pem> [--reason keyCompromise]', 'Marks the certificate revoked in the index of the CA that issued it. Publish with workspace-ca crl.', revokeSpecs),
  async run(argv, io) {
    const p = parseArgs(argv, revokeSpecs, 2);
    const dir = resolvePath(io, needDir(p, 'revoke'));
    const file = p.positionals[1];
    if (!file) throw usageError('revoke needs the certificate file');
    const reason = parseReason(str(p, 'reason') ?? 'unspecified');
    const r = await revoke(caContext(p, io), dir, readInput(io, file, 'the certificate'), reason);
    printResult(io, flag(p, 'json'), { serial: r.serialHex, reason }, [`Revoked serial ${r.serialHex} (${reason}). Run workspace-ca crl ${show(io, dir)} to publish it.`], r.warnings);
    return 0;
  },
};

const crlSpecs = [{ name: 'days', value: true, arg: 'N', help: 'days until nextUpdate (default 30)' }, { name: 'root', help: "sign the root CA's CRL instead of the intermediate's" }, ...CA_PASS_OPTS, ...PASS_OPTS, JSON_OPT];
export const crlVerb: Verb = {
  name: 'crl',
  summary: 'write a signed CRL v2 of revoked certificates',
  help: helpText('workspace-ca crl <dir> [--days 30] [--root]', 'Writes crl/intermediate.crl.pem (or crl/ca.crl.pem with --root) and bumps crlnumber.', crlSpecs),
  async run(argv, io) {
    const p = parseArgs(argv, crlSpecs, 1);
    const dir = resolvePath(io, needDir(p, 'crl'));
    const r = await generateCrl(caContext(p, io, { sharePassphrase: true }), dir, { days: int(p, 'days'), root: flag(p, 'root') });
    printResult(io, flag(p, 'json'), { crl: r.crlPath, revoked: r.count }, [`CRL: ${show(io, r.crlPath)} (${r.count} revoked)`], r.warnings);
    return 0;
  },
};

const renewSpecs = [DAYS_OPT, ...CA_PASS_OPTS, ...PASS_OPTS, JSON_OPT];
export const renewVerb: Verb = {
  name: 'renew',
  summary: 're-sign the kept CSR with a new validity; revoke the old (superseded)',
  help: helpText('workspace-ca renew <dir> <cert.pem> [--days N]', 'Re-signs csr/<name>.csr.pem with a new serial and validity (default: the same length as before), replaces the certificate file, and revokes the old certificate with reason superseded.', renewSpecs),
  async run(argv, io) {
    const p = parseArgs(argv, renewSpecs, 2);
    const dir = resolvePath(io, needDir(p, 'renew'));
    const file = p.positionals[1];
    if (!file) throw usageError('renew needs the certificate file');
    const r = await renew(caContext(p, io, { sharePassphrase: true }), dir, resolvePath(io, file), { days: int(p, 'days') });
    printResult(io, flag(p, 'json'), { certificate: resolvePath(io, file), serial: r.serialHex, revokedSerial: r.oldSerialHex }, [`Renewed: ${file} (serial ${r.serialHex}); serial ${r.oldSerialHex} revoked (superseded)`], r.warnings);
    return 0;
  },
};

const chainSpecs = [JSON_OPT];
export const chainVerb: Verb = {
  name: 'chain',
  summary: 'rebuild intermediate/certs/ca-chain.cert.pem',
  help: helpText('workspace-ca chain <dir>', 'Writes ca-chain.cert.pem = intermediate certificate + root certificate.', chainSpecs),
  async run(argv, io) {
    const p = parseArgs(argv, chainSpecs, 1);
    const dir = resolvePath(io, needDir(p, 'chain'));
    const r = await rebuildChain(caContext(p, io), dir);
    printResult(io, flag(p, 'json'), { chain: r.chainPath }, [`Chain: ${show(io, r.chainPath)}`], r.warnings);
    return 0;
  },
};

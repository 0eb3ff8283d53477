/**
 * `workspace-ca bundle <cert.pem> --out DIR`: the three files hosting panels ask for (seed 000):
 * certificate, private key without a passphrase, CA chain (+ certificate with chain in one file).
 */
import * as nodeFs from 'node:fs';
import { loadDeployInputs, platformBundle, writeDeployFiles } from '../../core/snippets';
import { PkiError } from '../../core/errors';
import { NodeFilePort } from '../../node/nodeFilePort';
import { OptionSpec, flag, parseArgs, str, usageError } from '../args';
import { PASS_OPTS, helpText, passphraseFrom, printResult, resolvePath, show } from '../common';
import { Verb } from '../io';

const SPECS: OptionSpec[] = [
  { name: 'out', value: true, arg: 'DIR', help: 'folder for the files (created; required)' },
  { name: 'ca-dir', value: true, arg: 'DIR', help: 'the CA folder, when the certificate is not inside it' },
  { name: 'key', value: true, arg: 'FILE', help: 'private key (default: private/<name>.key.pem of the CA)' },
  { name: 'chain', value: true, arg: 'FILE', help: 'CA chain file (default: certs/ca-chain.cert.pem)' },
  { name: 'name', value: true, arg: 'BASE', help: 'file base name (default: from the certificate file)' },
  { name: 'key-format', value: true, arg: 'F', help: 'pkcs8 (default, BEGIN PRIVATE KEY) or traditional (BEGIN RSA/EC PRIVATE KEY)' },
  ...PASS_OPTS.map((o) => ({ ...o, help: `${o.help} (of an encrypted key)` })),
  { name: 'force', help: 'overwrite files in --out' },
  { name: 'json', help: 'print the result as JSON' },
];

export const bundleVerb: Verb = {
  name: 'bundle',
  summary: 'certificate, unencrypted key and CA chain for a hosting upload form',
  help: helpText(
    'workspace-ca bundle <cert.pem> --out DIR [options]',
    'Writes <name>.crt (certificate), <name>.key (private key WITHOUT passphrase, mode 0600), <name>.ca-bundle.crt (intermediate + root) and <name>.fullchain.crt, the files upload forms ask for.',
    SPECS,
    ['workspace-ca bundle ca/intermediate/certs/www.example.com.cert.pem --out upload --passphrase-env KEY_PASS'],
  ),
  async run(argv, io) {
    const p = parseArgs(argv, SPECS, 1);
    const certArg = p.positionals[0];
    if (!certArg) throw usageError('bundle needs the certificate file');
    const out = str(p, 'out');
    if (!out) throw usageError('bundle needs --out DIR');
    const keyFormat = str(p, 'key-format') ?? 'pkcs8';
    if (keyFormat !== 'pkcs8' && keyFormat !== 'traditional') throw usageError('--key-format is pkcs8 or traditional');
    const opt = (n: string) => (str(p, n) !== undefined ? resolvePath(io, str(p, n)!) : undefined);
    const fs = new NodeFilePort();
    const inputs = await loadDeployInputs(fs, resolvePath(io, certArg), { caDir: opt('ca-dir'), keyPath: opt('key'), chainPath: opt('chain') });
    let pass = passphraseFrom(p, io);
    if (pass === undefined && inputs.key && /ENCRYPTED/.test(inputs.key.pem) && io.prompt) pass = await io.prompt(`Passphrase of ${show(io, inputs.key.path)}: `);
    const b = platformBundle(inputs, { outDir: resolvePath(io, out), keyPassphrase: pass, keyFormat, name: str(p, 'name') });
    if (!flag(p, 'force')) {
      const clash = b.files.find((f) => nodeFs.existsSync(f.path));
      if (clash) throw new PkiError('exists', `${show(io, clash.path)} already exists: use --force to overwrite`);
    }
    await writeDeployFiles(fs, b.files);
    printResult(
      io,
      flag(p, 'json'),
      { files: b.files.map((f) => ({ path: f.path, role: f.role, purpose: f.purpose, created: f.created })), fields: b.fields },
      b.fields.map((f) => `${(f.field + ':').padEnd(24)} ${show(io, f.path)}`),
      b.warnings,
    );
    return 0;
  },
};

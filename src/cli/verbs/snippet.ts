/**
 * `workspace-ca snippet <target> <cert.pem>`: server or client configuration for an issued
 * certificate (Tornado, requests, Apache, nginx, stunnel, HAProxy, Node, curl), with the files it
 * needs (full chain, combined PEM, unencrypted key) written on request with --write-files.
 */
import { isEncryptedKey } from '../../core/keys';
import { SNIPPET_TARGETS, SNIPPET_TARGET_INFO, SnippetTarget, generateSnippet, isSnippetTarget, loadDeployInputs, pendingFiles, writeDeployFiles } from '../../core/snippets';
import { NodeFilePort } from '../../node/nodeFilePort';
import { OptionSpec, flag, int, parseArgs, str, usageError } from '../args';
import { PASS_OPTS, helpText, passphraseFrom, resolvePath, show } from '../common';
import { Verb } from '../io';

const SPECS: OptionSpec[] = [
  { name: 'ca-dir', value: true, arg: 'DIR', help: 'the CA folder, when the certificate is not inside it' },
  { name: 'key', value: true, arg: 'FILE', help: 'private key (default: private/<name>.key.pem of the CA)' },
  { name: 'chain', value: true, arg: 'FILE', help: 'CA chain file (default: certs/ca-chain.cert.pem of the issuing CA)' },
  { name: 'mtls', help: 'mutual TLS: servers require client certificates from the CA; clients present one' },
  { name: 'client-cert', value: true, arg: 'FILE', help: 'client certificate for --mtls on client targets (requests, node-client, curl)' },
  { name: 'client-key', value: true, arg: 'FILE', help: 'its key (default: found like --key)' },
  { name: 'host', value: true, arg: 'NAME', help: 'host name clients connect to (default: the first DNS name of the certificate)' },
  { name: 'port', value: true, arg: 'N', help: 'TLS port (default 443)' },
  { name: 'address', value: true, arg: 'ADDR', help: 'address servers listen on (default: all interfaces)' },
  { name: 'backend', value: true, arg: 'HOST:PORT', help: 'plain service stunnel and HAProxy forward to (default 127.0.0.1:8080)' },
  { name: 'absolute', help: 'absolute paths in the snippet (default: relative to the current folder)' },
  { name: 'write-files', help: 'create the files the snippet needs (full chain, combined PEM, unencrypted key)' },
  { name: 'passphrase-var', value: true, arg: 'NAME', help: 'environment variable the snippet reads the key passphrase from (default KEY_PASSPHRASE)' },
  ...PASS_OPTS.map((o) => ({ ...o, help: `${o.help} (the key's, to write unencrypted copies)` })),
  { name: 'list', help: 'list the targets' },
  { name: 'json', help: 'print {target, languageId, text, files, warnings} as JSON' },
];

/** Targets that read the key unattended: with an encrypted key they need an unencrypted copy. */
const UNATTENDED: SnippetTarget[] = ['apache', 'nginx', 'stunnel', 'haproxy'];

export const snippetVerb: Verb = {
  name: 'snippet',
  summary: 'server/client configuration for a certificate (nginx, apache, tornado, ...)',
  help: helpText(
    `workspace-ca snippet <target> <cert.pem> [options]`,
    `Prints a configuration for the certificate: host names from its SANs, the real paths of its files.\nTargets: ${SNIPPET_TARGETS.map((t) => `${t} (${SNIPPET_TARGET_INFO[t].label})`).join(', ')}.\nThe snippet goes to stdout, the list of files and warnings to stderr.`,
    SPECS,
    [
      'workspace-ca snippet nginx ca/intermediate/certs/www.example.com.cert.pem --write-files > www.conf',
      'workspace-ca snippet tornado ca/intermediate/certs/www.example.com.cert.pem --mtls --port 8443',
      'workspace-ca snippet curl ca/intermediate/certs/www.example.com.cert.pem --mtls --client-cert ca/intermediate/certs/alice.cert.pem',
    ],
  ),
  async run(argv, io) {
    const p = parseArgs(argv, SPECS, 2);
    if (flag(p, 'list')) {
      for (const t of SNIPPET_TARGETS) io.out(`${t.padEnd(12)} ${SNIPPET_TARGET_INFO[t].label}: ${SNIPPET_TARGET_INFO[t].description}\n`);
      return 0;
    }
    const [target, certArg] = p.positionals;
    if (!target) throw usageError(`snippet needs a target: ${SNIPPET_TARGETS.join(', ')}`);
    if (!isSnippetTarget(target)) throw usageError(`unknown target "${target}": use one of ${SNIPPET_TARGETS.join(', ')}`);
    if (!certArg) throw usageError('snippet needs the certificate file, e.g. ca/intermediate/certs/www.example.com.cert.pem');
    const opt = (n: string) => (str(p, n) !== undefined ? resolvePath(io, str(p, n)!) : undefined);
    const fs = new NodeFilePort();
    const inputs = await loadDeployInputs(fs, resolvePath(io, certArg), {
      caDir: opt('ca-dir'),
      keyPath: opt('key'),
      chainPath: opt('chain'),
      clientCertPath: opt('client-cert') ?? (flag(p, 'mtls') && SNIPPET_TARGET_INFO[target].role === 'client' ? resolvePath(io, certArg) : undefined),
      clientKeyPath: opt('client-key'),
    });
    let keyPassphrase = passphraseFrom(p, io);
    const writeFiles = flag(p, 'write-files');
    if (writeFiles && keyPassphrase === undefined && UNATTENDED.includes(target) && inputs.key && isEncryptedKey(inputs.key.pem) && io.prompt) {
      keyPassphrase = await io.prompt(`Passphrase of ${show(io, inputs.key.path)} (to write the unencrypted copy ${target} needs): `);
    }
    const backend = str(p, 'backend');
    if (backend !== undefined && !/^[^\s]+:\d{1,5}$/.test(backend)) throw usageError('--backend is HOST:PORT, e.g. 127.0.0.1:8080');
    const r = generateSnippet(target, inputs, {
      mtls: flag(p, 'mtls'),
      port: int(p, 'port', 1, 65535),
      address: str(p, 'address'),
      host: str(p, 'host'),
      backend,
      absolute: flag(p, 'absolute'),
      relativeTo: io.cwd,
      keyPassphrase,
      passphraseEnv: str(p, 'passphrase-var'),
    });
    if (writeFiles) await writeDeployFiles(fs, r.files);
    const pending = pendingFiles(r);
    if (flag(p, 'json')) {
      const files = r.files.map((f) => ({ path: f.path, shownPath: f.shownPath, role: f.role, purpose: f.purpose, created: f.created, needed: f.contents !== undefined && !f.created }));
      io.out(JSON.stringify({ target: r.target, languageId: r.languageId, fallbackLanguageId: r.fallbackLanguageId, title: r.title, text: r.text, files, warnings: r.warnings }, null, 2) + '\n');
    } else {
      io.out(r.text);
      io.err(`\nFiles (${SNIPPET_TARGET_INFO[target].label}):\n`);
      for (const f of r.files) io.err(`  ${f.shownPath}${f.created ? ' (created)' : f.contents !== undefined ? ' (missing: add --write-files)' : ''}  ${f.purpose}\n`);
    }
    for (const w of r.warnings) io.err(`warning: ${w}\n`);
    if (pending.length && !flag(p, 'json')) io.err(`note: ${pending.length} file(s) the snippet needs do not exist yet: run again with --write-files\n`);
    return 0;
  },
};

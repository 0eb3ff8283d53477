/** File verbs: key, csr, export. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCsr } from '../../core/csr';
import { buildPkcs12, certsToPem, fullchain, keyAndCertsPem, readCertificates } from '../../core/export';
import { exportPrivateKey, generateKeyPair, isEncryptedKey, readPrivateKey } from '../../core/keys';
import { parseSans } from '../../core/san';
import { NodeFilePort } from '../../node/nodeFilePort';
import { flag, list, parseArgs, str, usageError } from '../args';
import { helpText, KEY_OPTS, keyTypeOpt, PASS_OPTS, passphraseFrom, printResult, readInput, resolvePath, show, SUBJECT_OPTS, subjectOpt } from '../common';
import { CliIo, Verb } from '../io';

const port = new NodeFilePort();

async function openKey(io: CliIo, file: string, pass: () => Promise<string | undefined>): Promise<ReturnType<typeof readPrivateKey>> {
  const bytes = readInput(io, file, 'the private key');
  const p = isEncryptedKey(bytes) ? await pass() : undefined;
  return readPrivateKey(bytes, p);
}

const keySpecs = [...KEY_OPTS, ...PASS_OPTS, { name: 'force', help: 'overwrite an existing file' }, { name: 'json', help: 'print the result as JSON' }];
export const keyVerb: Verb = {
  name: 'key',
  summary: 'generate a private key (PKCS#8, 0600, optionally AES-256 encrypted)',
  help: helpText('workspace-ca key <out.key.pem> [--key-type p256] [--passphrase-env VAR]', 'Writes a new private key as PKCS#8 PEM with mode 0600; encrypted with AES-256 (PBES2) when a passphrase is given.', keySpecs, ['workspace-ca key server.key.pem --key-type p256']),
  async run(argv, io) {
    const p = parseArgs(argv, keySpecs, 1);
    const out = p.positionals[0];
    if (!out) throw usageError('key needs the output file');
    const pass = passphraseFrom(p, io);
    const { privateKey } = await generateKeyPair(keyTypeOpt(p, 'rsa2048'));
    const file = resolvePath(io, out);
    await port.writeFile(file, Buffer.from(exportPrivateKey(privateKey, pass)), { exclusive: !flag(p, 'force'), mode: 0o600 });
    printResult(io, flag(p, 'json'), { key: file, encrypted: pass !== undefined }, [`Key: ${show(io, file)}`], pass === undefined ? [`${show(io, file)} is not encrypted: keep it safe`] : []);
    return 0;
  },
};

const csrSpecs = [
  { name: 'key', value: true, arg: 'FILE', help: 'private key to sign the request with (required)' },
  { name: 'out', value: true, arg: 'FILE', help: 'output file (default: stdout)' },
  ...SUBJECT_OPTS,
  { name: 'san', value: true, repeat: true, arg: 'NAMES', help: 'DNS:...,IP:...,email:...,URI:...' },
  ...PASS_OPTS,
  { name: 'force', help: 'overwrite an existing file' },
];
export const csrVerb: Verb = {
  name: 'csr',
  summary: 'create a certificate signing request from a key',
  help: helpText('workspace-ca csr --key KEY --cn NAME [--san ...] [--out FILE]', 'Creates a PKCS#10 request signed with the key (SHA-256/384, Ed25519), SANs in an extensionRequest. --passphrase-* opens an encrypted key.', csrSpecs),
  async run(argv, io) {
    const p = parseArgs(argv, csrSpecs, 0);
    const keyFile = str(p, 'key');
    if (!keyFile) throw usageError('csr needs --key');
    const subject = subjectOpt(p);
    if (!subject.CN && !list(p, 'san').length) throw usageError('csr needs --cn or --san');
    const key = await openKey(io, keyFile, async () => passphraseFrom(p, io) ?? (await io.prompt?.(`Passphrase for ${keyFile}: `)));
    const csr = createCsr({ privateKey: key, subject, sans: list(p, 'san').flatMap(parseSans) });
    const out = str(p, 'out');
    if (out) {
      await port.writeFile(resolvePath(io, out), Buffer.from(csr.pem), { exclusive: !flag(p, 'force') });
      io.out(`CSR: ${out}\n`);
    } else io.out(csr.pem);
    return 0;
  },
};

const exportSpecs = [
  { name: 'format', value: true, arg: 'FMT', help: 'der | p12 | fullchain | pem (key + fullchain, unencrypted) (required)' },
  { name: 'key', value: true, arg: 'FILE', help: 'private key (default: ../private/<name>.key.pem next to certs/)' },
  { name: 'chain', value: true, arg: 'FILE', help: 'CA chain (default: certs/ca-chain.cert.pem next to the certificate)' },
  { name: 'out', value: true, arg: 'FILE', help: 'output file (required for der and p12)' },
  ...PASS_OPTS,
  { name: 'password-env', value: true, arg: 'VAR', help: 'PKCS#12 password from environment variable VAR' },
  { name: 'password-file', value: true, arg: 'FILE', help: 'PKCS#12 password from FILE' },
  { name: 'name', value: true, arg: 'TEXT', help: 'friendly name inside the PKCS#12 (default: the file base name)' },
  { name: 'force', help: 'overwrite an existing output file' },
];
export const exportVerb: Verb = {
  name: 'export',
  summary: 'export a certificate as DER, PKCS#12, fullchain or key+cert PEM',
  help: helpText(
    'workspace-ca export <cert.pem> --format der|p12|fullchain|pem [--out FILE]',
    'fullchain = certificate + intermediates (nginx ssl_certificate, Apache SSLCertificateFile). pem = unencrypted key + fullchain (stunnel, HAProxy). p12 = key + chain in PKCS#12 (AES-256, HMAC-SHA256), password from --password-env/--password-file or a prompt.',
    exportSpecs,
    ['workspace-ca export ca/intermediate/certs/www.example.com.cert.pem --format p12 --out www.p12 --password-env P12_PASS'],
  ),
  async run(argv, io) {
    const p = parseArgs(argv, exportSpecs, 1);
    const certFile = p.positionals[0];
    if (!certFile) throw usageError('export needs the certificate file');
    const format = str(p, 'format');
    if (!format || !['der', 'p12', 'fullchain', 'pem'].includes(format)) throw usageError('--format must be der, p12, fullchain or pem');
    const certPath = resolvePath(io, certFile);
    const [leaf] = readCertificates(readInput(io, certFile, 'the certificate'));
    const certDir = path.dirname(certPath);
    const chainFile = str(p, 'chain') ?? path.join(certDir, 'ca-chain.cert.pem');
    const chain = fs.existsSync(resolvePath(io, chainFile)) ? readCertificates(readInput(io, chainFile, 'the chain')) : [];
    const base = path.basename(certPath).replace(/\.cert\.pem$|\.crt$|\.pem$|\.cer$/, '');
    const keyFile = str(p, 'key') ?? path.join(certDir, '..', 'private', `${base}.key.pem`);
    const out = str(p, 'out');
    const write = async (data: Buffer | string) => {
      if (!out) {
        if (typeof data !== 'string') throw usageError(`--format ${format} needs --out`);
        io.out(data);
        return;
      }
      await port.writeFile(resolvePath(io, out), typeof data === 'string' ? Buffer.from(data) : data, { exclusive: !flag(p, 'force'), mode: format === 'pem' || format === 'p12' ? 0o600 : 0o644 });
      io.out(`Wrote ${out}\n`);
    };
    const keyPass = async () => passphraseFrom(p, io) ?? (await io.prompt?.(`Passphrase for ${keyFile}: `));
    const full = fullchain(leaf, chain);
    if (chain.length === 0 && format !== 'der') io.err(`warning: no chain found (${chainFile}); the output holds the certificate only\n`);
    switch (format) {
      case 'der':
        await write(leaf.der);
        break;
      case 'fullchain':
        await write(certsToPem(full));
        break;
      case 'pem': {
        const key = await openKey(io, keyFile, keyPass);
        io.err('warning: the output holds the private key unencrypted: keep it 0600 and out of version control\n');
        await write(keyAndCertsPem(key, full));
        break;
      }
      case 'p12': {
        if (!out) throw usageError('--format p12 needs --out');
        const key = await openKey(io, keyFile, keyPass);
        const password = passphraseFrom(p, io, 'password-env', 'password-file') ?? (await io.prompt?.('PKCS#12 password: '));
        if (!password) throw usageError('a PKCS#12 password is needed: --password-env VAR or --password-file FILE');
        await write(buildPkcs12({ key, certs: full, password, friendlyName: str(p, 'name') ?? base }));
        break;
      }
    }
    return 0;
  },
};

/**
 * The platform upload bundle (seed 000): hosting panels ask for three things, pasted or uploaded
 * separately: the certificate, the private key without a passphrase, and the CA chain.
 */
import { namesEqual } from '../der/name';
import { safeFileBase } from '../ca/layout';
import { PkiError } from '../errors';
import { isEncryptedKey, readPrivateKey, spkiOf } from '../keys';
import { certBaseName, parsePemCerts } from './material';
import { DeployFile, DeployInputs } from './types';

export interface PlatformBundleOptions {
  /** Folder the files go to (POSIX absolute in the port's namespace). */
  outDir: string;
  /** Passphrase of an encrypted key. */
  keyPassphrase?: string;
  /**
   * 'pkcs8' (default, "BEGIN PRIVATE KEY") or 'traditional' ("BEGIN RSA PRIVATE KEY" /
   * "BEGIN EC PRIVATE KEY") for panels that only take the older forms.
   */
  keyFormat?: 'pkcs8' | 'traditional';
  /** File base name; default from the certificate file name. */
  name?: string;
}

export interface PlatformBundle {
  files: DeployFile[];
  /** Which upload field takes which file, in the order the forms ask. */
  fields: { field: 'Certificate' | 'Private key' | 'CA chain' | 'Certificate with chain'; path: string }[];
  warnings: string[];
}

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

/**
 * Builds the three upload files (plus certificate+chain in one, for forms with a single field).
 * The key is written without a passphrase: platforms cannot ask for one, and the result warns.
 */
export function platformBundle(inputs: DeployInputs, o: PlatformBundleOptions): PlatformBundle {
  if (!inputs.key) throw new PkiError('not-found', `No private key found for ${inputs.cert.path}: pass the key file`);
  const leaf = parsePemCerts(inputs.cert, 'The certificate file');
  const chain = parsePemCerts(inputs.chain, 'The CA chain file');
  const cert = leaf.certs[0];
  const warnings: string[] = [];
  if (isEncryptedKey(inputs.key.pem) && o.keyPassphrase === undefined) {
    throw new PkiError('passphrase-required', `The key ${inputs.key.path} is encrypted: its passphrase is needed to write the unencrypted copy upload forms ask for`);
  }
  const key = readPrivateKey(inputs.key.pem, o.keyPassphrase);
  if (!spkiOf(key).equals(cert.spki)) throw new PkiError('usage', `The key ${inputs.key.path} does not belong to the certificate ${inputs.cert.path}`);
  if (!chain.certs.some((c) => namesEqual(c.subject, cert.issuer))) warnings.push(`The chain file ${inputs.chain.path} does not hold the issuer of the certificate: the platform will not be able to build the chain`);

  let keyPem: string;
  if (o.keyFormat === 'traditional') {
    const t = key.asymmetricKeyType;
    if (t === 'rsa') keyPem = key.export({ type: 'pkcs1', format: 'pem' }) as string;
    else if (t === 'ec') keyPem = key.export({ type: 'sec1', format: 'pem' }) as string;
    else throw new PkiError('unsupported', `${t} keys have no traditional PEM form: use PKCS#8`);
  } else {
    keyPem = key.export({ type: 'pkcs8', format: 'pem' }) as string;
  }
  // A typed --name is a file base, never a path: "../x" or "/etc/x" must not leave outDir (issue 9.6).
  const base = o.name !== undefined ? safeFileBase(o.name) : certBaseName(inputs.cert.path);
  const dir = o.outDir.replace(/\/+$/, '') || '/';
  const p = (f: string) => (dir === '/' ? `/${f}` : `${dir}/${f}`);
  // Intermediates first, root last: the order panels and `openssl verify -untrusted` expect.
  const chainText = chain.pems.join('');
  const mk = (path: string, role: DeployFile['role'], purpose: string, text: string, secret: boolean): DeployFile => ({
    path,
    shownPath: path,
    role,
    purpose,
    created: false,
    contents: enc(text),
    secret,
    mode: secret ? 0o600 : 0o644,
  });
  const files = [
    mk(p(`${base}.crt`), 'certificate', 'Certificate field: the server certificate alone', leaf.pems[0], false),
    mk(p(`${base}.key`), 'key-unencrypted', 'Private key field: the key without a passphrase', keyPem, true),
    mk(p(`${base}.ca-bundle.crt`), 'ca-chain', 'CA chain field: intermediate then root certificate', chainText, false),
    mk(p(`${base}.fullchain.crt`), 'fullchain', 'for forms with one certificate field: certificate then chain', leaf.pems[0] + chainText, false),
  ];
  warnings.push(`${files[1].path} holds the private key without a passphrase, as upload forms require: upload it, then delete it or keep it readable only by you`);
  return {
    files,
    fields: [
      { field: 'Certificate', path: files[0].path },
      { field: 'Private key', path: files[1].path },
      { field: 'CA chain', path: files[2].path },
      { field: 'Certificate with chain', path: files[3].path },
    ],
    warnings,
  };
}

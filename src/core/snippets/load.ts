/**
 * Reading what a snippet needs from a CA folder, and writing the derived files, over the file
 * port (node fs in the CLI, workspace.fs in the extension). The layout is the tutorials' (seed
 * 003): <ca>/intermediate/certs/<name>.cert.pem, private/<name>.key.pem, certs/ca-chain.cert.pem.
 */
import { issuingCaPaths } from '../ca/ca';
import { FilePort } from '../ca/fileport';
import { dirname, join, rootPaths } from '../ca/layout';
import { PkiError, isPkiError } from '../errors';
import { certBaseName } from './material';
import { DeployFile, DeployInputs, PemFile } from './types';

export interface LoadDeployOptions {
  /** The CA folder (workspace-ca init <dir>), when the certificate is not inside it. */
  caDir?: string;
  /** The private key; default private/<name>.key.pem next to the certificate's certs/ folder. */
  keyPath?: string;
  /** The CA chain; default certs/ca-chain.cert.pem of the issuing CA (the root certificate when there is no intermediate). */
  chainPath?: string;
  /** Client certificate (and key) for mutual TLS on client targets. */
  clientCertPath?: string;
  clientKeyPath?: string;
}

const dec = (b: Uint8Array) => Buffer.from(b).toString('utf8');

async function exists(fs: FilePort, p: string): Promise<boolean> {
  return (await fs.stat(p)) !== undefined;
}

async function readPem(fs: FilePort, path: string, what: string): Promise<PemFile> {
  try {
    return { path, pem: dec(await fs.readFile(path)) };
  } catch (e) {
    if (isPkiError(e, 'not-found') || !isPkiError(e)) throw new PkiError('not-found', `${what} not found: ${path}`);
    throw e;
  }
}

/** certs/<name>.cert.pem -> the CA folder holding certs/ (or undefined when the file is elsewhere). */
function caFolderOf(certPath: string): string | undefined {
  const d = dirname(certPath);
  return d.endsWith('/certs') ? dirname(d) : undefined;
}

async function findKey(fs: FilePort, certPath: string, caDir: string | undefined): Promise<string | undefined> {
  const base = certBaseName(certPath);
  const candidates: string[] = [];
  const own = caFolderOf(certPath);
  if (own) candidates.push(join(own, 'private', `${base}.key.pem`));
  if (caDir) candidates.push(join((await issuingCaPaths(fs, caDir)).private, `${base}.key.pem`));
  candidates.push(join(dirname(certPath), `${base}.key.pem`), join(dirname(certPath), `${base}.key`));
  for (const c of candidates) if (await exists(fs, c)) return c;
  return undefined;
}

async function findChain(fs: FilePort, certPath: string, caDir: string | undefined): Promise<string> {
  const candidates: string[] = [];
  const own = caFolderOf(certPath);
  if (own) candidates.push(join(own, 'certs', 'ca-chain.cert.pem'));
  if (caDir) {
    const p = await issuingCaPaths(fs, caDir);
    candidates.push(p.role === 'intermediate' ? p.chain : p.cert);
  }
  // A leaf issued by a root-only CA: the root certificate is the chain.
  if (own) candidates.push(rootPaths(own).cert);
  for (const c of candidates) if (await exists(fs, c)) return c;
  throw new PkiError('not-found', `No CA chain found for ${certPath} (looked for ${candidates.join(', ') || 'certs/ca-chain.cert.pem'}): pass the CA folder or the chain file`);
}

/**
 * Reads the certificate, its key, the CA chain and (optionally) a client certificate, plus the
 * derived files that already exist. Paths are absolute in the port's namespace.
 */
export async function loadDeployInputs(fs: FilePort, certPath: string, o: LoadDeployOptions = {}): Promise<DeployInputs> {
  const cert = await readPem(fs, certPath, 'The certificate');
  const keyPath = o.keyPath ?? (await findKey(fs, certPath, o.caDir));
  const key = keyPath ? await readPem(fs, keyPath, 'The private key') : undefined;
  const chain = await readPem(fs, o.chainPath ?? (await findChain(fs, certPath, o.caDir)), 'The CA chain');
  let clientCert: PemFile | undefined;
  let clientKey: PemFile | undefined;
  if (o.clientCertPath) {
    clientCert = await readPem(fs, o.clientCertPath, 'The client certificate');
    const ck = o.clientKeyPath ?? (await findKey(fs, o.clientCertPath, o.caDir));
    if (!ck) throw new PkiError('not-found', `No private key found for the client certificate ${o.clientCertPath}: pass its key file`);
    clientKey = await readPem(fs, ck, 'The client key');
  }
  const base = certBaseName(certPath);
  const publicDir = dirname(certPath);
  const privateDir = keyPath ? dirname(keyPath) : publicDir;
  const existing: Record<string, Uint8Array> = {};
  for (const p of [join(publicDir, `${base}.fullchain.pem`), join(privateDir, `${base}.combined.pem`), join(privateDir, `${base}.nopass.key.pem`)]) {
    if (await exists(fs, p)) existing[p] = await fs.readFile(p);
  }
  return { cert, key, chain, clientCert, clientKey, publicDir, privateDir, existing };
}

/**
 * Writes the files of a snippet or bundle result that carry `contents` (atomically, 0600 for
 * secrets) and marks them created. Returns the files written.
 */
export async function writeDeployFiles(fs: FilePort, files: DeployFile[]): Promise<DeployFile[]> {
  const written: DeployFile[] = [];
  for (const f of files) {
    if (f.contents === undefined || f.created) continue;
    await fs.mkdir(dirname(f.path), f.secret ? { mode: 0o700 } : {});
    await fs.writeFile(f.path, f.contents, { mode: f.mode ?? (f.secret ? 0o600 : 0o644) });
    // An existing file keeps its old mode through rename on some backends: set it explicitly.
    if (fs.chmod) await fs.chmod(f.path, f.mode ?? (f.secret ? 0o600 : 0o644));
    f.created = true;
    written.push(f);
  }
  return written;
}

/**
 * The CA directory layout of the tutorials (shared/seeds/003): a root in <dir>, an optional
 * intermediate in <dir>/intermediate, each with certs crl newcerts private(0700) csr index.txt
 * index.txt.attr serial crlnumber openssl.cnf.
 */
import { PkiError } from '../errors';

export interface CaPaths {
  /** Folder of this CA (root: the CA dir; intermediate: <dir>/intermediate). */
  dir: string;
  role: 'root' | 'intermediate';
  /** Base name used for files: "ca" or "intermediate". */
  name: 'ca' | 'intermediate';
  certs: string;
  crlDir: string;
  newcerts: string;
  private: string;
  csr: string;
  index: string;
  indexAttr: string;
  serial: string;
  crlnumber: string;
  cnf: string;
  cert: string;
  key: string;
  crl: string;
  /** certs/ca-chain.cert.pem (intermediate only: intermediate + root). */
  chain: string;
  lock: string;
}

export function join(...parts: string[]): string {
  return parts
    .join('/')
    .replace(/\/+/g, '/')
    .replace(/(.)\/$/, '$1');
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export function caPaths(dir: string, role: 'root' | 'intermediate'): CaPaths {
  const name = role === 'root' ? 'ca' : 'intermediate';
  return {
    dir,
    role,
    name,
    certs: join(dir, 'certs'),
    crlDir: join(dir, 'crl'),
    newcerts: join(dir, 'newcerts'),
    private: join(dir, 'private'),
    csr: join(dir, 'csr'),
    index: join(dir, 'index.txt'),
    indexAttr: join(dir, 'index.txt.attr'),
    serial: join(dir, 'serial'),
    crlnumber: join(dir, 'crlnumber'),
    cnf: join(dir, 'openssl.cnf'),
    cert: join(dir, 'certs', `${name}.cert.pem`),
    key: join(dir, 'private', `${name}.key.pem`),
    crl: join(dir, 'crl', `${name}.crl.pem`),
    chain: join(dir, 'certs', 'ca-chain.cert.pem'),
    lock: join(dir, '.workspace-ca.lock'),
  };
}

export const rootPaths = (dir: string) => caPaths(dir, 'root');
export const intermediatePaths = (dir: string) => caPaths(join(dir, 'intermediate'), 'intermediate');

/**
 * A file base name from a user-typed name (usually the CN): letters, digits, dot, dash,
 * underscore; "*.example.com" becomes "wildcard.example.com". Anything that could leave the CA
 * directory ("..", "/", absolute paths) is refused, never silently rewritten into a path.
 */
export function safeFileBase(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new PkiError('usage', 'A file name is needed (the common name is empty): pass --name');
  if (/[/\\]/.test(trimmed) || trimmed.includes('..')) {
    throw new PkiError('usage', `"${name}" cannot be used as a file name: it contains a path separator or ".."`);
  }
  let base = trimmed.replace(/^\*\./, 'wildcard.').replace(/[^A-Za-z0-9._-]+/g, '_');
  base = base.replace(/^[.]+/, '_');
  if (base.length > 100) base = base.slice(0, 100);
  if (base === '' || base === '.' || base === '..') throw new PkiError('usage', `"${name}" cannot be used as a file name`);
  // Windows reserves CON, PRN, AUX, NUL, COM1-9, LPT1-9 with any extension ("con.cert.pem" opens
  // the console): a CA folder shared with Windows must not get such names.
  if (/^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i.test(base)) base = `_${base}`;
  return base;
}

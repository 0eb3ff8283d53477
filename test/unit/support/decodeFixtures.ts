/**
 * Test-time fixtures for the decode tests, made with the `openssl` CLI (the oracle, STYLE.md §9)
 * in a fresh temp directory: keys of every type in every format, certificates, CSRs, a CRL,
 * PKCS#7 and PKCS#12 files. Nothing is shared between test files.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export class OpensslDir {
  readonly dir: string;
  constructor(prefix = 'wca-decode-') {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  }
  path(name: string): string {
    return path.join(this.dir, name);
  }
  /** Runs openssl in the temp dir; returns stdout as text. */
  run(...args: string[]): string {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
  }
  /** Runs openssl and returns stdout bytes. */
  runBytes(...args: string[]): Buffer {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  read(name: string): Buffer {
    return fs.readFileSync(this.path(name));
  }
  write(name: string, data: string | Buffer): string {
    fs.writeFileSync(this.path(name), data);
    return this.path(name);
  }
  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface KeyCase {
  name: string;
  /** genpkey arguments. */
  gen: string[];
  type: string;
  bits?: number;
  curve?: string;
  /** The `-traditional` PEM label, if the type has one. */
  traditional?: string;
  traditionalFormat?: string;
}

export const KEY_CASES: KeyCase[] = [
  { name: 'rsa', gen: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], type: 'rsa', bits: 2048, traditional: 'RSA PRIVATE KEY', traditionalFormat: 'pkcs1' },
  { name: 'p256', gen: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], type: 'ec', bits: 256, curve: 'P-256', traditional: 'EC PRIVATE KEY', traditionalFormat: 'sec1' },
  { name: 'p384', gen: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], type: 'ec', bits: 384, curve: 'P-384', traditional: 'EC PRIVATE KEY', traditionalFormat: 'sec1' },
  { name: 'p521', gen: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'], type: 'ec', bits: 521, curve: 'P-521', traditional: 'EC PRIVATE KEY', traditionalFormat: 'sec1' },
  { name: 'ed25519', gen: ['-algorithm', 'ED25519'], type: 'ed25519', bits: 256 },
  { name: 'dsa', gen: [], type: 'dsa', bits: 2048, traditional: 'DSA PRIVATE KEY', traditionalFormat: 'dsa' },
];

/** Generates `<name>.key` (PKCS#8 PEM) for every key case. */
export function makeKeys(o: OpensslDir): void {
  for (const k of KEY_CASES) {
    if (k.name === 'dsa') {
      o.run('genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:2048', '-out', 'dsa.params');
      o.run('genpkey', '-paramfile', 'dsa.params', '-out', 'dsa.key');
    } else {
      o.run('genpkey', ...k.gen, '-out', `${k.name}.key`);
    }
  }
}

/** openssl's SHA-256 fingerprint line value ("AB:CD:..."). */
export function opensslFingerprint(o: OpensslDir, certFile: string, alg: 'sha256' | 'sha1' = 'sha256', inform = 'PEM'): string {
  return o.run('x509', '-in', certFile, '-inform', inform, '-noout', '-fingerprint', `-${alg}`).trim().split('=')[1];
}

export function opensslSerial(o: OpensslDir, certFile: string, inform = 'PEM'): string {
  return o.run('x509', '-in', certFile, '-inform', inform, '-noout', '-serial').trim().split('=')[1];
}

/** base64 SHA-256 of the DER SubjectPublicKeyInfo of a certificate, key or CSR. */
export function opensslSpkiSha256(o: OpensslDir, file: string, what: 'x509' | 'pkey' | 'req'): string {
  let pub: string;
  if (what === 'x509') pub = o.run('x509', '-in', file, '-noout', '-pubkey');
  else if (what === 'req') pub = o.run('req', '-in', file, '-noout', '-pubkey');
  else pub = o.run('pkey', '-in', file, '-pubout');
  const pubFile = o.write(`${path.basename(file)}.pub.pem`, pub);
  const der = o.runBytes('pkey', '-pubin', '-in', pubFile, '-outform', 'DER');
  return createHash('sha256').update(der).digest('base64');
}

/** Minimal `openssl ca` setup to revoke a certificate and produce a CRL. */
export function makeCrl(o: OpensslDir, caKey: string, caCert: string, revoke: { cert: string; reason: string }[]): string {
  fs.mkdirSync(o.path('ca'), { recursive: true });
  fs.writeFileSync(o.path('ca/index.txt'), '');
  fs.writeFileSync(o.path('ca/crlnumber'), '1000\n');
  const conf = [
    '[ ca ]',
    'default_ca = test_ca',
    '[ test_ca ]',
    `dir = ${o.path('ca')}`,
    'database = $dir/index.txt',
    'crlnumber = $dir/crlnumber',
    `certificate = ${o.path(caCert)}`,
    `private_key = ${o.path(caKey)}`,
    'default_md = sha256',
    'default_crl_days = 7',
    'crl_extensions = crl_ext',
    '[ crl_ext ]',
    'authorityKeyIdentifier = keyid:always',
    '',
  ].join('\n');
  o.write('ca.cnf', conf);
  for (const r of revoke) o.run('ca', '-config', 'ca.cnf', '-revoke', r.cert, '-crl_reason', r.reason);
  o.run('ca', '-config', 'ca.cnf', '-gencrl', '-out', 'test.crl');
  return 'test.crl';
}

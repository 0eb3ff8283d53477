/**
 * The facts snippets are made of: host names from the SANs, the chain split into intermediates
 * and root, derived files (full chain, combined PEM, unencrypted key) and how paths are shown.
 * Pure: no clock, no disk.
 */
import { decodeAltNames, decodeExtKeyUsage } from '../der/extensions';
import { namesEqual } from '../der/name';
import { OID } from '../der/oids';
import { ParsedCertificate, findExtension, parseCertificate } from '../der/x509';
import { PkiError } from '../errors';
import { exportPrivateKey, isEncryptedKey, readPrivateKey, spkiOf } from '../keys';
import { splitPem, toPem } from '../pem';
import { DeployFile, DeployFileRole, DeployInputs, PemFile, SnippetOptions } from './types';

/** Certificates of a PEM file, parsed, with their PEM text re-encoded (no text between blocks). */
export interface ParsedPemCerts {
  certs: ParsedCertificate[];
  pems: string[];
}

export function parsePemCerts(file: PemFile, what: string): ParsedPemCerts {
  const blocks = splitPem(file.pem).filter((b) => b.kind === 'certificate');
  if (blocks.length === 0) throw new PkiError('malformed', `${what} ${file.path} holds no certificate`);
  return { certs: blocks.map((b) => parseCertificate(b.der)), pems: blocks.map((b) => toPem('CERTIFICATE', b.der)) };
}

/** Host names a client can use: DNS SANs then IP SANs (RFC 6125 §6.4.4: the CN is not looked at when SANs exist). */
export interface CertHosts {
  dns: string[];
  ips: string[];
}

export function hostsOf(cert: ParsedCertificate): CertHosts {
  const ext = findExtension(cert.extensions, OID.subjectAltName);
  const out: CertHosts = { dns: [], ips: [] };
  if (!ext) return out;
  for (const n of decodeAltNames(ext.value)) {
    if (n.type === 'dns') out.dns.push(n.value);
    else if (n.type === 'ip') out.ips.push(n.value);
  }
  return out;
}

/** Extended key usages that matter for deployment. */
export function usagesOf(cert: ParsedCertificate): { server: boolean; client: boolean } {
  const ext = findExtension(cert.extensions, OID.extKeyUsage);
  // No EKU: any purpose (RFC 5280 §4.2.1.12).
  if (!ext) return { server: true, client: true };
  const oids = decodeExtKeyUsage(ext.value);
  const any = oids.includes('2.5.29.37.0');
  return { server: any || oids.includes(OID.serverAuth), client: any || oids.includes(OID.clientAuth) };
}

/** The name a client connects to: the first concrete DNS name (a wildcard becomes www.<rest>), else the first IP. */
export function defaultHost(hosts: CertHosts): string | undefined {
  const plain = hosts.dns.find((d) => !d.startsWith('*.'));
  if (plain) return plain;
  const wild = hosts.dns.find((d) => d.startsWith('*.'));
  if (wild) return `www.${wild.slice(2)}`;
  return hosts.ips[0];
}

/** True when `host` matches one of the certificate's names (RFC 6125 §6.4.3: a wildcard covers one label). */
export function hostCovered(hosts: CertHosts, host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (hosts.ips.some((ip) => ip.toLowerCase() === h)) return true;
  return hosts.dns.some((d) => {
    const n = d.toLowerCase();
    if (n === h) return true;
    if (n.startsWith('*.')) {
      const dot = h.indexOf('.');
      return dot > 0 && h.slice(dot + 1) === n.slice(2);
    }
    return false;
  });
}

/** "host:port" for URLs and connect strings; IPv6 addresses in brackets (RFC 3986 §3.2.2). */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// ---------------------------------------------------------------------------------------------
// Paths

function normalize(p: string): string[] {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

/** POSIX relative path from folder `from` to `to` ("./x" style for files in `from`). */
export function relativePath(from: string, to: string): string {
  const a = normalize(from);
  const b = normalize(to);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const up = a.slice(i).map(() => '..');
  const rest = b.slice(i);
  const rel = [...up, ...rest].join('/');
  return up.length === 0 ? `./${rel}` : rel;
}

export function showPath(path: string, o: SnippetOptions): string {
  if (o.absolute || !o.relativeTo) return path;
  return relativePath(o.relativeTo, path);
}

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/** File base name of a certificate: certs/www.example.com.cert.pem -> www.example.com. */
export function certBaseName(certPath: string): string {
  const b = certPath.slice(certPath.lastIndexOf('/') + 1);
  return b.replace(/\.(cert\.pem|crt\.pem|pem|crt|cer)$/i, '') || 'certificate';
}

// ---------------------------------------------------------------------------------------------
// Derived files

/** The parsed inputs, computed once per snippet. */
export interface Material {
  inputs: DeployInputs;
  options: SnippetOptions;
  cert: ParsedCertificate;
  certPem: string;
  hosts: CertHosts;
  /** Intermediates of the chain (everything that is not self-signed), leaf-side first. */
  intermediatePems: string[];
  /** Number of CA certificates in the chain (verify depth for mTLS servers). */
  chainDepth: number;
  keyEncrypted: boolean;
  base: string;
  warnings: string[];
  files: Map<string, DeployFile>;
}

export function prepareMaterial(inputs: DeployInputs, options: SnippetOptions): Material {
  const leaf = parsePemCerts(inputs.cert, 'The certificate file');
  const chain = parsePemCerts(inputs.chain, 'The CA chain file');
  const cert = leaf.certs[0];
  const intermediatePems: string[] = [];
  chain.certs.forEach((c, i) => {
    if (!namesEqual(c.subject, c.issuer)) intermediatePems.push(chain.pems[i]);
  });
  const warnings: string[] = [];
  if (!chain.certs.some((c) => namesEqual(c.subject, cert.issuer))) {
    warnings.push(`The chain file ${inputs.chain.path} does not hold the issuer of the certificate: clients will not be able to verify it`);
  }
  return {
    inputs,
    options,
    cert,
    certPem: leaf.pems[0],
    hosts: hostsOf(cert),
    intermediatePems,
    chainDepth: chain.certs.length,
    keyEncrypted: inputs.key ? isEncryptedKey(inputs.key.pem) : false,
    base: certBaseName(inputs.cert.path),
    warnings,
    files: new Map(),
  };
}

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.from(a).equals(Buffer.from(b));
}

/** Records a file the snippet uses and returns the path as the snippet shows it. */
function useFile(m: Material, path: string, role: DeployFileRole, purpose: string, secret: boolean, contents?: Uint8Array): string {
  const shownPath = showPath(path, m.options);
  const prev = m.files.get(path);
  if (prev) {
    if (!prev.purpose.includes(purpose)) prev.purpose += `; ${purpose}`;
    return prev.shownPath;
  }
  const upToDate = contents !== undefined && sameBytes(m.inputs.existing?.[path], contents);
  m.files.set(path, { path, shownPath, role, purpose, created: false, secret, contents: upToDate ? undefined : contents, mode: secret ? 0o600 : 0o644 });
  return shownPath;
}

export function useCert(m: Material, purpose: string): string {
  return useFile(m, m.inputs.cert.path, 'certificate', purpose, false);
}

export function useChain(m: Material, purpose: string): string {
  return useFile(m, m.inputs.chain.path, 'ca-chain', purpose, false);
}

/** Certificate + intermediates (no root: clients already hold it), the file servers should present. */
export function useFullchain(m: Material, purpose: string): string {
  if (m.intermediatePems.length === 0) return useCert(m, purpose);
  const dir = m.inputs.publicDir ?? dirOf(m.inputs.cert.path);
  const text = [m.certPem, ...m.intermediatePems].join('');
  return useFile(m, `${dir}/${m.base}.fullchain.pem`, 'fullchain', purpose, false, enc(text));
}

function needKey(m: Material): PemFile {
  if (!m.inputs.key) throw new PkiError('not-found', `No private key found for ${m.inputs.cert.path}: pass the key file`);
  return m.inputs.key;
}

/** The key file as it is (servers that can be given the passphrase). */
export function useKey(m: Material, purpose: string): string {
  const key = needKey(m);
  checkKeyMatches(m, key, m.options.keyPassphrase);
  return useFile(m, key.path, 'key', purpose, true);
}

function checkKeyMatches(m: Material, key: PemFile, passphrase: string | undefined): void {
  if (isEncryptedKey(key.pem) && passphrase === undefined) return;
  const k = readPrivateKey(key.pem, passphrase);
  if (!spkiOf(k).equals(m.cert.spki)) throw new PkiError('usage', `The key ${key.path} does not belong to the certificate ${m.inputs.cert.path}`);
}

/**
 * The key without a passphrase, as PEM text, or undefined when it is encrypted and no passphrase
 * was given (a warning says so).
 */
function plainKeyPem(m: Material, why: string): string | undefined {
  const key = needKey(m);
  if (!m.keyEncrypted) {
    checkKeyMatches(m, key, undefined);
    return key.pem.endsWith('\n') ? key.pem : key.pem + '\n';
  }
  if (m.options.keyPassphrase === undefined) {
    m.warnings.push(`The key ${key.path} is encrypted and ${why}: give its passphrase to create the file`);
    return undefined;
  }
  const k = readPrivateKey(key.pem, m.options.keyPassphrase);
  if (!spkiOf(k).equals(m.cert.spki)) throw new PkiError('usage', `The key ${key.path} does not belong to the certificate ${m.inputs.cert.path}`);
  return exportPrivateKey(k);
}

function privateDir(m: Material): string {
  return m.inputs.privateDir ?? dirOf(needKey(m).path);
}

/** A key file the server can read unattended: the key itself when unencrypted, else an unencrypted copy (0600). */
export function useUnattendedKey(m: Material, purpose: string, server: string): string {
  if (!m.keyEncrypted) return useKey(m, purpose);
  const pem = plainKeyPem(m, `${server} cannot ask for a passphrase when it starts`);
  const path = `${privateDir(m)}/${m.base}.nopass.key.pem`;
  if (pem !== undefined) m.warnings.push(`${path} holds the private key without a passphrase: keep it readable only by the server (mode 0600)`);
  return useFile(m, path, 'key-unencrypted', purpose, true, pem === undefined ? undefined : enc(pem));
}

/** Key + certificate + intermediates in one file, unencrypted (stunnel, HAProxy), 0600. */
export function useCombined(m: Material, purpose: string, server: string): string {
  const pem = plainKeyPem(m, `${server} reads the key from the combined file without a passphrase`);
  const path = `${privateDir(m)}/${m.base}.combined.pem`;
  if (pem !== undefined) m.warnings.push(`${path} holds the private key without a passphrase: keep it readable only by the server (mode 0600)`);
  const text = pem === undefined ? undefined : [pem, m.certPem, ...m.intermediatePems].join('');
  return useFile(m, path, 'combined', purpose, true, text === undefined ? undefined : enc(text));
}

/** Client certificate and key for mTLS clients. */
export function useClient(m: Material): { cert: string; key: string; encrypted: boolean } | undefined {
  const c = m.inputs.clientCert;
  const k = m.inputs.clientKey;
  if (!c || !k) return undefined;
  const cert = parsePemCerts(c, 'The client certificate file').certs[0];
  if (!usagesOf(cert).client) m.warnings.push(`${c.path} is not a client certificate (no clientAuth extended key usage): servers will refuse it`);
  return {
    cert: useFile(m, c.path, 'client-certificate', 'client certificate presented for mutual TLS', false),
    key: useFile(m, k.path, 'client-key', 'key of the client certificate', true),
    encrypted: isEncryptedKey(k.pem),
  };
}

/** The host a client snippet connects to, with a warning when it is not in the certificate. */
export function clientHost(m: Material): string {
  const host = m.options.host ?? defaultHost(m.hosts);
  if (!host) throw new PkiError('usage', `The certificate ${m.inputs.cert.path} names no host (no DNS or IP subject alternative name): pass the host name`);
  if (!hostCovered(m.hosts, host)) m.warnings.push(`${host} is not one of the certificate's names (${[...m.hosts.dns, ...m.hosts.ips].join(', ') || 'none'}): clients will refuse the connection`);
  return host;
}

/** Server names for virtual hosts: every DNS SAN (wildcards included), then IPs. */
export function serverNames(m: Material): string[] {
  const names = [...m.hosts.dns, ...m.hosts.ips];
  if (names.length === 0) m.warnings.push(`The certificate ${m.inputs.cert.path} has no DNS or IP subject alternative name: clients will refuse it for every host name`);
  return names;
}

export function port(m: Material): number {
  return m.options.port ?? 443;
}

export function passEnv(m: Material): string {
  return m.options.passphraseEnv ?? 'KEY_PASSPHRASE';
}

export function backend(m: Material): string {
  return m.options.backend ?? '127.0.0.1:8080';
}

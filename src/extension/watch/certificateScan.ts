/**
 * One pass over the certificate files of the workspace (*.crt, *.cer, *.pem; private keys, CSRs,
 * CRLs and `newcerts/` copies left out), bounded by `workspaceCa.diagnostics.maxFiles`: each file
 * linted by core (lintFile, issuers taken from the same CA directory), its validity state at `now`,
 * and "revoked" from the CA's index.txt. Diagnostics, decorations and the status bar read the result.
 */
import * as vscode from 'vscode';
import { IndexEntry, normSerial } from '../../core/ca/indexTxt';
import { cnOfOneline, readIndex } from '../../core/ca/model';
import { decodeBasicConstraints } from '../../core/der/extensions';
import { formatNameOpenssl, nameAttr } from '../../core/der/name';
import { OID } from '../../core/der/oids';
import { sha256 } from '../../core/digest';
import { ParsedCertificate, findExtension, parseCertificate } from '../../core/der/x509';
import { isPkiError } from '../../core/errors';
import { ExpiryState, expiryStatus } from '../../core/expiry';
import { CertificateLint, lintFile } from '../../core/lint';
import { readBlocks } from '../../core/pem';

/** Where a certificate file stands: core's expiry state, or revoked (index.txt says so). */
export type WatchState = ExpiryState | 'revoked';

export interface ScannedFile {
  uri: vscode.Uri;
  /** CN (or subject) of the first certificate. */
  label: string;
  state: WatchState;
  /** Whole days (as core's expiryStatus counts them). */
  days: number;
  /** "expires in 10 days", "expired 3 days ago", "revoked on 2025-01-02 (keyCompromise)". */
  message: string;
  /** SHA-256 of the first certificate's DER (hex), to count a certificate once across files. */
  fingerprint: string;
  isCa: boolean;
  lints: CertificateLint[];
  revoked?: { date?: Date; reason?: string };
  /** Set when the file claims to hold a certificate but cannot be read. */
  problem?: string;
}

export interface ScanOptions {
  now: Date;
  warnDays: number;
  maxFiles: number;
}

export interface ScanResult {
  files: ScannedFile[];
  /** True when more files matched than maxFiles. */
  truncated: boolean;
}

export const CERT_GLOB = '**/*.{crt,cer,pem,CRT,CER,PEM}';
/** Folders never scanned: dependencies, VCS data, CA private keys, openssl's per-serial copies of every certificate. */
const EXCLUDE_GLOB = '**/{node_modules,.git,private,newcerts}/**';
/** Files larger than this are not certificates worth linting on every change. */
const MAX_FILE_BYTES = 1_000_000;
/** Private keys, requests and CRLs by name; the content check below catches the rest. */
const NOT_A_CERT_NAME = /(\.key\.pem|\.key|\.csr\.pem|\.req\.pem|\.crl\.pem|\.combined\.pem|\.nopass\.key\.pem)$/i;
const CERT_LABEL = /-----BEGIN (TRUSTED |X509 )?CERTIFICATE-----/;
const PRIVATE_KEY_LABEL = /-{5}BEGIN [A-Z ]*PRIVATE KEY-{5}/;

/** True for a file name the scan looks at (the watcher's filter). */
export function isCandidate(uri: vscode.Uri): boolean {
  const p = uri.path;
  return /\.(crt|cer|pem)$/i.test(p) && !NOT_A_CERT_NAME.test(p) && !/\/(node_modules|\.git|private|newcerts)\//.test(p);
}

const parentOf = (p: string) => p.slice(0, Math.max(p.lastIndexOf('/'), 0)) || '/';

/** <ca>/certs/x.pem -> <ca>; undefined when the file is not in a certs/ folder. */
function caDirOf(path: string): string | undefined {
  const dir = parentOf(path);
  return dir.endsWith('/certs') ? parentOf(dir) : undefined;
}

function isCaCert(c: ParsedCertificate): boolean {
  try {
    const e = findExtension(c.extensions, OID.basicConstraints);
    return !!e && decodeBasicConstraints(e.value).ca;
  } catch {
    return false;
  }
}

interface ReadFile {
  uri: vscode.Uri;
  bytes: Uint8Array;
  certs: ParsedCertificate[];
  caDir?: string;
  problem?: string;
}

async function readCandidate(uri: vscode.Uri): Promise<ReadFile | undefined> {
  let bytes: Uint8Array;
  try {
    const st = await vscode.workspace.fs.stat(uri);
    if (st.size > MAX_FILE_BYTES || st.type & vscode.FileType.Directory) return undefined;
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch {
    return undefined; // deleted meanwhile
  }
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const pem = head.includes('-----BEGIN');
  // A PEM file without a certificate (key, CSR, CRL) is not ours; one with a private key is a secret we do not lint.
  if (pem && (!CERT_LABEL.test(head) || PRIVATE_KEY_LABEL.test(head))) return undefined;
  const caDir = caDirOf(uri.path);
  try {
    const certs = readBlocks(bytes)
      .filter((b) => b.kind === 'certificate' || b.kind === 'other')
      .map((b) => parseCertificate(b.der));
    if (!certs.length) return undefined;
    return { uri, bytes, certs, caDir };
  } catch (e) {
    // DER that is not a certificate (a .cer holding something else) says nothing; broken PEM does.
    if (!pem) return undefined;
    return { uri, bytes, certs: [], caDir, problem: isPkiError(e) ? e.message : String(e) };
  }
}

async function readIndexOf(caDir: string, base: vscode.Uri, cache: Map<string, IndexEntry[] | undefined>): Promise<IndexEntry[] | undefined> {
  if (cache.has(caDir)) return cache.get(caDir);
  let entries: IndexEntry[] | undefined;
  try {
    const text = Buffer.from(await vscode.workspace.fs.readFile(base.with({ path: `${caDir}/index.txt` }))).toString('utf8');
    entries = readIndex(text).entries;
  } catch {
    entries = undefined;
  }
  cache.set(caDir, entries);
  return entries;
}

/** Scans the workspace's certificate files. */
export async function scanCertificates(o: ScanOptions, token?: vscode.CancellationToken): Promise<ScanResult> {
  const uris = await vscode.workspace.findFiles(CERT_GLOB, EXCLUDE_GLOB, o.maxFiles + 1, token);
  const truncated = uris.length > o.maxFiles;
  const candidates = uris.slice(0, o.maxFiles).filter(isCandidate);
  const read: ReadFile[] = [];
  for (const uri of candidates) {
    if (token?.isCancellationRequested) break;
    const r = await readCandidate(uri);
    if (r) read.push(r);
  }

  // CA certificates by CA directory: the issuers lint looks for (same directory, then its parent:
  // an intermediate in <root>/intermediate is issued by <root>/certs/ca.cert.pem).
  const caCertsByDir = new Map<string, ParsedCertificate[]>();
  const allCa: ParsedCertificate[] = [];
  for (const r of read) {
    for (const c of r.certs.filter(isCaCert)) {
      allCa.push(c);
      const key = r.caDir ?? parentOf(r.uri.path);
      caCertsByDir.set(key, [...(caCertsByDir.get(key) ?? []), c]);
    }
  }
  const indexCache = new Map<string, IndexEntry[] | undefined>();
  const files: ScannedFile[] = [];
  for (const r of read) {
    const name = r.uri.path.slice(r.uri.path.lastIndexOf('/') + 1);
    if (r.problem) {
      files.push({ uri: r.uri, label: name, state: 'valid', days: 0, message: r.problem, fingerprint: '', isCa: false, lints: [], problem: r.problem });
      continue;
    }
    const dir = r.caDir ?? parentOf(r.uri.path);
    const near = [...(caCertsByDir.get(dir) ?? []), ...(caCertsByDir.get(parentOf(dir)) ?? [])];
    const index = r.caDir ? await readIndexOf(r.caDir, r.uri, indexCache) : undefined;
    // index.txt lists what this CA issued; a CA certificate in its certs/ (its own, or a chain file)
    // was issued by the parent CA, whose serials are another space: no duplicate-serial check there.
    const issuedHere = !r.certs.some(isCaCert);
    let lints: CertificateLint[];
    try {
      lints = lintFile(r.bytes, { now: o.now, warnDays: o.warnDays, issuers: near.length ? near : allCa, index: issuedHere ? index : undefined });
    } catch (e) {
      const problem = isPkiError(e) ? e.message : String(e);
      files.push({ uri: r.uri, label: name, state: 'valid', days: 0, message: problem, fingerprint: '', isCa: false, lints: [], problem });
      continue;
    }
    const first = r.certs[0];
    const st = expiryStatus(first, o.now, o.warnDays);
    // Serials are per CA, and an intermediate may share one with a certificate it issued: the subject must match too.
    const oneline = formatNameOpenssl(first.subject);
    const cn = nameAttr(first.subject, OID.commonName);
    const revokedEntry = (issuedHere ? index : undefined)?.find((e) => e.status === 'R' && normSerial(e.serialHex) === normSerial(first.serialHex) && (e.subject === oneline || (cn !== undefined && cnOfOneline(e.subject) === cn)));
    const fingerprint = sha256(first.der).toString('hex');
    const base = { uri: r.uri, label: lints[0]?.label ?? name, days: st.days, fingerprint, isCa: isCaCert(first), lints };
    if (revokedEntry) {
      const date = revokedEntry.revoked;
      const message = `revoked${date ? ` on ${date.toISOString().slice(0, 10)}` : ''}${revokedEntry.reason ? ` (${revokedEntry.reason})` : ''}`;
      files.push({ ...base, state: 'revoked', message, revoked: { date, reason: revokedEntry.reason } });
    } else {
      files.push({ ...base, state: st.state, message: st.message });
    }
  }
  return { files, truncated };
}

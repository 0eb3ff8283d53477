/**
 * Pure view-model building for the certificate viewer: core's DecodedBlock DTOs + the host's clock
 * -> the protocol's ViewState. No `vscode` import (unit-tested in plain node, test/unit/viewer-*).
 * The host does the I/O (reading the file, the chain file, the workspace's certificates) and calls
 * these functions with plain values.
 */
import type { DecodedBlock, NameInfo, PrivateKeyInfo } from '../../core/types';
import type { VerifyResult } from '../../core/verify/types';
import type { BlockView, ChainView, KeyMatchState, ValidityBadge, ViewState } from '../../shared/protocol';

const DAY = 86_400_000;
/** Certificates closer than this to notAfter get the "expiring" badge. */
export const EXPIRING_DAYS = 30;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The validity badge of a certificate at `now` (RFC 5280 §4.1.2.5: valid from notBefore through
 * notAfter, both inclusive).
 */
export function validityBadge(notBefore: string, notAfter: string, now: Date, expiringDays = EXPIRING_DAYS): ValidityBadge {
  const t = now.getTime();
  const nb = Date.parse(notBefore);
  const na = Date.parse(notAfter);
  if (t < nb) {
    const d = Math.ceil((nb - t) / DAY);
    return { state: 'notYetValid', days: d, text: `not valid yet (starts in ${plural(d, 'day')})` };
  }
  if (t > na) {
    const d = Math.floor((t - na) / DAY);
    return { state: 'expired', days: -d, text: d === 0 ? 'expired today' : `expired ${plural(d, 'day')} ago` };
  }
  const d = Math.floor((na - t) / DAY);
  return { state: d < expiringDays ? 'expiring' : 'valid', days: d, text: d === 0 ? 'expires today' : `expires in ${plural(d, 'day')}` };
}

/** When a CRL's nextUpdate has passed, relying parties treat it as stale (RFC 5280 §5.1.2.5). */
export function nextUpdateBadge(nextUpdate: string, now: Date): ValidityBadge {
  const ms = Date.parse(nextUpdate) - now.getTime();
  if (ms < 0) {
    const d = Math.floor(-ms / DAY);
    return { state: 'expired', days: -d, text: d === 0 ? 'stale since today' : `stale: next update was due ${plural(d, 'day')} ago` };
  }
  const d = Math.floor(ms / DAY);
  return { state: d < 7 ? 'expiring' : 'valid', days: d, text: d === 0 ? 'next update due today' : `next update due in ${plural(d, 'day')}` };
}

/** The common name of a subject text "CN=a, O=b" (first CN), else the whole text. */
export function shortName(subjectText: string): string {
  const m = /(?:^|,\s*)CN=((?:[^,\\]|\\.)*)/.exec(subjectText);
  return (m ? m[1] : subjectText).trim() || '(empty subject)';
}

/** The (last, most specific) common name of a name, unescaped; else its RFC 4514 text. */
export function nameShort(n: NameInfo): string {
  const cns = n.attributes.filter((a) => a.type === 'CN');
  const cn = cns.length ? cns[cns.length - 1].value.trim() : '';
  return cn || n.text || '(empty subject)';
}

const KIND_WORDS: Record<DecodedBlock['kind'], string> = {
  certificate: 'Certificate',
  csr: 'Certificate request',
  crl: 'CRL',
  privateKey: 'Private key',
  publicKey: 'Public key',
  pkcs12: 'PKCS#12',
  pkcs7: 'PKCS#7',
  other: 'Other',
};

export function kindWords(kind: DecodedBlock['kind']): string {
  return KIND_WORDS[kind];
}

/** A block's heading: the certificate's CN, the CRL issuer, the key's type. */
export function blockTitle(b: DecodedBlock): string {
  if (b.error || !b.info) return `${KIND_WORDS[b.kind]} (unreadable)`;
  switch (b.kind) {
    case 'certificate':
      return nameShort(b.info.subject);
    case 'csr':
      return nameShort(b.info.subject);
    case 'crl':
      return `CRL of ${nameShort(b.info.issuer)}`;
    case 'privateKey':
      return `Private key (${b.info.description}${b.info.encrypted ? ', encrypted' : ''})`;
    case 'publicKey':
      return `Public key (${b.info.description})`;
    case 'pkcs12':
      return `PKCS#12: ${plural(b.info.certificates.length, 'certificate')}, ${plural(b.info.keys.length, 'key')}`;
    case 'pkcs7':
    case 'other':
      return b.info.description;
  }
}

/** Where the block is in the file, in words. */
export function blockWhere(b: DecodedBlock): string {
  const s = b.source;
  const parts = [s.encoding === 'pem' ? `PEM "${s.label}"` : s.label];
  if (s.startLine !== undefined) parts.push(s.endLine !== undefined ? `lines ${s.startLine + 1}–${s.endLine + 1}` : `from line ${s.startLine + 1}`);
  if (s.container === 'pkcs7') parts.push('inside a PKCS#7 bundle');
  return parts.join(', ');
}

/** The viewer's words for an error of a block (core's PKCS#12 messages name CLI flags). */
export function blockErrorMessage(b: DecodedBlock, passwordTried: boolean): string {
  const e = b.error;
  if (!e) return '';
  if (b.kind === 'pkcs12' && (e.code === 'passphrase-required' || e.code === 'wrong-passphrase')) {
    return passwordTried ? 'Wrong password: the file\'s integrity check failed. Try again.' : 'This PKCS#12 file is protected by a password.';
  }
  return e.message;
}

export interface BuildOptions {
  fileName: string;
  now: Date;
  canSign: boolean;
  chainFile?: string;
  /** Matches of a private key's public key (SPKI SHA-256 hex) against the workspace's certificates. */
  keyMatch?: (key: PrivateKeyInfo) => KeyMatchState;
  /** True when a PKCS#12 password was given (a failure then means "wrong password"). */
  passwordTried?: boolean;
}

/** One DecodedBlock -> one BlockView (the raw ASN.1 tree stays in the host until asked for). */
export function blockView(b: DecodedBlock, o: BuildOptions): BlockView {
  const base = {
    index: b.source.index,
    title: blockTitle(b),
    where: blockWhere(b),
    hasAsn1: b.kind !== 'privateKey' && b.kind !== 'pkcs12',
    ...(b.error ? { error: { code: b.error.code, message: blockErrorMessage(b, !!o.passwordTried) } } : {}),
  };
  switch (b.kind) {
    case 'certificate':
      return { ...base, kind: b.kind, info: b.info, validity: b.info ? validityBadge(b.info.notBefore, b.info.notAfter, o.now) : undefined };
    case 'csr':
      return { ...base, kind: b.kind, info: b.info };
    case 'crl':
      return { ...base, kind: b.kind, info: b.info, nextUpdate: b.info?.nextUpdate ? nextUpdateBadge(b.info.nextUpdate, o.now) : undefined };
    case 'privateKey': {
      let match: KeyMatchState | undefined;
      if (b.info) match = b.info.encrypted || !b.info.spkiSha256 ? { state: 'encrypted' } : (o.keyMatch?.(b.info) ?? { state: 'unavailable', reason: 'no workspace folder to search' });
      return { ...base, kind: b.kind, info: b.info, match };
    }
    case 'publicKey':
      return { ...base, kind: b.kind, info: b.info };
    case 'pkcs12':
      return {
        ...base,
        kind: b.kind,
        info: b.info,
        validity: b.info?.certificates.map((c) => validityBadge(c.notBefore, c.notAfter, o.now)),
        locked: b.error?.code === 'passphrase-required' || b.error?.code === 'wrong-passphrase',
      };
    case 'pkcs7':
    case 'other':
      return { ...base, kind: b.kind, info: b.info };
  }
}

/** The whole view of a decoded file. */
export function buildViewState(blocks: DecodedBlock[], o: BuildOptions): ViewState {
  const state: ViewState = {
    fileName: o.fileName,
    now: o.now.toISOString(),
    blocks: blocks.map((b) => blockView(b, o)),
    canSign: o.canSign,
    chainFile: o.chainFile,
  };
  if (blocks.length === 0) state.error = 'No certificate, request, CRL or key found in this file: it has no "-----BEGIN ...-----" block.';
  return state;
}

/** The error view of a file that could not be read or decoded at all. */
export function errorState(fileName: string, now: Date, message: string): ViewState {
  return { fileName, now: now.toISOString(), error: message, blocks: [], canSign: false };
}

/** Workspace-relative form of an absolute path (as the chain panel shows it). */
export function relativePath(path: string, roots: string[]): string {
  for (const r of roots) {
    const root = r.endsWith('/') ? r : `${r}/`;
    if (path.startsWith(root)) return path.slice(root.length);
  }
  return path;
}

/**
 * Where to look for the chain file of a certificate at `filePath`, in order: next to it, then
 * walking up to `stopAt` (the workspace folder), at each level `ca-chain.cert.pem`,
 * `certs/ca-chain.cert.pem` and `intermediate/certs/ca-chain.cert.pem` (the CA directory layout of
 * the openssl tutorials, src/core/ca/layout.ts). Paths are '/'-separated.
 */
export function chainFileCandidates(filePath: string, stopAt: string): string[] {
  const out: string[] = [];
  let dir = filePath.slice(0, filePath.lastIndexOf('/')) || '/';
  const stop = stopAt.replace(/\/+$/, '') || '/';
  for (let depth = 0; depth < 12; depth++) {
    for (const rel of ['ca-chain.cert.pem', 'certs/ca-chain.cert.pem', 'intermediate/certs/ca-chain.cert.pem']) {
      const p = `${dir === '/' ? '' : dir}/${rel}`;
      if (!out.includes(p)) out.push(p);
    }
    if (dir === stop || dir === '/' || !dir.startsWith(stop)) break;
    dir = dir.slice(0, dir.lastIndexOf('/')) || '/';
  }
  return out;
}

/**
 * Splits the certificates of a chain file into trust anchors and untrusted intermediates: a
 * ca-chain file holds the intermediate(s) and the root; only self-issued certificates (the roots)
 * are trusted. A file without any self-issued certificate is trusted as a whole (a pinned
 * intermediate is a legitimate trust anchor, RFC 5280 §6.1.1 (d)).
 */
export function splitChain<T extends { selfIssued: boolean }>(certs: T[]): { anchors: T[]; intermediates: T[] } {
  const anchors = certs.filter((c) => c.selfIssued);
  if (anchors.length === 0) return { anchors: certs, intermediates: [] };
  return { anchors, intermediates: certs.filter((c) => !c.selfIssued) };
}

/** The chain panel's DTO from the verify engine's result. */
export function chainView(block: number, r: VerifyResult, chainFile: string | undefined, host: string | undefined): ChainView {
  return { block, chainFile, host, valid: r.valid, chain: r.chain, checks: r.checks, notes: r.notes, at: r.at };
}

/** The chain panel's DTO when nothing could be validated (no chain file, unreadable file). */
export function chainProblem(block: number, now: Date, problem: string, chainFile?: string, host?: string): ChainView {
  return { block, chainFile, host, valid: false, chain: [], checks: [], notes: [], problem, at: now.toISOString() };
}

/** Normalises what the user typed as a host name ("https://www.example.com:443/x" -> "www.example.com"). */
export function normaliseHost(input: string | undefined): string | undefined {
  let s = (input ?? '').trim();
  if (!s) return undefined;
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/[/?#].*$/, '');
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    return end > 0 ? s.slice(1, end) : s;
  }
  if ((s.match(/:/g) ?? []).length === 1) s = s.replace(/:\d*$/, '');
  return s.replace(/\.$/, '').toLowerCase() || undefined;
}

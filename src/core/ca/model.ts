/**
 * Reads CA directories (the `openssl ca` layout: certs/, private/, newcerts/, csr/, crl/, index.txt,
 * serial; intermediates in sub-folders) through a FilePort into plain data for the CA tree. It reads
 * directories written by our CLI and by hand-run openssl alike, and never throws on a broken file:
 * problems become `problems` entries shown in the tree.
 *
 * Built for CAs with tens of thousands of certificates: index.txt already holds serial, subject,
 * expiry and status of every certificate (PKI-NOTES.md), so loading a CA reads index.txt and lists
 * the folders once; it parses only the CA's own certificate, the CRL and the few files it cannot
 * place by name. `loadCertDetail` parses one certificate file when the tree needs more (tooltip).
 */
import { FilePort } from './fileport';
import { IndexEntry, normSerial, parseIndex } from './indexTxt';
import { safeFileBase } from './layout';
import { decodeBasicConstraints } from '../der/extensions';
import { formatName, nameAttr, nameKey } from '../der/name';
import { OID } from '../der/oids';
import { ParsedCertificate, ParsedCrl, findExtension, parseCertificate, parseCrl, parseCsr } from '../der/x509';
import { readBlocks } from '../pem';
import { DEFAULT_WARN_DAYS, expiryStatus } from '../expiry';

export type CertState = { kind: 'valid'; daysLeft: number } | { kind: 'expiring'; daysLeft: number } | { kind: 'expired' } | { kind: 'revoked'; reason?: string; date?: Date } | { kind: 'notYetValid' };

export interface CertModel {
  /** Port path of the best file for this certificate (certs/<name>.cert.pem, else newcerts/<serial>.pem). */
  path?: string;
  label: string;
  subject: string;
  issuer?: string;
  serialHex: string;
  /** Known once the file was parsed (the CA's own certificate, or after `loadCertDetail`). */
  notBefore?: Date;
  notAfter?: Date;
  state: CertState;
  isCa: boolean;
  spkiHex?: string;
  /** True when the fields come from the certificate file, not only from index.txt. */
  parsed: boolean;
}

export interface CsrModel {
  path: string;
  label: string;
  subject: string;
}

export interface CrlModel {
  path: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  entries: number;
  stale: boolean;
}

/** One CA directory: its CA certificate, what it issued, pending requests, its CRL, its sub-CAs. */
export interface CaModel {
  /** Port path of the directory. */
  dir: string;
  /** The CA certificate (undefined when none could be read). */
  cert?: CertModel;
  selfSigned: boolean;
  /** Certificates from index.txt (sorted by label), except those that are the certificates of child CAs. */
  issued: CertModel[];
  pending: CsrModel[];
  crl?: CrlModel;
  children: CaModel[];
  problems: string[];
}

/** Days before expiry from which a certificate shows as "expires in N days". */
export const EXPIRY_WARNING_DAYS = DEFAULT_WARN_DAYS;

/** Parses index.txt line by line with core's parser, so one bad line does not hide the rest. */
export function readIndex(text: string): { entries: IndexEntry[]; bad: number } {
  const entries: IndexEntry[] = [];
  let bad = 0;
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    try {
      entries.push(...parseIndex(line));
    } catch {
      bad++;
    }
  }
  return { entries, bad };
}

/** The CN of an openssl one-line DN (`/C=GB/O=x/CN=name`), else the whole DN. */
export function cnOfOneline(dn: string): string {
  const m = /\/CN=((?:[^/\\]|\\.)*)/.exec(dn);
  return m ? m[1].replace(/\\(.)/g, '$1') : dn;
}

/** The state the tree shows: revocation first, then core's expiry status at `now`. */
export function certState(now: Date, notBefore: Date | undefined, notAfter: Date | undefined, revoked?: { date?: Date; reason?: string }): CertState {
  if (revoked) return { kind: 'revoked', reason: revoked.reason, date: revoked.date };
  if (!notAfter) return { kind: 'valid', daysLeft: Infinity };
  const s = expiryStatus({ notBefore: notBefore ?? new Date(0), notAfter }, now, EXPIRY_WARNING_DAYS);
  switch (s.state) {
    case 'notYetValid':
      return { kind: 'notYetValid' };
    case 'expired':
      return { kind: 'expired' };
    case 'expiring':
      return { kind: 'expiring', daysLeft: s.days };
    case 'valid':
      return { kind: 'valid', daysLeft: s.days };
  }
}

/** Words for a state, as the tree shows them. */
export function describeState(s: CertState): string {
  switch (s.kind) {
    case 'valid':
      return 'valid';
    case 'expiring':
      return s.daysLeft <= 0 ? 'expires today' : s.daysLeft === 1 ? 'expires in 1 day' : `expires in ${s.daysLeft} days`;
    case 'expired':
      return 'expired';
    case 'revoked':
      return s.reason ? `revoked (${s.reason})` : 'revoked';
    case 'notYetValid':
      return 'not yet valid';
  }
}

function isCaCert(c: ParsedCertificate): boolean {
  const bc = findExtension(c.extensions, OID.basicConstraints);
  try {
    return !!bc && decodeBasicConstraints(bc.value).ca;
  } catch {
    return false;
  }
}

interface LoadedCert {
  path: string;
  cert: ParsedCertificate;
}

const CERT_FILE = /\.(pem|crt|cer|der)$/i;
const CSR_FILE = /\.(pem|csr|req)$/i;
const CRL_FILE = /\.(pem|crl)$/i;
/** Certificate files of unknown name parsed at most per CA load (hand-made folders without index.txt). */
const MAX_UNNAMED_PARSE = 200;

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const serialOf = (c: ParsedCertificate) => normSerial(c.serialHex);

/** File names of a folder (one `list` call); empty when the folder is missing. */
async function listNames(port: FilePort, dir: string, re: RegExp): Promise<string[]> {
  let entries: { name: string; type: 'file' | 'directory' }[];
  try {
    // stat first: listing a missing folder makes some ports log a warning
    if ((await port.stat(dir))?.type !== 'directory') return [];
    entries = await port.list(dir);
  } catch {
    return [];
  }
  return entries.filter((e) => e.type === 'file' && re.test(e.name) && !e.name.startsWith('.')).map((e) => e.name).sort();
}

/** Parses single-certificate files; chain files (several certificates) name no one certificate and are skipped. */
async function readCert(port: FilePort, path: string, problems: string[]): Promise<LoadedCert | undefined> {
  try {
    const blocks = readBlocks(await port.readFile(path)).filter((b) => b.kind === 'certificate' || b.kind === 'other');
    if (blocks.length !== 1) return undefined;
    return { path, cert: parseCertificate(blocks[0].der) };
  } catch (e) {
    problems.push(`${basename(path)}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

function toModel(lc: LoadedCert, now: Date, entry?: IndexEntry): CertModel {
  const c = lc.cert;
  const revoked = entry?.status === 'R' ? { date: entry.revoked, reason: entry.reason } : undefined;
  return {
    path: lc.path,
    label: nameAttr(c.subject, OID.commonName) ?? (formatName(c.subject) || basename(lc.path)),
    subject: formatName(c.subject),
    issuer: formatName(c.issuer),
    serialHex: serialOf(c),
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    state: certState(now, c.notBefore, c.notAfter, revoked),
    isCa: isCaCert(c),
    spkiHex: c.spki.toString('hex'),
    parsed: true,
  };
}

function fromIndex(e: IndexEntry, now: Date, path: string | undefined): CertModel {
  const revoked = e.status === 'R' ? { date: e.revoked, reason: e.reason } : undefined;
  return { path, label: cnOfOneline(e.subject), subject: e.subject, serialHex: e.serialHex, notAfter: e.expires, state: certState(now, undefined, e.expires, revoked), isCa: false, parsed: false };
}

function fileBase(label: string): string | undefined {
  try {
    return safeFileBase(label);
  } catch {
    return undefined;
  }
}

/**
 * Parses the file of an index-only model and returns the full model (issuer, validity start, key,
 * exact state at `now`); the model itself when it has no file or the file cannot be read.
 */
export async function loadCertDetail(port: FilePort, cert: CertModel, now: Date): Promise<CertModel> {
  if (cert.parsed || !cert.path) return cert;
  const problems: string[] = [];
  const lc = await readCert(port, cert.path, problems);
  if (!lc || serialOf(lc.cert) !== cert.serialHex) return cert;
  const full = toModel(lc, now);
  // the index's revocation is the truth the CA keeps; the file does not know about it
  return { ...full, state: cert.state.kind === 'revoked' ? cert.state : full.state };
}

/**
 * Loads one CA directory and (recursively) the CA directories in `childDirs` nested below it.
 * `now` decides the expiry states.
 */
export async function loadCa(port: FilePort, dir: string, childDirs: string[], now: Date): Promise<CaModel> {
  const problems: string[] = [];
  const certNames = await listNames(port, `${dir}/certs`, CERT_FILE);
  const certSet = new Set(certNames);
  const topNames = await listNames(port, dir, /\.(cert\.pem|crt)$/i);

  // The directory's own CA certificate: well-known names first (one or two parses), then any CA
  // certificate among a bounded number of files.
  const name = basename(dir);
  const parsedCache = new Map<string, LoadedCert | undefined>();
  const parse = async (path: string) => {
    if (!parsedCache.has(path)) parsedCache.set(path, await readCert(port, path, problems));
    return parsedCache.get(path);
  };
  let own: LoadedCert | undefined;
  for (const n of ['ca.cert.pem', 'intermediate.cert.pem', `${name}.cert.pem`, 'ca.crt', 'ca.pem', `${name}.crt`]) {
    const path = certSet.has(n) ? `${dir}/certs/${n}` : topNames.includes(n) ? `${dir}/${n}` : undefined;
    const lc = path ? await parse(path) : undefined;
    if (lc && isCaCert(lc.cert)) {
      own = lc;
      break;
    }
  }

  let entries: IndexEntry[] = [];
  let hasIndex = false;
  try {
    const parsed = readIndex(Buffer.from(await port.readFile(`${dir}/index.txt`)).toString('utf8'));
    entries = parsed.entries;
    hasIndex = true;
    if (parsed.bad) problems.push(`index.txt: ${parsed.bad} unreadable line(s)`);
  } catch {
    // no index.txt: a CA found through its ca-chain.cert.pem; list what certs/ holds
  }

  const allFiles = [...certNames.map((n) => `${dir}/certs/${n}`), ...topNames.map((n) => `${dir}/${n}`)];
  if (!own) {
    const loaded: LoadedCert[] = [];
    for (const p of allFiles.slice(0, MAX_UNNAMED_PARSE)) {
      const lc = await parse(p);
      if (lc) loaded.push(lc);
    }
    const cas = loaded.filter((c) => isCaCert(c.cert));
    // prefer a CA certificate that is the issuer of other certificates here
    own = cas.find((ca) => loaded.some((c) => c !== ca && nameKey(c.cert.issuer) === nameKey(ca.cert.subject))) ?? cas[0];
  }
  const caSubject = own ? nameKey(own.cert.subject) : undefined;

  const children: CaModel[] = [];
  const direct = childDirs.filter((d) => !childDirs.some((o) => o !== d && d.startsWith(`${o}/`)));
  for (const d of direct) children.push(await loadCa(port, d, childDirs.filter((o) => o.startsWith(`${d}/`)), now));
  const childSerials = new Set(children.map((c) => c.cert?.serialHex).filter((s): s is string => !!s));

  const issued: CertModel[] = [];
  if (hasIndex) {
    // Place each index line on a file without parsing it: `issue`/`sign` and the openssl tutorial
    // name the file after the CN (certs/<cn>.cert.pem); the newest valid line of a CN owns that
    // name, the others have openssl's copy newcerts/<serial>.pem.
    const newcerts = new Set(await listNames(port, `${dir}/newcerts`, CERT_FILE));
    const owner = new Map<string, IndexEntry>();
    for (const e of entries) {
      const base = fileBase(cnOfOneline(e.subject));
      if (!base || !certSet.has(`${base}.cert.pem`)) continue;
      const prev = owner.get(base);
      if (!prev || e.status === 'V' || prev.status !== 'V') owner.set(base, e);
    }
    const unplaced: IndexEntry[] = [];
    const bySerial = new Map<string, CertModel>();
    // A root made with `openssl ca -selfsign` records its own certificate in its own index.txt:
    // that line is the CA itself, not something it issued.
    const ownSerial = own && nameKey(own.cert.subject) === nameKey(own.cert.issuer) ? normSerial(own.cert.serialHex) : undefined;
    const ownCn = own ? nameAttr(own.cert.subject, OID.commonName) : undefined;
    for (const e of entries) {
      // (the CA's own certificate is in its parent's index.txt, where serials are counted separately)
      if (childSerials.has(e.serialHex)) continue;
      if (ownSerial && e.serialHex === ownSerial && cnOfOneline(e.subject) === ownCn) continue;
      const base = fileBase(cnOfOneline(e.subject));
      let path: string | undefined;
      if (base && owner.get(base) === e) path = `${dir}/certs/${base}.cert.pem`;
      else if (newcerts.has(`${e.serialHex}.pem`)) path = `${dir}/newcerts/${e.serialHex}.pem`;
      const m = fromIndex(e, now, path);
      if (!path) unplaced.push(e);
      issued.push(m);
      bySerial.set(e.serialHex, m);
    }
    // Hand-named files (certs/www.crt): parse the few files no index line claimed, match by serial.
    if (unplaced.length) {
      const claimed = new Set(issued.map((c) => c.path));
      const rest = allFiles.filter((p) => !claimed.has(p) && p !== own?.path && !p.endsWith('/ca-chain.cert.pem')).slice(0, MAX_UNNAMED_PARSE);
      for (const p of rest) {
        const lc = await parse(p);
        const m = lc && bySerial.get(serialOf(lc.cert));
        if (m && !m.path) m.path = p;
      }
    }
  } else {
    // no database: show the certificates in certs/ this CA issued
    for (const p of allFiles.slice(0, MAX_UNNAMED_PARSE)) {
      const lc = await parse(p);
      if (!lc || lc === own || (caSubject && nameKey(lc.cert.issuer) !== caSubject) || childSerials.has(serialOf(lc.cert))) continue;
      issued.push(toModel(lc, now));
    }
  }
  issued.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.serialHex < b.serialHex ? -1 : a.serialHex > b.serialHex ? 1 : 0));

  // Pending requests: a CSR whose certificate is not there yet. csr/<base>.csr.pem next to
  // certs/<base>.cert.pem is settled by name; other CSRs (few) are parsed and compared by key with
  // the CA certificates and the valid certificates of the same CN.
  const csrDir = `${dir}/csr`;
  const pending: CsrModel[] = [];
  const knownKeys = new Set<string>([own?.cert.spki.toString('hex'), ...children.map((c) => c.cert?.spkiHex)].filter((k): k is string => !!k));
  for (const n of await listNames(port, csrDir, CSR_FILE)) {
    const base = n.replace(/(\.csr)?\.(pem|csr|req)$/i, '');
    if (certSet.has(`${base}.cert.pem`)) continue;
    const path = `${csrDir}/${n}`;
    try {
      const block = readBlocks(await port.readFile(path)).find((b) => b.kind === 'csr' || b.kind === 'other');
      if (!block) continue;
      const csr = parseCsr(block.der);
      const spki = csr.spki.toString('hex');
      if (knownKeys.has(spki)) continue;
      const cn = nameAttr(csr.subject, OID.commonName);
      let signed = false;
      for (const c of issued) {
        if (c.label !== cn || c.state.kind === 'revoked' || !c.path) continue;
        const lc = await parse(c.path);
        if (lc && lc.cert.spki.toString('hex') === spki) signed = true;
      }
      if (!signed) pending.push({ path, label: cn ?? basename(path), subject: formatName(csr.subject) });
    } catch (e) {
      problems.push(`${n}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  let crl: CrlModel | undefined;
  for (const n of await listNames(port, `${dir}/crl`, CRL_FILE)) {
    const path = `${dir}/crl/${n}`;
    try {
      const block = readBlocks(await port.readFile(path)).find((b) => b.kind === 'crl' || b.kind === 'other');
      if (!block) continue;
      const parsed: ParsedCrl = parseCrl(block.der);
      if (caSubject && nameKey(parsed.issuer) !== caSubject) continue;
      if (!crl || parsed.thisUpdate > crl.thisUpdate) {
        crl = { path, thisUpdate: parsed.thisUpdate, nextUpdate: parsed.nextUpdate, entries: parsed.entries.length, stale: !!parsed.nextUpdate && parsed.nextUpdate < now };
      }
    } catch (e) {
      problems.push(`${n}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  if (!own) problems.push('No CA certificate found in certs/.');
  const cert = own ? toModel(own, now) : undefined;
  return {
    dir,
    cert,
    selfSigned: !!own && nameKey(own.cert.issuer) === nameKey(own.cert.subject),
    issued,
    pending,
    crl,
    children,
    problems,
  };
}

/** Groups CA directories: a directory nested in another one is that one's sub-CA. Returns top-level dirs with their nested dirs. */
export function groupCaDirs(dirs: string[]): { dir: string; nested: string[] }[] {
  const unique = [...new Set(dirs)].sort();
  const tops = unique.filter((d) => !unique.some((o) => o !== d && d.startsWith(`${o}/`)));
  return tops.map((dir) => ({ dir, nested: unique.filter((o) => o.startsWith(`${dir}/`)) }));
}

// ---------------------------------------------------------------------------------------------
// Grouping: no tree level shows thousands of items.

/** Up to this many issued certificates are listed directly under their CA. */
export const FLAT_LIMIT = 50;
/** A group holding more than this is split again (status → expiry month → pages). */
export const GROUP_LIMIT = 200;

export interface CertGroup {
  /** Stable within its parent (tree ids). */
  key: string;
  label: string;
  certs: CertModel[];
  /** The level the group was made at; its children are split at the next level when still too many. */
  level: 'status' | 'month' | 'page';
}

const STATUS_ORDER: { kind: CertState['kind']; label: string }[] = [
  { kind: 'expiring', label: 'Expiring soon' },
  { kind: 'valid', label: 'Valid' },
  { kind: 'notYetValid', label: 'Not yet valid' },
  { kind: 'expired', label: 'Expired' },
  { kind: 'revoked', label: 'Revoked' },
];

/**
 * Splits `certs` one level down: by status (from the CA), then by expiry month (inside a status),
 * then into pages of GROUP_LIMIT. Undefined when the list is short enough to show as is.
 */
export function groupCerts(certs: CertModel[], parentLevel: 'ca' | CertGroup['level'], limit = parentLevel === 'ca' ? FLAT_LIMIT : GROUP_LIMIT): CertGroup[] | undefined {
  if (certs.length <= limit) return undefined;
  if (parentLevel === 'ca') {
    const groups = STATUS_ORDER.map(({ kind, label }) => ({ key: kind, label, level: 'status' as const, certs: certs.filter((c) => c.state.kind === kind) })).filter((g) => g.certs.length);
    if (groups.length > 1) return groups;
    parentLevel = 'status';
  }
  if (parentLevel === 'status') {
    const months = new Map<string, CertModel[]>();
    for (const c of certs) {
      const k = c.notAfter ? c.notAfter.toISOString().slice(0, 7) : 'unknown';
      let list = months.get(k);
      if (!list) months.set(k, (list = []));
      list.push(c);
    }
    if (months.size > 1) {
      return [...months.keys()].sort().map((k) => ({ key: `month:${k}`, label: k === 'unknown' ? 'Expiry unknown' : `Expiring ${k}`, level: 'month' as const, certs: months.get(k) as CertModel[] }));
    }
  }
  const pages: CertGroup[] = [];
  for (let i = 0; i < certs.length; i += GROUP_LIMIT) {
    const page = certs.slice(i, i + GROUP_LIMIT);
    pages.push({ key: `page:${i}`, label: `${page[0].label} … ${page[page.length - 1].label}`, level: 'page', certs: page });
  }
  return pages;
}

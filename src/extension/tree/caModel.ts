/**
 * Reads CA directories (the `openssl ca` layout: certs/, private/, newcerts/, csr/, crl/, index.txt,
 * serial; intermediates in sub-folders) through a FilePort into plain data for the tree. It reads
 * directories written by our CLI and by hand-run openssl alike, and never throws on a broken file:
 * problems become `problems` entries shown in the tree.
 */
import { FilePort } from '../../core/ca/fileport';
import { IndexEntry, normSerial, parseIndex } from '../../core/ca/indexTxt';
import { decodeBasicConstraints } from '../../core/der/extensions';
import { formatName, nameAttr, nameKey } from '../../core/der/name';
import { OID } from '../../core/der/oids';
import { ParsedCertificate, ParsedCrl, findExtension, parseCertificate, parseCrl, parseCsr } from '../../core/der/x509';
import { readBlocks } from '../../core/pem';
import { DEFAULT_WARN_DAYS, expiryStatus } from '../../core/expiry';

export type CertState = { kind: 'valid'; daysLeft: number } | { kind: 'expiring'; daysLeft: number } | { kind: 'expired' } | { kind: 'revoked'; reason?: string; date?: Date } | { kind: 'notYetValid' };

export interface CertModel {
  /** Port path of the best file for this certificate (certs/<name>.cert.pem, else newcerts/<serial>.pem). */
  path?: string;
  label: string;
  subject: string;
  issuer?: string;
  serialHex: string;
  notBefore?: Date;
  notAfter?: Date;
  state: CertState;
  isCa: boolean;
  spkiHex?: string;
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
  /** Certificates from index.txt, except those that are the certificates of child CAs. */
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

async function listFiles(port: FilePort, dir: string, re: RegExp): Promise<string[]> {
  const st = await port.stat(dir);
  if (st?.type !== 'directory') return [];
  const entries = await port.list(dir);
  return entries.filter((e) => e.type === 'file' && re.test(e.name) && !e.name.startsWith('.')).map((e) => `${dir}/${e.name}`).sort();
}

async function readCerts(port: FilePort, files: string[], problems: string[]): Promise<LoadedCert[]> {
  const out: LoadedCert[] = [];
  for (const path of files) {
    try {
      const blocks = readBlocks(await port.readFile(path)).filter((b) => b.kind === 'certificate' || b.kind === 'other');
      // chain files hold several certificates; only single-certificate files name one certificate
      if (blocks.length !== 1) continue;
      out.push({ path, cert: parseCertificate(blocks[0].der) });
    } catch (e) {
      problems.push(`${basename(path)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const serialOf = (c: ParsedCertificate) => normSerial(c.serialHex);

/** The directory's own CA certificate: well-known names first, then any CA certificate in certs/. */
function pickCaCert(dir: string, certs: LoadedCert[]): LoadedCert | undefined {
  const name = basename(dir);
  for (const n of ['ca.cert.pem', 'intermediate.cert.pem', `${name}.cert.pem`, 'ca.crt', 'ca.pem', `${name}.crt`]) {
    const hit = certs.find((c) => c.path === `${dir}/certs/${n}` || c.path === `${dir}/${n}`);
    if (hit && isCaCert(hit.cert)) return hit;
  }
  const cas = certs.filter((c) => isCaCert(c.cert));
  // prefer a CA certificate that is the issuer of other certificates here
  return cas.find((ca) => certs.some((c) => c !== ca && nameKey(c.cert.issuer) === nameKey(ca.cert.subject))) ?? cas[0];
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
  };
}

/**
 * Loads one CA directory and (recursively) the CA directories in `childDirs` nested below it.
 * `now` decides the expiry states.
 */
export async function loadCa(port: FilePort, dir: string, childDirs: string[], now: Date): Promise<CaModel> {
  const problems: string[] = [];
  const certFiles = [...(await listFiles(port, `${dir}/certs`, CERT_FILE)), ...(await listFiles(port, dir, /\.(cert\.pem|crt)$/i))];
  const certs = await readCerts(port, certFiles, problems);
  const own = pickCaCert(dir, certs);
  const caSubject = own ? nameKey(own.cert.subject) : undefined;

  let entries: IndexEntry[] = [];
  try {
    const parsed = readIndex(Buffer.from(await port.readFile(`${dir}/index.txt`)).toString('utf8'));
    entries = parsed.entries;
    if (parsed.bad) problems.push(`index.txt: ${parsed.bad} unreadable line(s)`);
  } catch {
    // no index.txt: a CA found through its ca-chain.cert.pem; list what certs/ holds
  }

  const children: CaModel[] = [];
  const direct = childDirs.filter((d) => !childDirs.some((o) => o !== d && d.startsWith(`${o}/`)));
  for (const d of direct) children.push(await loadCa(port, d, childDirs.filter((o) => o.startsWith(`${d}/`)), now));
  const childSerials = new Set(children.map((c) => c.cert?.serialHex).filter((s): s is string => !!s));

  // certificates this CA issued, by serial: the named copy in certs/ wins over newcerts/<serial>.pem
  const bySerial = new Map<string, LoadedCert>();
  for (const lc of certs) if (lc !== own && (!caSubject || nameKey(lc.cert.issuer) === caSubject)) bySerial.set(serialOf(lc.cert), lc);
  const issued: CertModel[] = [];
  for (const e of entries) {
    if (childSerials.has(e.serialHex)) continue;
    let lc = bySerial.get(e.serialHex);
    // openssl ca always keeps a copy named after the serial
    if (!lc && (await port.stat(`${dir}/newcerts/${e.serialHex}.pem`))) [lc] = await readCerts(port, [`${dir}/newcerts/${e.serialHex}.pem`], problems);
    if (lc) issued.push(toModel(lc, now, e));
    else {
      const revoked = e.status === 'R' ? { date: e.revoked, reason: e.reason } : undefined;
      issued.push({ label: cnOfOneline(e.subject), subject: e.subject, serialHex: e.serialHex, notAfter: e.expires, state: certState(now, undefined, e.expires, revoked), isCa: false });
    }
  }
  if (!entries.length) {
    // no database: show the certificates in certs/ this CA issued
    for (const lc of bySerial.values()) if (!childSerials.has(serialOf(lc.cert))) issued.push(toModel(lc, now));
  }
  issued.sort((a, b) => a.label.localeCompare(b.label) || a.serialHex.localeCompare(b.serialHex));

  // pending requests: CSRs whose public key no certificate here (or in a child CA) carries yet
  const keys = new Set<string>();
  for (const c of [...certs.map((l) => l.cert.spki.toString('hex')), ...issued.map((i) => i.spkiHex), ...children.map((c) => c.cert?.spkiHex)]) if (c) keys.add(c);
  const pending: CsrModel[] = [];
  for (const path of await listFiles(port, `${dir}/csr`, CSR_FILE)) {
    try {
      const block = readBlocks(await port.readFile(path)).find((b) => b.kind === 'csr' || b.kind === 'other');
      if (!block) continue;
      const csr = parseCsr(block.der);
      if (keys.has(csr.spki.toString('hex'))) continue;
      pending.push({ path, label: nameAttr(csr.subject, OID.commonName) ?? basename(path), subject: formatName(csr.subject) });
    } catch (e) {
      problems.push(`${basename(path)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  let crl: CrlModel | undefined;
  for (const path of await listFiles(port, `${dir}/crl`, CRL_FILE)) {
    try {
      const block = readBlocks(await port.readFile(path)).find((b) => b.kind === 'crl' || b.kind === 'other');
      if (!block) continue;
      const parsed: ParsedCrl = parseCrl(block.der);
      if (caSubject && nameKey(parsed.issuer) !== caSubject) continue;
      if (!crl || parsed.thisUpdate > crl.thisUpdate) {
        crl = { path, thisUpdate: parsed.thisUpdate, nextUpdate: parsed.nextUpdate, entries: parsed.entries.length, stale: !!parsed.nextUpdate && parsed.nextUpdate < now };
      }
    } catch (e) {
      problems.push(`${basename(path)}: ${e instanceof Error ? e.message : String(e)}`);
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

/**
 * CA directory operations over the file port: init a root, add an intermediate, issue (key + CSR
 * + certificate), sign a CSR, revoke, generate a CRL, renew, rebuild the chain, load the model.
 * The directory stays usable by `openssl ca` (index.txt, serial, crlnumber, newcerts/).
 *
 * Crash safety: every file is written atomically (temp + rename). Issuance writes the key, CSR and
 * certificate files first, then index.txt, then serial. An interrupted issuance therefore leaves
 * either nothing new in the index, or a signed certificate in newcerts/ that `recover()` rolls
 * forward into the index under the lock (it was signed, so it must stay revocable).
 */
import { KeyObject } from 'node:crypto';
import { PkiError, isPkiError } from '../errors';
import { createCrl, RevocationReason } from '../crl';
import { createCsr, readVerifiedCsr } from '../csr';
import { decodeAltNames, GeneralName } from '../der/extensions';
import { DnInput, ParsedName, dnFromName, formatName, formatNameOpenssl, nameAttr, namesEqual } from '../der/name';
import { OID } from '../der/oids';
import { ParsedCertificate, ParsedCsr, findExtension, parseCertificate } from '../der/x509';
import { DEFAULT_DAYS, IssueRequest, NameConstraintsInput, Profile, addDays, issueCertificate } from '../issue';
import { KeyType, exportPrivateKey, generateKeyPair, isEncryptedKey, readPrivateKey, spkiOf } from '../keys';
import { lintBeforeIssue } from '../lint';
import { splitPem, toPem } from '../pem';
import { San, dedupeSans, sanFromCommonName } from '../san';
import { FilePort } from './fileport';
import { IndexEntry, formatIndex, normSerial, nextSerial, parseIndex } from './indexTxt';
import { CaPaths, basename, caPaths, intermediatePaths, join, rootPaths, safeFileBase } from './layout';
import { alive, withLock } from './lock';
import { POLICY_MATCH, Policy, policyFromCnf, renderOpensslCnf } from './opensslCnf';

/** Asks for a passphrase when (and only when) an encrypted CA key must be opened. */
export type PassphraseSource = (purpose: string) => Promise<string | undefined>;

export interface CaContext {
  fs: FilePort;
  /** The clock, read once per operation (core never reads it on its own). */
  now: () => Date;
  /** Passphrase for encrypted CA keys. */
  caPassphrase?: PassphraseSource;
}

/** Things the caller should tell the user (unencrypted key written, validity clamped, ...). */
export interface OpResult {
  files: string[];
  warnings: string[];
}

const enc = (s: string) => Buffer.from(s, 'utf8');
const dec = (b: Uint8Array) => Buffer.from(b).toString('utf8');

async function exists(fs: FilePort, p: string): Promise<boolean> {
  return (await fs.stat(p)) !== undefined;
}

async function readText(fs: FilePort, p: string, what: string): Promise<string> {
  try {
    return dec(await fs.readFile(p));
  } catch (e) {
    if (isPkiError(e)) throw e;
    throw new PkiError('not-found', `${what} is missing: ${p}`);
  }
}

/** Reads the first certificate of a PEM/DER file. */
export function firstCertificate(bytes: Uint8Array, what: string): ParsedCertificate {
  const b = Buffer.from(bytes);
  if (b.includes('-----BEGIN')) {
    const blk = splitPem(b.toString('utf8')).find((x) => x.kind === 'certificate');
    if (!blk) throw new PkiError('malformed', `${what} holds no certificate`);
    return parseCertificate(blk.der);
  }
  return parseCertificate(b);
}

async function writeKey(fs: FilePort, path: string, key: KeyObject, passphrase: string | undefined, force: boolean): Promise<string[]> {
  await fs.writeFile(path, enc(exportPrivateKey(key, passphrase)), { exclusive: !force, mode: 0o600 });
  return passphrase === undefined ? [`The private key ${path} is not encrypted: keep it safe (use a passphrase to encrypt it)`] : [];
}

// ---------------------------------------------------------------------------------------------
// Loading an issuing CA

export interface LoadedCa {
  paths: CaPaths;
  cert: ParsedCertificate;
  certPem: string;
}

/** Which CA signs leaves in `caDir`: the intermediate when there is one, else the root. */
export async function issuingCaPaths(fs: FilePort, caDir: string): Promise<CaPaths> {
  const inter = intermediatePaths(caDir);
  if (await exists(fs, inter.cert)) return inter;
  const root = rootPaths(caDir);
  if (await exists(fs, root.cert)) return root;
  // Pointed directly at an intermediate folder?
  const direct = caPaths(caDir, 'intermediate');
  if (await exists(fs, direct.cert)) return direct;
  throw new PkiError('not-found', `No CA in ${caDir}: expected ${root.cert} (run workspace-ca init first)`);
}

export async function loadCaCert(fs: FilePort, paths: CaPaths): Promise<LoadedCa> {
  const certPem = await readText(fs, paths.cert, 'The CA certificate');
  return { paths, cert: firstCertificate(enc(certPem), paths.cert), certPem };
}

async function openCaKey(ctx: CaContext, paths: CaPaths, cert: ParsedCertificate): Promise<KeyObject> {
  const bytes = await ctx.fs.readFile(paths.key).catch(() => {
    throw new PkiError('not-found', `The CA private key is missing: ${paths.key}`);
  });
  let pass: string | undefined;
  if (isEncryptedKey(bytes)) {
    pass = await ctx.caPassphrase?.(`Passphrase for the ${paths.role === 'root' ? 'root' : 'intermediate'} CA key (${paths.key})`);
    if (pass === undefined) throw new PkiError('passphrase-required', `The CA key ${paths.key} is encrypted: a passphrase is needed`);
  }
  const key = readPrivateKey(bytes, pass);
  if (!spkiOf(key).equals(cert.spki)) throw new PkiError('usage', `The key ${paths.key} does not belong to ${paths.cert}`);
  return key;
}

// ---------------------------------------------------------------------------------------------
// Database: index.txt + serial

interface Db {
  entries: IndexEntry[];
  serial: string;
}

async function readDb(fs: FilePort, p: CaPaths): Promise<Db> {
  const indexText = (await exists(fs, p.index)) ? await readText(fs, p.index, 'index.txt') : '';
  const serialText = (await exists(fs, p.serial)) ? (await readText(fs, p.serial, 'serial')).trim() : '1000';
  return { entries: parseIndex(indexText), serial: normSerial(serialText || '1000') };
}

async function writeDb(fs: FilePort, p: CaPaths, db: Db): Promise<void> {
  await fs.writeFile(p.index, enc(formatIndex(db.entries)));
  await fs.writeFile(p.serial, enc(db.serial + '\n'));
}

function indexEntryFor(cert: ParsedCertificate): IndexEntry {
  return { status: 'V', expires: cert.notAfter, serialHex: normSerial(cert.serialHex), file: 'unknown', subject: formatNameOpenssl(cert.subject) };
}

/** `.<name>.tmp-<pid>-<hex>`: a temp file of NodeFilePort.writeFile (see there). */
const TEMP_FILE = /^\..+\.tmp-(\d+)-[0-9a-f]+$/;

/**
 * Removes temp files left behind by a writer that was killed between creating its temp file and
 * renaming it (kill -9, power loss). Only files whose writer's pid is gone are touched: a live
 * process (another issuance writing its key or CSR before taking the lock) keeps its files. Temp
 * files are ignored by every reader (dot files), so this is tidiness, not correctness. Call under
 * the lock.
 */
export async function removeStaleTemps(fs: FilePort, p: CaPaths): Promise<string[]> {
  const removed: string[] = [];
  for (const d of [p.dir, p.newcerts, p.certs, p.csr, p.private, p.crlDir]) {
    let entries: { name: string; type: 'file' | 'directory' }[];
    try {
      entries = await fs.list(d);
    } catch {
      continue;
    }
    for (const e of entries) {
      const m = e.type === 'file' ? TEMP_FILE.exec(e.name) : null;
      if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
      await fs.remove(join(d, e.name)).then(
        () => removed.push(join(d, e.name)),
        () => undefined,
      );
    }
  }
  return removed;
}

/**
 * Rolls an interrupted issuance forward: a certificate in newcerts/<serial>.pem that the index
 * does not list yet is added; a serial already used is skipped. Call under the lock.
 */
export async function recover(fs: FilePort, p: CaPaths, db: Db): Promise<{ db: Db; recovered: string[] }> {
  const recovered: string[] = [];
  await removeStaleTemps(fs, p);
  const used = new Set(db.entries.map((e) => e.serialHex));
  for (let guard = 0; guard < 10000; guard++) {
    const file = join(p.newcerts, `${db.serial}.pem`);
    if (used.has(db.serial)) {
      db.serial = nextSerial(db.serial);
      continue;
    }
    if (await exists(fs, file)) {
      try {
        const cert = firstCertificate(await fs.readFile(file), file);
        if (normSerial(cert.serialHex) === db.serial) {
          db.entries.push(indexEntryFor(cert));
          used.add(db.serial);
          recovered.push(db.serial);
        }
      } catch {
        // A file we cannot read under a serial we did not record: leave it, skip the serial.
      }
      db.serial = nextSerial(db.serial);
      continue;
    }
    break;
  }
  if (recovered.length) await writeDb(fs, p, db);
  return { db, recovered };
}

// ---------------------------------------------------------------------------------------------
// Creating CAs

export interface CreateCaOptions {
  subject: DnInput;
  keyType: KeyType;
  days?: number;
  /** Encrypts the new CA key. */
  passphrase?: string;
  /** pathLen for an intermediate (default 0) or a root (default none). */
  pathLen?: number;
  nameConstraints?: NameConstraintsInput;
  /** The policy the new CA applies when signing ("policy_match" default, or "policy_loose"). */
  policy?: 'policy_match' | 'policy_loose';
}

async function makeLayout(fs: FilePort, p: CaPaths, absDir: string, days: number, policy: string, force: boolean): Promise<void> {
  if (!force && (await exists(fs, p.cert))) throw new PkiError('exists', `A CA already exists in ${p.dir} (${p.cert}); refusing to overwrite it`);
  for (const d of [p.dir, p.certs, p.crlDir, p.newcerts, p.csr]) await fs.mkdir(d);
  await fs.mkdir(p.private, { mode: 0o700 });
  await fs.chmod?.(p.private, 0o700);
  const init: [string, string][] = [
    [p.index, ''],
    [p.indexAttr, 'unique_subject = no\n'],
    [p.serial, '1000\n'],
    [p.crlnumber, '1000\n'],
    [p.cnf, renderOpensslCnf({ dir: absDir, name: p.name, defaultDays: days, policy })],
  ];
  for (const [f, content] of init) if (force || !(await exists(fs, f))) await fs.writeFile(f, enc(content));
}

/** `workspace-ca init`: a self-signed root CA in `caDir`. */
export async function initRoot(ctx: CaContext, caDir: string, o: CreateCaOptions & { force?: boolean }): Promise<OpResult> {
  const p = rootPaths(caDir);
  if (!o.subject.CN) throw new PkiError('usage', 'The root CA needs a common name (--cn)');
  if (!o.force && (await exists(ctx.fs, p.cert))) throw new PkiError('exists', `A CA already exists in ${caDir} (${p.cert}); refusing to overwrite it`);
  const days = o.days ?? DEFAULT_DAYS['root-ca'];
  const now = ctx.now();
  const { privateKey } = await generateKeyPair(o.keyType);
  const cert = issueCertificate(
    { profile: 'root-ca', subject: o.subject, publicKey: spkiOf(privateKey), notBefore: now, notAfter: addDays(now, days), serialHex: undefined, pathLen: o.pathLen, nameConstraints: o.nameConstraints },
    { privateKey },
  );
  await makeLayout(ctx.fs, p, caDir, DEFAULT_DAYS['intermediate-ca'], o.policy ?? 'policy_match', !!o.force);
  const warnings = await writeKey(ctx.fs, p.key, privateKey, o.passphrase, !!o.force);
  await ctx.fs.writeFile(p.cert, enc(cert.pem), { exclusive: !o.force });
  return { files: [p.cert, p.key, p.cnf], warnings };
}

/** `workspace-ca intermediate`: key + CSR in <dir>/intermediate, signed by the root, chain file written. */
export async function createIntermediate(ctx: CaContext, caDir: string, o: CreateCaOptions & { force?: boolean }): Promise<OpResult> {
  const root = await loadCaCert(ctx.fs, rootPaths(caDir));
  const p = intermediatePaths(caDir);
  if (!o.force && (await exists(ctx.fs, p.cert))) throw new PkiError('exists', `An intermediate CA already exists: ${p.cert}`);
  const subject: DnInput = { ...inheritDn(root.cert.subject), ...o.subject };
  if (!subject.CN) throw new PkiError('usage', 'The intermediate CA needs a common name (--cn)');
  const rootKey = await openCaKey(ctx, root.paths, root.cert);
  const days = o.days ?? DEFAULT_DAYS['intermediate-ca'];
  const { privateKey } = await generateKeyPair(o.keyType);
  const csr = createCsr({ privateKey, subject });
  const warnings: string[] = [];
  await makeLayout(ctx.fs, p, p.dir, DEFAULT_DAYS.server, o.policy ?? 'policy_match', !!o.force);
  warnings.push(...(await writeKey(ctx.fs, p.key, privateKey, o.passphrase, !!o.force)));
  const csrPath = join(p.csr, 'intermediate.csr.pem');
  await ctx.fs.writeFile(csrPath, enc(csr.pem), { exclusive: !o.force });
  const issued = await signWithCa(ctx, root, rootKey, {
    profile: 'intermediate-ca',
    subject,
    publicKey: spkiOf(privateKey),
    days,
    pathLen: o.pathLen,
    nameConstraints: o.nameConstraints,
  });
  warnings.push(...issued.warnings);
  await ctx.fs.writeFile(p.cert, enc(issued.pem), { exclusive: !o.force });
  await ctx.fs.writeFile(p.chain, enc(issued.pem + root.certPem));
  return { files: [p.cert, p.key, csrPath, p.chain], warnings };
}

/** The C/ST/L/O of a CA name, the defaults a request inherits (policy_match needs them equal). */
export function inheritDn(n: ParsedName): DnInput {
  const d = dnFromName(n);
  return { C: d.C, ST: d.ST, L: d.L, O: d.O };
}

// ---------------------------------------------------------------------------------------------
// Signing

interface SignInput {
  profile: Profile;
  subject: DnInput;
  publicKey: Buffer;
  sans?: San[];
  days: number;
  pathLen?: number;
  nameConstraints?: NameConstraintsInput;
}

/** Signs under the CA lock: serial from the serial file, newcerts/<SERIAL>.pem, index line, serial bump. */
async function signWithCa(ctx: CaContext, ca: LoadedCa, caKey: KeyObject, s: SignInput, afterSign?: (pem: string, serial: string) => Promise<void>): Promise<{ pem: string; der: Buffer; serialHex: string; warnings: string[] }> {
  const fs = ctx.fs;
  return withLock(fs, ca.paths.lock, ctx.now, async () => {
    const { db } = await recover(fs, ca.paths, await readDb(fs, ca.paths));
    const now = ctx.now();
    const req: IssueRequest = {
      profile: s.profile,
      subject: s.subject,
      publicKey: s.publicKey,
      sans: s.sans,
      notBefore: now,
      notAfter: addDays(now, s.days),
      serialHex: db.serial,
      pathLen: s.pathLen,
      nameConstraints: s.nameConstraints,
    };
    const issued = issueCertificate(req, { cert: ca.cert, privateKey: caKey });
    const warnings: string[] = [];
    if (issued.clamped) warnings.push(`The validity was shortened to end with the CA's (${issued.notAfter.toISOString().slice(0, 10)})`);
    await fs.writeFile(join(ca.paths.newcerts, `${db.serial}.pem`), enc(issued.pem), { exclusive: true });
    if (afterSign) await afterSign(issued.pem, db.serial);
    const cert = parseCertificate(issued.der);
    db.entries.push(indexEntryFor(cert));
    db.serial = nextSerial(db.serial);
    await writeDb(fs, ca.paths, db);
    return { pem: issued.pem, der: issued.der, serialHex: issued.serialHex, warnings };
  });
}

/** Checks a request's subject against a CA policy (openssl's policy_match semantics). */
export function checkPolicy(policy: Policy, subject: DnInput, caName: ParsedName): string[] {
  const problems: string[] = [];
  const caDn = dnFromName(caName);
  for (const [field, rule] of Object.entries(policy)) {
    const v = subject[field as keyof DnInput];
    if (rule === 'supplied' && !v) problems.push(`${field} must be supplied`);
    if (rule === 'match') {
      const want = caDn[field as keyof DnInput];
      if ((v ?? '') !== (want ?? '')) problems.push(`${field} must be the same as the CA's ("${want ?? ''}"), the request has "${v ?? ''}"`);
    }
  }
  return problems;
}

async function caPolicy(fs: FilePort, p: CaPaths, override?: string): Promise<Policy> {
  if (override === 'none') return {};
  if (await exists(fs, p.cnf)) {
    const pol = policyFromCnf(await readText(fs, p.cnf, 'openssl.cnf'), override);
    if (pol) return pol;
    if (override) throw new PkiError('usage', `The policy section "${override}" is not in ${p.cnf}`);
  }
  return POLICY_MATCH;
}

/** Keeps, in the policy's order, the fields the policy names (openssl ca with preserve = no). */
function applyPolicyOrder(subject: DnInput, policy: Policy): DnInput {
  if (Object.keys(policy).length === 0) return subject;
  const out: DnInput = {};
  for (const k of ['C', 'ST', 'L', 'O', 'OU', 'CN', 'emailAddress'] as (keyof DnInput)[]) {
    if (subject[k] !== undefined && (policy[k] !== undefined || k === 'CN')) out[k] = subject[k];
  }
  return out;
}

export interface IssueOptions {
  profile: Profile;
  /** Subject fields; C/ST/L/O default to the issuing CA's. */
  subject: DnInput;
  sans?: San[];
  keyType: KeyType;
  days?: number;
  /** Encrypts the new leaf key. */
  keyPassphrase?: string;
  /** File base name (default: from the CN). */
  name?: string;
  /** Policy section override, or "none". */
  policy?: string;
  force?: boolean;
  /** Issue even when the private-CA lint finds errors (they become warnings). */
  allowLintErrors?: boolean;
}

export interface IssueResult extends OpResult {
  certPath: string;
  keyPath: string;
  csrPath: string;
  serialHex: string;
  certPem: string;
}

/** `workspace-ca issue`: a new key, a CSR and the signed certificate, in the issuing CA's layout. */
export async function issue(ctx: CaContext, caDir: string, o: IssueOptions): Promise<IssueResult> {
  const fs = ctx.fs;
  const ca = await loadCaCert(fs, await issuingCaPaths(fs, caDir));
  const subject: DnInput = { ...inheritDn(ca.cert.subject), ...stripEmpty(o.subject) };
  const policy = await caPolicy(fs, ca.paths, o.policy);
  const problems = checkPolicy(policy, subject, ca.cert.subject);
  if (problems.length) throw new PkiError('policy', `The CA policy refuses this request: ${problems.join('; ')}`);
  const sans = defaultSans(o.profile, subject, o.sans ?? []);
  const base = safeFileBase(o.name ?? subject.CN ?? '');
  const keyPath = join(ca.paths.private, `${base}.key.pem`);
  const csrPath = join(ca.paths.csr, `${base}.csr.pem`);
  const certPath = join(ca.paths.certs, `${base}.cert.pem`);
  if (!o.force) {
    for (const f of [keyPath, csrPath, certPath]) {
      if (await exists(fs, f)) throw new PkiError('exists', `${f} already exists: choose another --name, or renew/revoke the existing certificate`);
    }
  }
  // Private-CA lint (lint.ts) before the CA key is opened: errors refuse unless overridden.
  const lintWarnings = lintBeforeIssue({ profile: o.profile, subject: applyPolicyOrder(subject, policy), sans, notBefore: ctx.now(), notAfter: addDays(ctx.now(), o.days ?? DEFAULT_DAYS[o.profile]) }, ca.cert, o.allowLintErrors);
  // Dry-run the request before creating anything, so a refused request writes no file.
  const caKey = await openCaKey(ctx, ca.paths, ca.cert);
  const { privateKey } = await generateKeyPair(o.keyType);
  const subj = applyPolicyOrder(subject, policy);
  const days = o.days ?? DEFAULT_DAYS[o.profile];
  issueCertificate(
    { profile: o.profile, subject: subj, publicKey: spkiOf(privateKey), sans, notBefore: ctx.now(), notAfter: addDays(ctx.now(), days), serialHex: '01' },
    { cert: ca.cert, privateKey: caKey },
  );
  const csr = createCsr({ privateKey, subject: subj, sans });
  const warnings = await writeKey(fs, keyPath, privateKey, o.keyPassphrase, !!o.force);
  await fs.writeFile(csrPath, enc(csr.pem), { exclusive: !o.force });
  const signed = await signWithCa(ctx, ca, caKey, { profile: o.profile, subject: subj, publicKey: spkiOf(privateKey), sans, days }, async (pem) => {
    await fs.writeFile(certPath, enc(pem), { exclusive: !o.force });
  });
  warnings.push(...signed.warnings, ...lintWarnings);
  return { files: [keyPath, csrPath, certPath], warnings, certPath, keyPath, csrPath, serialHex: signed.serialHex, certPem: signed.pem };
}

function stripEmpty(d: DnInput): DnInput {
  const out: DnInput = {};
  for (const [k, v] of Object.entries(d)) if (v !== undefined && v !== '') out[k as keyof DnInput] = v;
  return out;
}

/**
 * TLS server certificates always carry their host-name CN as a SAN: browsers ignore the CN, and
 * a CN that is not among the SANs is refused by strict validators (CA/B Forum BR §7.1.4.3, and our
 * own verify). Email certificates get their emailAddress.
 */
export function defaultSans(profile: Profile, subject: DnInput, sans: San[]): San[] {
  const out = dedupeSans(sans);
  if (profile === 'server' || profile === 'server+client') {
    const s = sanFromCommonName(subject.CN);
    if (s && !out.some((x) => x.type === s.type && x.value.toLowerCase() === s.value.toLowerCase())) out.unshift(s);
  }
  if (profile === 'email' && subject.emailAddress && !out.some((s) => s.type === 'email')) out.push({ type: 'email', value: subject.emailAddress });
  return out;
}

export interface SignCsrOptions {
  profile: Profile;
  days?: number;
  name?: string;
  policy?: string;
  /** Requested SANs to leave out (by "DNS:x" form), the "drop unwanted requested extensions" choice. */
  dropSans?: string[];
  /** Ignore the requested SANs entirely and use these. */
  sans?: San[];
  force?: boolean;
  /** Sign even when the private-CA lint finds errors (they become warnings). */
  allowLintErrors?: boolean;
}

/** What a CSR asks for, as the sign command shows it before signing. */
export interface CsrReview {
  subject: DnInput;
  subjectText: string;
  sans: San[];
  /** Requested extensions other than SAN (we never copy them: the profile decides). */
  otherExtensions: string[];
  signatureValid: true;
  policyProblems: string[];
}

function sansFromCsr(csr: ParsedCsr): San[] {
  const e = findExtension(csr.extensions, OID.subjectAltName);
  if (!e) return [];
  const names: GeneralName[] = decodeAltNames(e.value);
  const out: San[] = [];
  for (const n of names) if (n.type === 'dns' || n.type === 'ip' || n.type === 'email' || n.type === 'uri') out.push({ type: n.type, value: n.value });
  return out;
}

/** Reads and checks a CSR for signing (signature must verify). */
export async function reviewCsr(ctx: CaContext, caDir: string, csrBytes: Uint8Array, policyOverride?: string): Promise<CsrReview> {
  const csr = readCsrBytes(csrBytes);
  const ca = await loadCaCert(ctx.fs, await issuingCaPaths(ctx.fs, caDir));
  const subject = dnFromName(csr.subject);
  const policy = await caPolicy(ctx.fs, ca.paths, policyOverride);
  return {
    subject,
    subjectText: formatName(csr.subject),
    sans: sansFromCsr(csr),
    otherExtensions: csr.extensions.filter((x) => x.oid !== OID.subjectAltName).map((x) => x.oid),
    signatureValid: true,
    policyProblems: checkPolicy(policy, subject, ca.cert.subject),
  };
}

function readCsrBytes(bytes: Uint8Array): ParsedCsr {
  const b = Buffer.from(bytes);
  if (b.includes('-----BEGIN')) {
    const blk = splitPem(b.toString('utf8')).find((x) => x.kind === 'csr');
    if (!blk) throw new PkiError('malformed', 'The file holds no certificate request (expected "-----BEGIN CERTIFICATE REQUEST-----")');
    return readVerifiedCsr(blk.der);
  }
  return readVerifiedCsr(b);
}

/** `workspace-ca sign`: signs an existing CSR (signature and policy checked first). */
export async function signCsr(ctx: CaContext, caDir: string, csrBytes: Uint8Array, o: SignCsrOptions): Promise<OpResult & { certPath: string; serialHex: string; certPem: string }> {
  const fs = ctx.fs;
  const csr = readCsrBytes(csrBytes);
  const ca = await loadCaCert(fs, await issuingCaPaths(fs, caDir));
  const subject = dnFromName(csr.subject);
  const policy = await caPolicy(fs, ca.paths, o.policy);
  const problems = checkPolicy(policy, subject, ca.cert.subject);
  if (problems.length) throw new PkiError('policy', `The CA policy refuses this request: ${problems.join('; ')}`);
  const drop = new Set((o.dropSans ?? []).map((s) => s.toLowerCase()));
  const requested = o.sans ?? sansFromCsr(csr);
  const sans = defaultSans(o.profile, subject, requested.filter((s) => !drop.has(`${s.type}:${s.value}`.toLowerCase()) && !drop.has(`${{ dns: 'dns', ip: 'ip', email: 'email', uri: 'uri' }[s.type]}:${s.value}`.toLowerCase())));
  const base = safeFileBase(o.name ?? subject.CN ?? '');
  const certPath = join(ca.paths.certs, `${base}.cert.pem`);
  if (!o.force && (await exists(fs, certPath))) throw new PkiError('exists', `${certPath} already exists: choose another --name`);
  // Private-CA lint (lint.ts) before the CA key is opened: errors refuse unless overridden.
  const lintWarnings = lintBeforeIssue({ profile: o.profile, subject: applyPolicyOrder(subject, policy), publicKey: csr.spki, sans, notBefore: ctx.now(), notAfter: addDays(ctx.now(), o.days ?? DEFAULT_DAYS[o.profile]) }, ca.cert, o.allowLintErrors);
  const caKey = await openCaKey(ctx, ca.paths, ca.cert);
  const subj = applyPolicyOrder(subject, policy);
  const days = o.days ?? DEFAULT_DAYS[o.profile];
  // Validate the request fully before taking a serial.
  issueCertificate({ profile: o.profile, subject: subj, publicKey: csr.spki, sans, notBefore: ctx.now(), notAfter: addDays(ctx.now(), days), serialHex: '01' }, { cert: ca.cert, privateKey: caKey });
  const signed = await signWithCa(ctx, ca, caKey, { profile: o.profile, subject: subj, publicKey: csr.spki, sans, days }, async (pem) => {
    await fs.writeFile(certPath, enc(pem), { exclusive: !o.force });
  });
  return { files: [certPath], warnings: [...signed.warnings, ...lintWarnings], certPath, serialHex: signed.serialHex, certPem: signed.pem };
}

// ---------------------------------------------------------------------------------------------
// Revocation, CRL, renewal

/** Finds which CA of `caDir` issued `cert` (intermediate first). */
async function issuerOf(fs: FilePort, caDir: string, cert: ParsedCertificate): Promise<LoadedCa> {
  for (const p of [intermediatePaths(caDir), rootPaths(caDir)]) {
    if (!(await exists(fs, p.cert))) continue;
    const ca = await loadCaCert(fs, p);
    if (namesEqual(ca.cert.subject, cert.issuer)) return ca;
  }
  throw new PkiError('not-found', `This certificate was not issued by the CA in ${caDir} (its issuer is "${formatName(cert.issuer)}")`);
}

/** `workspace-ca revoke`: marks the certificate revoked in its CA's index.txt. */
export async function revoke(ctx: CaContext, caDir: string, certBytes: Uint8Array, reason: RevocationReason = 'unspecified'): Promise<OpResult & { serialHex: string }> {
  const fs = ctx.fs;
  const cert = firstCertificate(certBytes, 'The certificate to revoke');
  const ca = await issuerOf(fs, caDir, cert);
  const serial = normSerial(cert.serialHex);
  await withLock(fs, ca.paths.lock, ctx.now, async () => {
    const { db } = await recover(fs, ca.paths, await readDb(fs, ca.paths));
    const e = db.entries.find((x) => x.serialHex === serial);
    if (!e) throw new PkiError('not-found', `Serial ${serial} is not in ${ca.paths.index}`);
    if (e.status === 'R') throw new PkiError('usage', `Serial ${serial} is already revoked (${e.reason ?? 'unspecified'})`);
    e.status = 'R';
    e.revoked = ctx.now();
    e.reason = reason;
    await writeDb(fs, ca.paths, db);
  });
  return { files: [ca.paths.index], warnings: [], serialHex: serial };
}

export interface CrlOptions {
  /** Days until nextUpdate (default 30, as default_crl_days). */
  days?: number;
  /** Sign the root's CRL instead of the issuing CA's. */
  root?: boolean;
}

/** `workspace-ca crl`: a CRL v2 of the CA's revoked certificates; bumps crlnumber. */
export async function generateCrl(ctx: CaContext, caDir: string, o: CrlOptions = {}): Promise<OpResult & { crlPath: string; crlPem: string; count: number }> {
  const fs = ctx.fs;
  const paths = o.root ? rootPaths(caDir) : await issuingCaPaths(fs, caDir);
  const ca = await loadCaCert(fs, paths);
  const key = await openCaKey(ctx, paths, ca.cert);
  let out = { pem: '', count: 0 };
  await withLock(fs, paths.lock, ctx.now, async () => {
    const db = await readDb(fs, paths);
    const numText = (await exists(fs, paths.crlnumber)) ? (await readText(fs, paths.crlnumber, 'crlnumber')).trim() : '1000';
    const num = normSerial(numText || '1000');
    const now = ctx.now();
    const revoked = db.entries.filter((e) => e.status === 'R' && e.revoked);
    const crl = createCrl({
      issuerCert: ca.cert,
      issuerKey: key,
      entries: revoked.map((e) => ({ serialHex: e.serialHex, revoked: e.revoked!, reason: e.reason })),
      thisUpdate: now,
      nextUpdate: addDays(now, o.days ?? 30),
      crlNumberHex: num,
    });
    await fs.mkdir(paths.crlDir);
    await fs.writeFile(paths.crl, enc(crl.pem));
    await fs.writeFile(paths.crlnumber, enc(nextSerial(num) + '\n'));
    out = { pem: crl.pem, count: revoked.length };
  });
  return { files: [paths.crl], warnings: [], crlPath: paths.crl, crlPem: out.pem, count: out.count };
}

/**
 * `workspace-ca renew`: re-signs the kept CSR (csr/<name>.csr.pem) with a new validity and serial,
 * replaces certs/<name>.cert.pem, and revokes the old certificate with reason superseded.
 */
export async function renew(ctx: CaContext, caDir: string, certPath: string, o: { days?: number; profile?: Profile } = {}): Promise<OpResult & { serialHex: string; oldSerialHex: string; certPem: string }> {
  const fs = ctx.fs;
  const old = firstCertificate(await fs.readFile(certPath).catch(() => { throw new PkiError('not-found', `No certificate at ${certPath}`); }), certPath);
  const ca = await issuerOf(fs, caDir, old);
  const base = basename(certPath).replace(/\.cert\.pem$|\.crt$|\.pem$/, '');
  const csrPath = join(ca.paths.csr, `${base}.csr.pem`);
  const csrBytes = await fs.readFile(csrPath).catch(() => {
    throw new PkiError('not-found', `The CSR of this certificate is not kept (${csrPath}): issue a new certificate instead`);
  });
  const csr = readCsrBytes(csrBytes);
  if (!csr.spki.equals(old.spki)) throw new PkiError('usage', `${csrPath} is for another key than ${certPath}`);
  const profile = o.profile ?? profileOf(old);
  const days = o.days ?? Math.max(1, Math.round((old.notAfter.getTime() - old.notBefore.getTime()) / 86400_000));
  const caKey = await openCaKey(ctx, ca.paths, ca.cert);
  const subject = dnFromName(old.subject);
  const sanExt = findExtension(old.extensions, OID.subjectAltName);
  const sans: San[] = sanExt ? decodeAltNames(sanExt.value).filter((n): n is Extract<GeneralName, { type: San['type'] }> => ['dns', 'ip', 'email', 'uri'].includes(n.type)).map((n) => ({ type: n.type, value: n.value }) as San) : [];
  const signed = await signWithCa(ctx, ca, caKey, { profile, subject, publicKey: csr.spki, sans, days }, async (pem) => {
    await fs.writeFile(certPath, enc(pem));
  });
  const oldSerial = normSerial(old.serialHex);
  await withLock(fs, ca.paths.lock, ctx.now, async () => {
    const db = await readDb(fs, ca.paths);
    const e = db.entries.find((x) => x.serialHex === oldSerial);
    if (e && e.status !== 'R') {
      e.status = 'R';
      e.revoked = ctx.now();
      e.reason = 'superseded';
      await writeDb(fs, ca.paths, db);
    }
  });
  return { files: [certPath], warnings: signed.warnings, serialHex: signed.serialHex, oldSerialHex: oldSerial, certPem: signed.pem };
}

/** The profile a certificate was issued with, from its extensions. */
export function profileOf(cert: ParsedCertificate): Profile {
  const bc = findExtension(cert.extensions, OID.basicConstraints);
  if (bc && bc.value.length > 2 && bc.value.includes(0xff)) return namesEqual(cert.subject, cert.issuer) ? 'root-ca' : 'intermediate-ca';
  const eku = findExtension(cert.extensions, OID.extKeyUsage);
  const hex = eku ? eku.value.toString('hex') : '';
  const has = (oidTail: string) => hex.includes(oidTail);
  const server = has('2b06010505070301');
  const client = has('2b06010505070302');
  if (server && client) return 'server+client';
  if (server) return 'server';
  if (client) return 'client';
  if (has('2b06010505070304')) return 'email';
  return 'server';
}

/** `workspace-ca chain`: rewrites intermediate/certs/ca-chain.cert.pem = intermediate + root. */
export async function rebuildChain(ctx: CaContext, caDir: string): Promise<OpResult & { chainPath: string }> {
  const root = await loadCaCert(ctx.fs, rootPaths(caDir));
  const ip = intermediatePaths(caDir);
  if (!(await exists(ctx.fs, ip.cert))) {
    return { files: [], warnings: ['There is no intermediate CA: the root certificate alone is the chain'], chainPath: root.paths.cert };
  }
  const inter = await loadCaCert(ctx.fs, ip);
  if (!namesEqual(inter.cert.issuer, root.cert.subject)) throw new PkiError('usage', 'The intermediate certificate was not issued by this root');
  await ctx.fs.writeFile(ip.chain, enc(inter.certPem.trimEnd() + '\n' + root.certPem));
  return { files: [ip.chain], warnings: [], chainPath: ip.chain };
}

/** Common name of a parsed certificate (for display and file names). */
export function commonName(cert: ParsedCertificate): string | undefined {
  return nameAttr(cert.subject, OID.commonName);
}

export { toPem };

/**
 * Private-CA lint: the mistakes that make a workspace certificate fail in browsers, on Apple
 * platforms, in OpenSSL or in Go, found before issuing (lintIssueRequest) and on any certificate
 * (lintCertificate). Each rule yields a Finding {severity, code, message, fix?} (STYLE.md §3).
 *
 * Severities: `error` = clients refuse the certificate, or RFC 5280 says MUST; issuance is blocked
 * unless overridden. `warning` = works in some places, breaks in others. `info` = worth knowing.
 *
 * Where the rules come from: RFC 5280 (profile), the CA/Browser Forum Baseline Requirements
 * (public CAs, which browsers also apply to key sizes and hashes for private roots), and Apple's
 * "Requirements for trusted certificates in iOS 13 and macOS 10.15" (HT210176), which apply to
 * private roots too: SAN required, RSA >= 2048, SHA-2, serverAuth EKU, <= 825 days.
 */
import { summarizeSpki } from './der/algorithms';
import { DnInput, ParsedName, buildName, formatName, formatNameOpenssl, nameAttr, nameAttrs, namesEqual, parseName } from './der/name';
import { OID, oidName } from './der/oids';
import { readOne } from './der/reader';
import { toDer } from './der/build';
import { ParsedCertificate, parseCertificate } from './der/x509';
import { PkiError } from './errors';
import { DEFAULT_WARN_DAYS, expiryStatus } from './expiry';
import type { IndexEntry } from './ca/indexTxt';
import { IssueRequest, PROFILE_LABELS } from './issue';
import { readBlocks } from './pem';
import { ipToBytes, sanFromCommonName } from './san';
import { ConstrainedName, Subtree, describeName, nameInSubtree, nameIsWellFormed, parseDnsPattern, parseMailbox, rdnKeys, uriHost } from './verify/names';
import { PreparedCert, RECOGNISED } from './verify/prepared';

export type Severity = 'error' | 'warning' | 'info';

/** One lint result. `code` is stable (programs and settings key on it); `message` is for people. */
export interface Finding<Code extends string = LintCode> {
  severity: Severity;
  code: Code;
  message: string;
  /** What to do about it. */
  fix?: string;
}

/** Every code a finding can carry. */
export const LINT_CODES = [
  'v1-certificate',
  'serial-not-positive',
  'serial-too-long',
  'duplicate-serial',
  'rsa-key-too-small',
  'weak-signature-algorithm',
  'validity-exceeds-issuer',
  'server-validity-over-825-days',
  'server-validity-over-398-days',
  'server-san-missing',
  'server-eku-missing',
  'server-auth-eku-missing',
  'ca-basic-constraints-not-critical',
  'ca-basic-constraints-missing',
  'ca-key-cert-sign-missing',
  'ca-key-usage-missing',
  'issuer-not-ca',
  'name-constraints-violated',
  'unknown-critical-extension',
  'duplicate-extension',
  'extension-malformed',
  'expired',
  'not-yet-valid',
  'expiring-soon',
] as const;
export type LintCode = (typeof LINT_CODES)[number];

/** Context of lintCertificate. */
export interface LintContext {
  /** Time for expiry findings (STYLE.md §10: core never reads the clock). */
  now: Date;
  /** The certificate that issued this one, for validity and name-constraint rules. Ignored when its subject is not this certificate's issuer. */
  issuer?: ParsedCertificate;
  /** The issuing CA's index.txt entries, for the duplicate-serial rule. */
  index?: IndexEntry[];
  /** Days before notAfter at which `expiring-soon` fires (default 30). */
  warnDays?: number;
  /** Set false to leave out the expiry findings (expired, not-yet-valid, expiring-soon). */
  expiry?: boolean;
}

/** Validity limits for TLS server certificates, in days. */
export const APPLE_MAX_DAYS = 825;
export const BROWSER_MAX_DAYS = 398;

const DAY_MS = 86_400_000;
const HASH_NAMES = { sha1: 'SHA-1', md5: 'MD5' } as const;
const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then notes; stable within a severity. */
export function sortFindings<F extends { severity: Severity }>(f: F[]): F[] {
  return f.map((x, i) => [x, i] as const).sort((a, b) => SEVERITY_ORDER[a[0].severity] - SEVERITY_ORDER[b[0].severity] || a[1] - b[1]).map(([x]) => x);
}

function quote(label: string): string {
  return `'${label}'`;
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function validityDays(notBefore: Date, notAfter: Date): number {
  // X.509 validity is inclusive of both ends; count whole days as people do ("valid for 825 days").
  return Math.round((notAfter.getTime() - notBefore.getTime()) / DAY_MS);
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

/** Rules shared by certificates and requests. */
function rsaRule(key: { type: string; bits?: number }, out: Finding[], who: string): void {
  if ((key.type === 'rsa' || key.type === 'rsa-pss') && key.bits !== undefined && key.bits < 2048) {
    out.push({
      severity: 'error',
      code: 'rsa-key-too-small',
      message: `${who} has a ${key.bits}-bit RSA key: at least 2048 bits are required (CA/Browser Forum BR §6.1.5); browsers, Apple platforms and OpenSSL at its default security level refuse smaller keys`,
      fix: 'Generate a new key (RSA 2048 or more, or EC P-256) and issue a new certificate for it',
    });
  }
}

function serverValidityRules(days: number, out: Finding[], who: string, requested: boolean): void {
  if (days > APPLE_MAX_DAYS) {
    out.push({
      severity: 'error',
      code: 'server-validity-over-825-days',
      message: `${who} ${requested ? 'would be' : 'is'} valid for ${days} days: Apple platforms (iOS 13, macOS 10.15 and later) refuse TLS server certificates valid for more than ${APPLE_MAX_DAYS} days, even from a private root`,
      fix: `Issue it for at most ${BROWSER_MAX_DAYS} days (--days ${BROWSER_MAX_DAYS}) and renew it before it expires`,
    });
  } else if (days > BROWSER_MAX_DAYS) {
    out.push({
      severity: 'info',
      code: 'server-validity-over-398-days',
      message: `${who} ${requested ? 'would be' : 'is'} valid for ${days} days, more than ${BROWSER_MAX_DAYS}: browsers refuse that from public CAs; private roots are exempt today, but shorter lifetimes are where every platform is heading`,
      fix: `Prefer at most ${BROWSER_MAX_DAYS} days`,
    });
  }
}

/** "DNS:www.example.com" / "IP:10.0.0.1" when the CN is a host name or address. */
function hostSan(cn: string | undefined): string | undefined {
  const san = sanFromCommonName(cn);
  return san ? `${san.type === 'ip' ? 'IP' : 'DNS'}:${san.value}` : undefined;
}

function sanMissing(who: string, cn: string | undefined): Finding {
  return {
    severity: 'error',
    code: 'server-san-missing',
    message: `${who} has no DNS or IP subject alternative name: browsers, Apple platforms and Go ignore the common name${cn ? ` ("${cn}")` : ''}, so no host name matches it`,
    fix: `Reissue it with --san ${hostSan(cn) ?? 'DNS:<host name>'}`,
  };
}

function serialRules(serialHex: string, negative: boolean, octets: number, out: Finding[], who: string): void {
  if (negative || /^0*$/.test(serialHex)) {
    out.push({
      severity: 'error',
      code: 'serial-not-positive',
      message: `${who} has a ${negative ? 'negative' : 'zero'} serial number: RFC 5280 §4.1.2.2 requires a positive integer, and strict clients (pyca/cryptography, Go) refuse it`,
      fix: 'Reissue it with a positive serial (workspace-ca uses 20 random octets with the top bit clear)',
    });
  }
  if (octets > 20) {
    out.push({
      severity: 'warning',
      code: 'serial-too-long',
      message: `${who} has a ${octets}-octet serial number: RFC 5280 §4.1.2.2 allows at most 20 octets and some clients cannot handle longer ones`,
      fix: 'Reissue it with a serial of at most 20 octets',
    });
  }
}

function normHex(h: string): string {
  const s = h.toUpperCase().replace(/^0+(?=.)/, '');
  return s.length % 2 ? '0' + s : s;
}

function duplicateSerialRule(serialHex: string, subjectOneline: string | undefined, notAfter: Date | undefined, index: IndexEntry[], out: Finding[], who: string): void {
  const serial = normHex(serialHex);
  const same = index.filter((e) => normHex(e.serialHex) === serial);
  if (same.length === 0) return;
  // This certificate is expected in its own CA's index once; another line with the serial is a clash.
  const isThis = (e: IndexEntry) => subjectOneline !== undefined && e.subject === subjectOneline && notAfter !== undefined && Math.abs(e.expires.getTime() - notAfter.getTime()) < 1000;
  const others = same.filter((e) => !isThis(e));
  if (same.length > 1 || others.length > 0) {
    const names = [...new Set((others.length ? others : same).map((e) => e.subject || '(no subject)'))].slice(0, 3).join(', ');
    out.push({
      severity: 'error',
      code: 'duplicate-serial',
      message: `${who} has serial ${serial}, which index.txt already gives to ${same.length > 1 && others.length === 0 ? `${same.length} certificates` : names}: a CA must never reuse a serial (RFC 5280 §4.1.2.2), and revoking one would revoke both`,
      fix: 'Reissue it with a new serial (issue through workspace-ca, which takes the next serial from the serial file)',
    });
  }
}

// ------------------------------------------------------------------------------ name constraints

function constraintProblem(n: ConstrainedName, permitted: Subtree[], excluded: Subtree[]): string | undefined {
  const sameKind = (st: Subtree) => st.kind !== 'invalid' && (st.kind === 'other' ? n.kind === 'other' && n.tag === st.tag : st.kind === n.kind);
  const relevantP = permitted.filter(sameKind);
  const relevantE = excluded.filter(sameKind);
  if (relevantP.length === 0 && relevantE.length === 0) return undefined;
  if (n.kind === 'other') return undefined; // cannot evaluate: the verifier reports it
  if (!nameIsWellFormed(n)) return undefined;
  for (const st of relevantE) if (nameInSubtree(n, st, 'excluded')) return `falls in the excluded subtree ${st.text}`;
  if (relevantP.length === 0) return undefined;
  for (const st of relevantP) if (nameInSubtree(n, st, 'permitted')) return undefined;
  return `is outside the permitted subtrees (${relevantP.slice(0, 5).map((s) => s.text).join(', ')})`;
}

function nameConstraintRule(issuer: PreparedCert, names: ConstrainedName[], out: Finding[], who: string, requested: boolean): void {
  const nc = issuer.ext.nc;
  if (!nc) return;
  const bad: string[] = [];
  for (const n of names.slice(0, 1000)) {
    const p = constraintProblem(n, nc.permitted, nc.excluded);
    if (p) bad.push(`${describeName(n)} ${p}`);
  }
  if (bad.length === 0) return;
  out.push({
    severity: 'error',
    code: 'name-constraints-violated',
    message: `${who} ${requested ? 'would have' : 'has'} names the issuing CA ${quote(issuer.label)} may not certify: ${bad.slice(0, 5).join('; ')}${bad.length > 5 ? ` (and ${bad.length - 5} more)` : ''}. Every client that checks name constraints refuses it (RFC 5280 §4.2.1.10)`,
    fix: 'Leave those names out, or issue from a CA whose name constraints allow them',
  });
}

// ------------------------------------------------------------------------------ certificates

/** Why a certificate counts as a TLS server certificate, or undefined. */
function tlsServerRole(pc: PreparedCert): 'eku' | 'name' | undefined {
  if (pc.ext.bc?.ca) return undefined;
  const eku = pc.ext.eku;
  if (eku) return eku.includes(OID.serverAuth) || eku.includes(OID.anyExtendedKeyUsage) ? 'eku' : undefined;
  // No EKU: valid for any purpose; it is a server certificate if it names a host.
  if ((pc.ext.san ?? []).some((g) => g.type === 'dns' || g.type === 'ip')) return 'name';
  const cn = nameAttr(pc.cert.subject, OID.commonName);
  if (cn && (cn === 'localhost' || /^(\*\.)?([a-z0-9-]+\.)+[a-z0-9-]+$/i.test(cn) || /^[\d.]+$|:/.test(cn))) return 'name';
  return undefined;
}

function whoCert(pc: PreparedCert): string {
  const ca = pc.ext.bc?.ca;
  const what = ca ? (pc.selfIssued ? 'The root CA certificate' : 'The CA certificate') : 'The certificate';
  return `${what} ${quote(pc.label)}`;
}

/**
 * Lints one certificate. Pure and synchronous; never throws for certificate problems.
 * `ctx.issuer` enables validity-exceeds-issuer and name-constraints-violated; `ctx.index` enables
 * duplicate-serial; expiry findings use `ctx.now`.
 */
export function lintCertificate(cert: ParsedCertificate, ctx: LintContext): Finding[] {
  const out: Finding[] = [];
  const pc = new PreparedCert(cert);
  const who = whoCert(pc);
  const ext = pc.ext;
  const isCa = !!ext.bc?.ca;
  const selfSigned = pc.selfIssued;

  // Version (RFC 5280 §4.1.2.1): v1 cannot carry extensions, so no SAN, no basicConstraints.
  if (cert.version < 3) {
    out.push({
      severity: selfSigned ? 'warning' : 'error',
      code: 'v1-certificate',
      message: selfSigned
        ? `${who} is an X.509 v${cert.version} certificate: it has no extensions (no basicConstraints, no SAN); OpenSSL still accepts it as a trust anchor, most other clients do not`
        : `${who} is an X.509 v${cert.version} certificate: it cannot carry extensions (no subject alternative name, no basicConstraints, no key usage), so TLS clients refuse it`,
      fix: 'Reissue it as v3 (openssl x509 -req needs -extfile / -copy_extensions; workspace-ca always writes v3)',
    });
  }

  serialRules(cert.serialHex, cert.serialNegative, cert.serialLength, out, who);
  if (ctx.index) duplicateSerialRule(cert.serialHex, formatNameOpenssl(cert.subject), cert.notAfter, ctx.index, out, who);

  rsaRule(cert.key, out, who);

  const hash = cert.signatureAlgorithm.hash;
  if (hash === 'sha1' || hash === 'md5') {
    out.push(
      selfSigned
        ? {
            severity: 'warning',
            code: 'weak-signature-algorithm',
            message: `${who} is self-signed with ${cert.signatureAlgorithm.name} (${HASH_NAMES[hash]}): the self-signature of a trusted root is not checked by most clients, but strict tools (openssl -x509_strict, linters) flag it`,
            fix: 'Re-sign the root with SHA-256 when you next renew it',
          }
        : {
            severity: 'error',
            code: 'weak-signature-algorithm',
            message: `${who} is signed with ${cert.signatureAlgorithm.name} (${HASH_NAMES[hash]}), which is broken: browsers, Apple platforms, Go and OpenSSL 3 refuse it`,
            fix: 'Reissue it signed with SHA-256',
          },
    );
  }

  // Extensions the verifier cannot read or does not understand.
  for (const [name, why] of ext.errors) {
    out.push({ severity: 'error', code: 'extension-malformed', message: `${who} has a ${name} extension that cannot be decoded (${why}): clients refuse it`, fix: 'Reissue it' });
  }
  if (cert.duplicateExtension) {
    out.push({ severity: 'error', code: 'duplicate-extension', message: `${who} has the ${oidName(cert.duplicateExtension)} extension twice: RFC 5280 §4.2 forbids it and OpenSSL refuses it`, fix: 'Reissue it with each extension once' });
  }
  for (const e of cert.extensions) {
    if (e.critical && !RECOGNISED.has(e.oid)) {
      out.push({
        severity: 'error',
        code: 'unknown-critical-extension',
        message: `${who} has the critical extension ${oidName(e.oid)}${oidName(e.oid) === e.oid ? '' : ` (${e.oid})`}, which clients do not understand: RFC 5280 §4.2 requires them to refuse the certificate`,
        fix: 'Reissue it with that extension marked non-critical, or without it',
      });
    }
  }

  // CA profile (RFC 5280 §4.2.1.3, §4.2.1.9).
  if (isCa) {
    if (!ext.bcCritical) {
      out.push({
        severity: 'error',
        code: 'ca-basic-constraints-not-critical',
        message: `${who} has basicConstraints CA:TRUE but not marked critical: RFC 5280 §4.2.1.9 requires it, and openssl verify -x509_strict and other strict clients refuse the chain`,
        fix: 'Reissue the CA certificate with "basicConstraints = critical, CA:TRUE" (workspace-ca always does)',
      });
    }
    if (!ext.ku) {
      out.push({
        severity: 'warning',
        code: 'ca-key-usage-missing',
        message: `${who} has no key usage extension: RFC 5280 §4.2.1.3 requires keyCertSign in CA certificates and openssl -x509_strict refuses CAs without it`,
        fix: 'Reissue the CA certificate with "keyUsage = critical, keyCertSign, cRLSign"',
      });
    } else if (!ext.ku.includes('keyCertSign')) {
      out.push({
        severity: 'error',
        code: 'ca-key-cert-sign-missing',
        message: `${who} is a CA but its key usage (${ext.ku.join(', ') || 'empty'}) lacks keyCertSign: certificates it signs do not validate (RFC 5280 §6.1.4 (n))`,
        fix: 'Reissue the CA certificate with "keyUsage = critical, keyCertSign, cRLSign"',
      });
    }
  } else if (ext.ku?.includes('keyCertSign') && cert.version === 3) {
    out.push({
      severity: 'error',
      code: 'ca-basic-constraints-missing',
      message: `${who} has keyCertSign in its key usage but no basicConstraints CA:TRUE: it cannot act as a CA (RFC 5280 §4.2.1.3, §4.2.1.9), and what it signs does not validate`,
      fix: 'Reissue it with "basicConstraints = critical, CA:TRUE" if it is a CA, or without keyCertSign if it is not',
    });
  }

  // TLS server rules.
  const role = tlsServerRole(pc);
  if (role) {
    const sans = ext.san ?? [];
    if (!sans.some((g) => g.type === 'dns' || g.type === 'ip')) out.push(sanMissing(`The TLS server certificate ${quote(pc.label)}`, nameAttr(cert.subject, OID.commonName)));
    if (role === 'name' && cert.version === 3) {
      out.push({
        severity: 'warning',
        code: 'server-eku-missing',
        message: `${who} names a host but has no extended key usage: Apple platforms require serverAuth in TLS server certificates`,
        fix: 'Reissue it with "extendedKeyUsage = serverAuth" (the server profile does this)',
      });
    }
    serverValidityRules(validityDays(cert.notBefore, cert.notAfter), out, `The TLS server certificate ${quote(pc.label)}`, false);
  } else if (!isCa && ext.eku && (ext.san ?? []).some((g) => g.type === 'dns' || g.type === 'ip')) {
    out.push({
      severity: 'info',
      code: 'server-auth-eku-missing',
      message: `${who} has DNS or IP names, but its extended key usage (${ext.eku.map(oidName).join(', ')}) does not include serverAuth: TLS clients refuse it as a server certificate`,
      fix: 'If it is meant for a TLS server, reissue it with the server (or server+client) profile',
    });
  }

  // Issuer rules: only when the given issuer really is this certificate's issuer (by name).
  const issuer = ctx.issuer && !selfSigned && namesEqual(ctx.issuer.subject, cert.issuer) ? new PreparedCert(ctx.issuer) : undefined;
  if (issuer) {
    if (cert.notAfter.getTime() > issuer.cert.notAfter.getTime()) {
      const extra = Math.ceil((cert.notAfter.getTime() - issuer.cert.notAfter.getTime()) / DAY_MS);
      out.push({
        severity: 'warning',
        code: 'validity-exceeds-issuer',
        message: `${who} is valid until ${day(cert.notAfter)}, ${plural(extra, 'day')} after its issuer ${quote(issuer.label)} expires (${day(issuer.cert.notAfter)}): from then on no client accepts it (RFC 5280 §6.1.3)`,
        fix: `Renew the CA before ${day(issuer.cert.notAfter)}, or plan to reissue this certificate by then`,
      });
    }
    nameConstraintRule(issuer, pc.names, out, who, false);
  }

  // Expiry (RFC 5280 §4.1.2.5).
  if (ctx.expiry !== false) {
    const st = expiryStatus(cert, ctx.now, ctx.warnDays ?? DEFAULT_WARN_DAYS);
    if (st.state === 'expired') out.push({ severity: 'error', code: 'expired', message: `${who} ${st.message} (${day(cert.notAfter)})`, fix: 'Renew it (workspace-ca renew)' });
    else if (st.state === 'notYetValid') out.push({ severity: 'warning', code: 'not-yet-valid', message: `${who} is ${st.message}`, fix: "Check the issuing machine's clock, or wait" });
    else if (st.state === 'expiring') out.push({ severity: 'warning', code: 'expiring-soon', message: `${who} ${st.message} (${day(cert.notAfter)})`, fix: 'Renew it (workspace-ca renew)' });
  }
  return sortFindings(out);
}

// ------------------------------------------------------------------------------ requests

/** An issuance request as lint needs it: the public key may be unknown yet (generated later). */
export type LintableIssueRequest = Omit<IssueRequest, 'publicKey'> & { publicKey?: Buffer };

export interface IssueLintContext {
  /** The issuing CA's index.txt entries (duplicate-serial, when the request names a serial). */
  index?: IndexEntry[];
}

function requestSubject(subject: IssueRequest['subject']): ParsedName | undefined {
  try {
    const der = 'der' in subject ? (subject as { der: Buffer }).der : toDer(buildName(subject as DnInput));
    return parseName(readOne(der));
  } catch {
    return undefined; // issueCertificate reports a bad subject in its own words
  }
}

function requestNames(subject: ParsedName | undefined, req: LintableIssueRequest): ConstrainedName[] {
  const out: ConstrainedName[] = [];
  if (subject && subject.rdns.length) {
    out.push({ kind: 'dirName', rdnKeys: rdnKeys(subject), text: formatName(subject) });
    for (const e of nameAttrs(subject, OID.emailAddress)) out.push({ kind: 'email', raw: e, mailbox: parseMailbox(e) });
  }
  for (const s of req.sans ?? []) {
    switch (s.type) {
      case 'dns':
        out.push({ kind: 'dns', raw: s.value, pattern: parseDnsPattern(s.value) });
        break;
      case 'ip':
        try {
          out.push({ kind: 'ip', bytes: ipToBytes(s.value) });
        } catch {
          /* reported by issueCertificate */
        }
        break;
      case 'email':
        out.push({ kind: 'email', raw: s.value, mailbox: parseMailbox(s.value) });
        break;
      case 'uri':
        out.push({ kind: 'uri', raw: s.value, host: uriHost(s.value) });
        break;
    }
  }
  return out;
}

/**
 * Lints an issuance request before anything is signed or written. `issuer` is the issuing CA's
 * certificate (undefined when self-signing a root). The rules mirror lintCertificate's for what
 * a request can get wrong: host names, key size, validity, name constraints, serial, issuer.
 */
export function lintIssueRequest(req: LintableIssueRequest, issuer: ParsedCertificate | undefined, ctx: IssueLintContext = {}): Finding[] {
  const out: Finding[] = [];
  const subject = requestSubject(req.subject);
  const cn = subject ? nameAttr(subject, OID.commonName) : 'CN' in req.subject ? (req.subject as DnInput).CN : undefined;
  const label = cn || (subject ? formatName(subject) : '') || '(no subject)';
  const who = `The requested ${PROFILE_LABELS[req.profile]} certificate ${quote(label)}`;
  const server = req.profile === 'server' || req.profile === 'server+client';

  if (server && !(req.sans ?? []).some((s) => s.type === 'dns' || s.type === 'ip')) out.push(sanMissing(who, cn));
  if (req.publicKey) {
    try {
      rsaRule(summarizeSpki(readOne(req.publicKey)), out, who);
    } catch {
      /* a malformed key is issueCertificate's to report */
    }
  }
  if (req.serialHex !== undefined) {
    const hex = req.serialHex.replace(/^0x/i, '');
    if (/^[0-9a-fA-F]+$/.test(hex)) {
      serialRules(hex, false, Math.ceil(normHex(hex).length / 2), out, who);
      if (ctx.index) duplicateSerialRule(hex, undefined, undefined, ctx.index, out, who);
    }
  }

  let notAfter = req.notAfter;
  if (issuer) {
    const pi = new PreparedCert(issuer);
    if (!pi.ext.bc?.ca || (pi.ext.ku && !pi.ext.ku.includes('keyCertSign'))) {
      out.push({
        severity: 'error',
        code: 'issuer-not-ca',
        message: `The issuing certificate ${quote(pi.label)} is not a CA (${!pi.ext.bc?.ca ? 'no basicConstraints CA:TRUE' : 'no keyCertSign in its key usage'}): what it signs does not validate (RFC 5280 §6.1.4 (k), (n))`,
        fix: 'Issue from a CA certificate',
      });
    }
    if (req.notAfter.getTime() > issuer.notAfter.getTime()) {
      notAfter = issuer.notAfter;
      out.push({
        severity: 'warning',
        code: 'validity-exceeds-issuer',
        message: `${who} would be valid until ${day(req.notAfter)}, after the issuing CA ${quote(pi.label)} expires (${day(issuer.notAfter)}): it will end with the CA's validity`,
        fix: `Renew the CA before ${day(issuer.notAfter)}`,
      });
    }
    nameConstraintRule(pi, requestNames(subject, req), out, who, true);
  }
  if (server) serverValidityRules(validityDays(req.notBefore, notAfter), out, who, true);
  return sortFindings(out);
}

// ------------------------------------------------------------------------------ enforcement

/** Thrown when a pre-issuance lint finds errors and no override was given. */
export class LintError extends PkiError {
  constructor(readonly findings: Finding[]) {
    const errors = findings.filter((f) => f.severity === 'error');
    super('policy', `The certificate was not issued: ${errors.map((f) => f.message).join('; ')}. Fix the request, or allow lint errors to issue it anyway (--allow-lint-errors)`, errors.map((f) => `${f.code}${f.fix ? `: ${f.fix}` : ''}`).join('\n'));
    this.name = 'LintError';
  }
}

/**
 * Applies pre-issuance findings: errors throw a LintError (PkiError 'policy') unless
 * `allowErrors`; otherwise returns the messages to show as warnings (overridden errors prefixed).
 */
export function enforceIssueLint(findings: Finding[], allowErrors = false): string[] {
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length && !allowErrors) throw new LintError(findings);
  return findings.map((f) => (f.severity === 'error' ? `Lint error overridden (${f.code}): ${f.message}` : f.message));
}

// ------------------------------------------------------------------------------ files

/** The lint of one certificate of a file. */
export interface CertificateLint {
  /** 0-based position among the file's certificates. */
  index: number;
  /** CN, or the subject when there is no CN. */
  label: string;
  /** RFC 4514-style subject. */
  subject: string;
  /** 0-based BEGIN and END lines (PEM only), for editors. */
  startLine?: number;
  endLine?: number;
  findings: Finding[];
}

/**
 * Lints every certificate in a PEM or DER file. The issuer of each certificate is looked up by
 * name among the file's own certificates (a chain file lints as a chain), then `issuers`, then
 * `ctx.issuer`. Unreadable input throws PkiError('malformed').
 */
export function lintFile(bytes: Uint8Array, ctx: LintContext & { issuers?: ParsedCertificate[] }): CertificateLint[] {
  const blocks = readBlocks(bytes).filter((b) => b.kind === 'certificate' || b.kind === 'other');
  if (blocks.length === 0) throw new PkiError('malformed', 'The file holds no certificate');
  const certs = blocks.map((b) => parseCertificate(b.der));
  const pool = [...certs, ...(ctx.issuers ?? []), ...(ctx.issuer ? [ctx.issuer] : [])];
  return certs.map((cert, i) => {
    const issuer = pool.find((c) => c !== cert && !c.der.equals(cert.der) && namesEqual(c.subject, cert.issuer));
    const pc = new PreparedCert(cert);
    const b = blocks[i];
    const r: CertificateLint = { index: i, label: pc.label, subject: formatName(cert.subject), findings: lintCertificate(cert, { ...ctx, issuer }) };
    if (b.label !== 'DER') {
      r.startLine = b.startLine;
      r.endLine = b.endLine;
    }
    return r;
  });
}

/**
 * The pre-issuance gate CA operations call (ca.ts issue/signCsr): lints the request against the
 * issuing CA, throws LintError on errors unless `allowErrors`, and returns the warning messages.
 * validity-exceeds-issuer is left out: issuance clamps the validity and says so itself.
 */
export function lintBeforeIssue(req: LintableIssueRequest, issuer: ParsedCertificate, allowErrors = false, ctx: IssueLintContext = {}): string[] {
  const findings = lintIssueRequest(req, issuer, ctx).filter((f) => f.code !== 'validity-exceeds-issuer');
  return enforceIssueLint(findings, allowErrors);
}

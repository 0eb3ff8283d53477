/**
 * The checks of RFC 5280 §6.1 and the CA/Browser Forum Baseline Requirements, as functions from
 * a candidate path (leaf first, trust anchor last) to Check records with plain-words messages.
 */
import { OID } from '../der/oids';
import { nameAttrs } from '../der/name';
import {
  ConstrainedName,
  Subtree,
  describeName,
  dnsMatches,
  ipText,
  isDnsName,
  nameInSubtree,
  nameIsWellFormed,
  parseDnsPattern,
  parseIp,
} from './names';
import { PreparedCert, RECOGNISED } from './prepared';
import type { Check, CheckId, Purpose } from './types';

/** Per-validation context (everything that is not a certificate). */
export interface Ctx {
  /** Validation time floored to the second: certificate times have one-second granularity. */
  nowMs: number;
  host?: string;
  /** The purpose the leaf must serve (explicit, or serverAuth implied by a host). */
  purpose?: Purpose;
  isPublicSuffix?: (name: string) => boolean;
  /** Upper bound on name × constraint comparisons per validation (denial-of-service guard). */
  ncBudget: number;
}

export type Role = 'leaf' | 'intermediate' | 'anchor';

/** How a certificate is referred to in messages. */
export function who(pc: PreparedCert, role: Role): string {
  const what = role === 'leaf' ? 'certificate' : role === 'intermediate' ? 'intermediate' : pc.selfIssued ? 'root' : 'trusted CA';
  return `The ${what} '${pc.label}'`;
}

/** Collects the checks of one certificate, one pass line per id when nothing failed. */
export class Sink {
  readonly checks: Check[] = [];
  failures = 0;
  fail(id: CheckId, subject: string, message: string, fix: string): void {
    this.checks.push({ id, status: 'fail', subject, message, fix });
    this.failures++;
  }
  pass(id: CheckId, subject: string, message: string): void {
    this.checks.push({ id, status: 'pass', subject, message });
  }
  skip(id: CheckId, subject: string, message: string): void {
    this.checks.push({ id, status: 'skip', subject, message });
  }
}

const PURPOSE_OID: Record<Purpose, string> = { serverAuth: OID.serverAuth, clientAuth: OID.clientAuth };
const PURPOSE_WORDS: Record<Purpose, string> = { serverAuth: 'TLS server authentication (serverAuth)', clientAuth: 'TLS client authentication (clientAuth)' };

function hasKeyCertSign(pc: PreparedCert): boolean {
  return !!pc.ext.ku && pc.ext.ku.includes('keyCertSign');
}

/**
 * Checks that depend only on the certificate and its role: version, serial, names, extension
 * profile, criticality, key and algorithm policy, basicConstraints, keyUsage. Cached per role.
 */
export function staticChecks(pc: PreparedCert, role: Role): Check[] {
  const s = new Sink();
  const c = pc.cert;
  const x = pc.ext;
  const w = who(pc, role);
  const subj = pc.label;
  const isCa = role !== 'leaf';
  const reissue = role === 'anchor' ? 'replace the trusted certificate with a conforming one' : 'reissue it';

  // --- profile (RFC 5280 §4.1, §4.2; CA/B Forum BR §7.1)
  const before = s.failures;
  if (c.version !== 3) s.fail('profile', subj, `${w} is an X.509 v${c.version} certificate; only v3 is accepted (BR §7.1.1)`, `${reissue} as a v3 certificate`);
  // Trusted certificates are taken as they are: several public roots have serial 0.
  if (role === 'anchor') {
    // nothing
  } else if (c.serialNegative) s.fail('profile', subj, `${w} has a negative serial number (RFC 5280 §4.1.2.2)`, `${reissue} with a positive serial number`);
  else if (/^0*$/.test(c.serialHex)) s.fail('profile', subj, `${w} has the serial number 0 (RFC 5280 §4.1.2.2)`, `${reissue} with a positive serial number`);
  if (role !== 'anchor' && c.serialLength > 20) s.fail('profile', subj, `${w} has a ${c.serialLength}-octet serial number; at most 20 are allowed (RFC 5280 §4.1.2.2)`, `${reissue} with a serial of at most 20 octets`);
  if (c.issuer.rdns.length === 0) s.fail('profile', subj, `${w} has an empty issuer name (RFC 5280 §4.1.2.4)`, `${reissue} with the issuer's subject as issuer name`);
  if (isCa && c.subject.rdns.length === 0) s.fail('profile', subj, `${w} is a CA with an empty subject name (RFC 5280 §4.1.2.6)`, `${reissue} with a subject name`);
  if (c.duplicateExtension) s.fail('profile', subj, `${w} contains the extension ${c.duplicateExtension} twice (RFC 5280 §4.2)`, `${reissue} with each extension once`);
  for (const [name, why] of x.errors) {
    if (name === 'nameConstraints') continue; // reported under name-constraints
    s.fail('profile', subj, `${w} has a malformed ${name} extension: ${why}`, `${reissue} with a well-formed ${name}`);
  }
  for (const e of c.extensions) {
    if (!e.critical) continue;
    if (e.oid === OID.authorityKeyIdentifier || e.oid === OID.subjectKeyIdentifier || e.oid === OID.authorityInfoAccess) {
      const n = e.oid === OID.authorityKeyIdentifier ? 'authorityKeyIdentifier' : e.oid === OID.subjectKeyIdentifier ? 'subjectKeyIdentifier' : 'authorityInfoAccess';
      s.fail('profile', subj, `${w} marks ${n} critical; it must be non-critical (RFC 5280 §4.2.1.1, §4.2.1.2, §4.2.2.1)`, `${reissue} with ${n} non-critical`);
    }
  }
  const pc_ = c.extensions.find((e) => e.oid === OID.policyConstraints);
  if (pc_ && !pc_.critical) s.fail('profile', subj, `${w} has a non-critical policyConstraints extension; it must be critical (RFC 5280 §4.2.1.11)`, `${reissue} with policyConstraints critical`);
  // Authority/subject key identifiers (RFC 5280 §4.2.1.1, §4.2.1.2; BR §7.1.2.1.3).
  if (!pc.selfIssued && !x.aki?.keyId) s.fail('profile', subj, `${w} has no authorityKeyIdentifier keyIdentifier, which every certificate not issued by itself needs (RFC 5280 §4.2.1.1)`, `${reissue} with an authorityKeyIdentifier equal to the issuer's subjectKeyIdentifier`);
  if (isCa) {
    if (!x.ski) s.fail('profile', subj, `${w} is a CA without a subjectKeyIdentifier (RFC 5280 §4.2.1.2)`, `${reissue} with a subjectKeyIdentifier`);
    if (x.aki) {
      if (!x.aki.keyId && pc.selfIssued) s.fail('profile', subj, `${w} has an authorityKeyIdentifier without keyIdentifier (BR §7.1.2.1.3)`, `${reissue} with keyIdentifier in the authorityKeyIdentifier`);
      if (x.aki.issuer || x.aki.serialHex) s.fail('profile', subj, `${w} has authorityCertIssuer/authorityCertSerialNumber in its authorityKeyIdentifier (BR §7.1.2.1.3)`, `${reissue} with only keyIdentifier in the authorityKeyIdentifier`);
      // Only for roots: a self-issued intermediate (key rollover) legitimately names another key.
      if (role === 'anchor' && pc.selfIssued && x.aki.keyId && x.ski && !x.aki.keyId.equals(x.ski)) {
        s.fail('profile', subj, `${w} is self-signed but its authorityKeyIdentifier differs from its subjectKeyIdentifier (BR §7.1.2.1.3)`, `${reissue} with matching key identifiers`);
      }
    }
  } else {
    // CA/B Forum BR §7.1.2.7.12 / RFC 5280 §4.2.1.6: SAN critical exactly when the subject is empty.
    if (x.san) {
      const empty = c.subject.rdns.length === 0;
      if (empty && !x.sanCritical) s.fail('profile', subj, `${w} has an empty subject and a non-critical subjectAltName; it must be critical (RFC 5280 §4.2.1.6)`, `${reissue} with subjectAltName critical`);
      if (!empty && x.sanCritical) s.fail('profile', subj, `${w} has a subject name and a critical subjectAltName; it must be non-critical (BR §7.1.2.7.12)`, `${reissue} with subjectAltName non-critical`);
    }
  }
  if (s.failures === before) s.pass('profile', subj, `${w} is a well-formed X.509 v3 certificate`);

  // --- critical extensions (RFC 5280 §4.2: unrecognised critical extension => reject)
  const unknown = c.extensions.filter((e) => e.critical && !RECOGNISED.has(e.oid));
  if (unknown.length) {
    for (const e of unknown) s.fail('critical-extensions', subj, `${w} has the critical extension ${e.oid}, which this validator does not understand (RFC 5280 §4.2)`, `${reissue} without that extension or with it non-critical`);
  } else s.pass('critical-extensions', subj, `${w} has no unknown critical extension`);

  // --- public key policy (BR §6.1.5, §7.1.3.1)
  const kp = pc.keyProblem;
  if (kp) s.fail('public-key', subj, `${w}: ${kp}`, role === 'leaf' ? 'generate an RSA 2048+ , P-256/P-384 or Ed25519 key and reissue' : `re-key the CA with RSA 2048+, P-256/P-384 or Ed25519 and ${reissue}`);
  else s.pass('public-key', subj, `${w} has an acceptable key (${describe(pc)})`);

  // --- signature algorithm (RFC 5280 §4.1.1.2; BR §7.1.3.2). A trust anchor's own signature is not relied on.
  if (c.algorithmMismatch) s.fail('algorithm', subj, `${w} names different signature algorithms inside and outside the signed part (RFC 5280 §4.1.1.2)`, reissue);
  else if (role !== 'anchor' && pc.algorithmProblem) s.fail('algorithm', subj, `${w} is signed with ${c.signatureAlgorithm.name}: ${pc.algorithmProblem}`, `${reissue} with SHA-256 or stronger`);
  else s.pass('algorithm', subj, `${w} is signed with ${c.signatureAlgorithm.name}`);

  // --- basicConstraints (RFC 5280 §4.2.1.9, §6.1.4 (k); BR §7.1.2.7.8)
  const bc = x.bc;
  if (isCa) {
    if (!bc) s.fail('basic-constraints', subj, `${w} has no basicConstraints extension, so it may not issue certificates (RFC 5280 §4.2.1.9)`, `${reissue} with basicConstraints critical, CA:TRUE`);
    else if (!bc.ca) s.fail('basic-constraints', subj, `${w} is not a CA (basicConstraints CA:FALSE) but issued a certificate (RFC 5280 §6.1.4 (k))`, `${reissue} with basicConstraints CA:TRUE, or issue from a real CA`);
    else if (!x.bcCritical) s.fail('basic-constraints', subj, `${w} has basicConstraints CA:TRUE but not marked critical (RFC 5280 §4.2.1.9)`, `${reissue} with basicConstraints critical`);
    else s.pass('basic-constraints', subj, `${w} is a CA${bc.pathLen !== undefined ? ` (pathLen ${bc.pathLen})` : ''}`);
  } else if (bc?.ca) {
    s.fail('basic-constraints', subj, `${w} is a CA certificate (CA:TRUE) used as an end-entity certificate (BR §7.1.2.7.8)`, 'issue a separate end-entity certificate with CA:FALSE');
  } else s.pass('basic-constraints', subj, `${w} is an end-entity certificate`);

  // --- keyUsage (RFC 5280 §4.2.1.3, §6.1.4 (n))
  if (isCa) {
    if (!x.ku) s.fail('key-usage', subj, `${w} has no keyUsage extension; a CA needs keyCertSign (BR §7.1.2.10.7)`, `${reissue} with keyUsage keyCertSign, cRLSign`);
    else if (!hasKeyCertSign(pc)) s.fail('key-usage', subj, `${w} does not have keyCertSign in its keyUsage, so it may not sign certificates (RFC 5280 §4.2.1.3)`, `${reissue} with keyUsage keyCertSign`);
    else s.pass('key-usage', subj, `${w} may sign certificates (keyCertSign)`);
  } else if (hasKeyCertSign(pc)) {
    s.fail('key-usage', subj, `${w} has keyCertSign in its keyUsage but is not a CA (RFC 5280 §4.2.1.9)`, `${reissue} without keyCertSign`);
  } else s.pass('key-usage', subj, x.ku ? `${w} has keyUsage ${x.ku.join(', ')}` : `${w} has no keyUsage restriction`);

  // --- nameConstraints syntax (RFC 5280 §4.2.1.10)
  const ncErr = x.errors.find(([n]) => n === 'nameConstraints');
  if (ncErr) s.fail('name-constraints', subj, `${w} has a malformed nameConstraints extension: ${ncErr[1]}`, `${reissue} with well-formed name constraints`);
  else if (x.nc) {
    if (!isCa) s.fail('name-constraints', subj, `${w} is not a CA but has a nameConstraints extension (RFC 5280 §4.2.1.10)`, `${reissue} without nameConstraints`);
    else if (!x.nc.critical) s.fail('name-constraints', subj, `${w} has a non-critical nameConstraints extension; it must be critical (RFC 5280 §4.2.1.10)`, `${reissue} with nameConstraints critical`);
    const bad = [...x.nc.permitted, ...x.nc.excluded].filter((t) => t.kind === 'invalid') as Extract<Subtree, { kind: 'invalid' }>[];
    for (const b of bad) s.fail('name-constraints', subj, `${w} has the malformed name constraint ${b.text}: ${b.reason} (RFC 5280 §4.2.1.10)`, `${reissue} with a valid constraint`);
  }

  // --- extendedKeyUsage on a root (BR §7.1.2.1.2: root CA certificates carry no extKeyUsage)
  if (role === 'anchor' && pc.selfIssued && x.eku) {
    s.fail('extended-key-usage', subj, `${w} is a root with an extendedKeyUsage extension, which root certificates must not have (BR §7.1.2.1.2)`, 'use a root certificate without extendedKeyUsage');
  }
  return s.checks;
}

function describe(pc: PreparedCert): string {
  const k = pc.cert.key;
  if (k.type === 'rsa' || k.type === 'rsa-pss') return `RSA ${k.bits}`;
  if (k.type === 'ec') return `EC ${k.curve}`;
  if (k.type === 'ed25519') return 'Ed25519';
  return k.type;
}

/** RFC 5280 §4.1.2.5: the validity period includes both notBefore and notAfter. */
export function validityCheck(pc: PreparedCert, role: Role, ctx: Ctx, s: Sink): void {
  const w = who(pc, role);
  const c = pc.cert;
  if (ctx.nowMs < c.notBefore.getTime()) {
    s.fail('validity', pc.label, `${w} is not valid until ${c.notBefore.toISOString()} (checked at ${new Date(ctx.nowMs).toISOString()})`, role === 'leaf' ? 'wait until it becomes valid, check the clock, or reissue it with an earlier notBefore' : 'check the clock, or use a certificate of that CA that is already valid');
  } else if (ctx.nowMs > c.notAfter.getTime()) {
    s.fail('validity', pc.label, `${w} expired on ${c.notAfter.toISOString()} (checked at ${new Date(ctx.nowMs).toISOString()})`, role === 'leaf' ? 'renew it: issue a new certificate for the same names' : role === 'anchor' ? 'replace the expired trusted certificate with a current one' : 'renew the intermediate CA certificate and update the chain file');
  } else {
    const [from, to] = pc.validityText;
    s.pass('validity', pc.label, `${w} is valid from ${from} to ${to}`);
  }
}

/** RFC 5280 §6.1.4 (l), (m): pathLenConstraint counts the non-self-issued intermediates below a CA. */
export function pathLengthCheck(path: PreparedCert[], complete: boolean, s: Sink): void {
  let failed = false;
  const top = path.length - 1;
  for (let i = top; i >= 1; i--) {
    const ca = path[i];
    const limit = ca.ext.bc?.pathLen;
    if (limit === undefined) continue;
    let below = 0;
    for (let j = i - 1; j >= 1; j--) if (!path[j].selfIssued) below++;
    if (below > limit) {
      failed = true;
      s.fail('path-length', ca.label, `${who(ca, i === top && complete ? 'anchor' : 'intermediate')} allows ${limit} intermediate CA${limit === 1 ? '' : 's'} below it (pathLenConstraint ${limit}) but the chain has ${below}`, 'issue the leaf from a CA higher up, or reissue that CA with a larger pathLenConstraint');
    }
  }
  if (!failed) s.pass('path-length', '', 'No pathLenConstraint is exceeded');
}

/**
 * RFC 5280 §6.1.3 (b), (c) and §6.1.4 (g): names of every certificate below a constrained CA
 * (except self-issued intermediates) must lie in its permitted subtrees and outside its excluded
 * ones. Constraint types we cannot evaluate fail only when a name of that type is present.
 */
export function nameConstraintsCheck(path: PreparedCert[], complete: boolean, ctx: Ctx, s: Sink): void {
  let any = false;
  let failed = false;
  let budget = ctx.ncBudget;
  const top = path.length - 1;
  for (let i = top; i >= 1; i--) {
    const ca = path[i];
    const nc = ca.ext.nc;
    if (!nc) continue;
    any = true;
    const caWho = who(ca, i === top && complete ? 'anchor' : 'intermediate');
    for (let j = i - 1; j >= 0; j--) {
      const sub = path[j];
      if (j > 0 && sub.selfIssued) continue;
      const names = sub.names;
      const cost = names.length * (nc.permitted.length + nc.excluded.length);
      budget -= cost;
      if (budget < 0) {
        s.fail('limits', sub.label, `Checking the ${names.length} names of '${sub.label}' against the ${nc.permitted.length + nc.excluded.length} name constraints of '${ca.label}' exceeds the work limit`, 'use fewer names per certificate or fewer name constraints');
        return;
      }
      const subWho = who(sub, j === 0 ? 'leaf' : 'intermediate');
      for (const n of names) {
        const problem = constraintProblem(n, nc.permitted, nc.excluded);
        if (problem) {
          failed = true;
          s.fail('name-constraints', sub.label, `${subWho} has ${describeName(n)}, which ${problem} of ${caWho.replace(/^The /, 'the ')} (RFC 5280 §4.2.1.10)`, problem.startsWith('is malformed') ? 'reissue it with well-formed names' : `reissue it without ${describeName(n)}, or issue it from a CA whose name constraints allow that name`);
        }
      }
    }
  }
  if (!failed && any) s.pass('name-constraints', '', 'Every name is within the name constraints of the chain');
  else if (!any) s.skip('name-constraints', '', 'No CA in the chain has name constraints');
}

function sameKind(n: ConstrainedName, st: Subtree): boolean {
  if (st.kind === 'invalid') return false;
  if (st.kind === 'other') return n.kind === 'other' && n.tag === st.tag;
  return st.kind === n.kind;
}

function constraintProblem(n: ConstrainedName, permitted: Subtree[], excluded: Subtree[]): string | undefined {
  let relevant = false;
  for (const st of excluded) if (sameKind(n, st)) relevant = true;
  for (const st of permitted) if (sameKind(n, st)) relevant = true;
  if (!relevant) return undefined;
  if (n.kind === 'other') return 'is of a name type whose constraints this validator cannot evaluate, under the name constraints';
  if (!nameIsWellFormed(n)) return 'is malformed and so cannot be matched against the name constraints';
  for (const st of excluded) if (sameKind(n, st) && nameInSubtree(n, st, 'excluded')) return `falls in the excluded subtree ${st.text}`;
  let hasPermitted = false;
  for (const st of permitted) {
    if (!sameKind(n, st)) continue;
    hasPermitted = true;
    if (nameInSubtree(n, st, 'permitted')) return undefined;
  }
  return hasPermitted ? `is outside the permitted subtrees (${permitted.filter((st) => sameKind(n, st)).map((st) => st.text).slice(0, 5).join(', ')})` : undefined;
}

/** RFC 5280 §4.2.1.12 with BR §7.1.2.7.10: the leaf names the purpose; every CA that restricts EKU allows it. */
export function ekuCheck(path: PreparedCert[], complete: boolean, ctx: Ctx, s: Sink): void {
  const p = ctx.purpose;
  if (!p) {
    s.skip('extended-key-usage', '', 'No purpose was asked for (pass serverAuth or clientAuth to check it)');
    return;
  }
  const want = PURPOSE_OID[p];
  const words = PURPOSE_WORDS[p];
  let failed = false;
  const leaf = path[0];
  const eku = leaf.ext.eku;
  const lw = who(leaf, 'leaf');
  if (!eku) {
    failed = true;
    s.fail('extended-key-usage', leaf.label, `${lw} has no extendedKeyUsage extension; it must name ${words} (BR §7.1.2.7.10)`, `reissue it with extendedKeyUsage ${p}`);
  } else if (!eku.includes(want)) {
    failed = true;
    const anyOnly = eku.includes(OID.anyExtendedKeyUsage);
    s.fail('extended-key-usage', leaf.label, `${lw} is not for ${words}: its extendedKeyUsage is ${eku.map(ekuName).join(', ')}${anyOnly ? ' (anyExtendedKeyUsage is not accepted in end-entity certificates, BR §7.1.2.7.10)' : ''}`, `reissue it with extendedKeyUsage ${p}`);
  } else if (eku.includes(OID.anyExtendedKeyUsage)) {
    failed = true;
    s.fail('extended-key-usage', leaf.label, `${lw} lists anyExtendedKeyUsage, which end-entity certificates must not (BR §7.1.2.7.10)`, `reissue it with only extendedKeyUsage ${p}`);
  } else if (leaf.ext.ekuCritical) {
    failed = true;
    s.fail('extended-key-usage', leaf.label, `${lw} marks extendedKeyUsage critical; it must be non-critical (BR §7.1.2.7.10)`, 'reissue it with extendedKeyUsage non-critical');
  }
  const top = path.length - 1;
  for (let i = 1; i < path.length; i++) {
    const ca = path[i];
    const ce = ca.ext.eku;
    if (!ce || ce.includes(want) || ce.includes(OID.anyExtendedKeyUsage)) continue;
    failed = true;
    s.fail('extended-key-usage', ca.label, `${who(ca, i === top && complete ? 'anchor' : 'intermediate')} restricts its certificates to ${ce.map(ekuName).join(', ')}, which does not include ${words}`, `reissue that CA with extendedKeyUsage including ${p}, or without extendedKeyUsage`);
  }
  if (!failed) s.pass('extended-key-usage', leaf.label, `${lw} may be used for ${words}`);
}

function ekuName(oid: string): string {
  switch (oid) {
    case OID.serverAuth:
      return 'serverAuth';
    case OID.clientAuth:
      return 'clientAuth';
    case OID.codeSigning:
      return 'codeSigning';
    case OID.emailProtection:
      return 'emailProtection';
    case OID.timeStamping:
      return 'timeStamping';
    case OID.ocspSigning:
      return 'OCSPSigning';
    case OID.anyExtendedKeyUsage:
      return 'anyExtendedKeyUsage';
    default:
      return oid;
  }
}

/** Reads an IP address written any way people or tools write one (hex, leading zeros, upper case). */
function looseIp(v: string): Buffer | undefined {
  if (v.includes(':')) return /^[0-9a-fA-F:.]+$/.test(v) ? parseIp(v.toLowerCase().replace(/(^|:)0+([0-9a-f])/g, '$1$2')) : undefined;
  const parts = v.split('.');
  if (parts.length > 4 || !parts.every((p) => /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(p))) return undefined;
  const nums = parts.map((p) => (p.startsWith('0x') || p.startsWith('0X') ? parseInt(p, 16) : parseInt(p, 10)));
  if (nums.length === 1) {
    const n = nums[0];
    if (!(n >= 0 && n <= 0xffffffff) || !v.startsWith('0x')) return undefined;
    return Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  }
  if (nums.length !== 4 || nums.some((n) => n > 255)) return undefined;
  return Buffer.from(nums);
}

/**
 * Host name / IP check (RFC 9525 §6.3, RFC 6125 §6.4; BR §7.1.4.3 for the CN): the SAN only,
 * wildcard as the whole left-most label matching one label, never under a public suffix.
 */
export function hostCheck(leaf: PreparedCert, ctx: Ctx, s: Sink): void {
  const host = ctx.host;
  const lw = who(leaf, 'leaf');
  const san = leaf.ext.san;
  // BR §7.1.4.3: a CN, if present, repeats one SAN entry character for character.
  if (ctx.purpose === 'serverAuth' && san) {
    const dns = san.filter((g) => g.type === 'dns').map((g) => g.value);
    const ips = san.filter((g) => g.type === 'ip').map((g) => (g.type === 'ip' && (g.bytes.length === 4 || g.bytes.length === 16) ? ipText(g.bytes) : ''));
    for (const cn of nameAttrs(leaf.cert.subject, OID.commonName)) {
      let ok = true;
      const asIp = looseIp(cn);
      if (asIp) {
        // An IP in the CN must be written the canonical way (RFC 3986 §3.2.2, RFC 5952 §4).
        ok = !san.some((g) => g.type === 'ip' && g.bytes.equals(asIp)) || ips.includes(cn);
      } else if (cn.includes('.') || /[^\x20-\x7e]/.test(cn)) {
        // A host name in the CN must be a character-for-character copy of a dNSName.
        ok = dns.length === 0 || dns.includes(cn);
      }
      if (!ok) s.fail('host', leaf.label, `${lw} has the common name '${cn}', which is not a copy of one of its subjectAltName entries (BR §7.1.4.3)`, `reissue it with a CN copied exactly from a SAN entry, or without a CN`);
    }
  }
  if (host === undefined) {
    s.skip('host', leaf.label, 'No host name or IP was asked for');
    return;
  }
  if (!san) {
    s.fail('host', leaf.label, `${lw} has no subjectAltName; the common name is not used for host names (RFC 9525 §6.3, BR §7.1.4.3)`, `reissue it with a SAN for ${host}`);
    return;
  }
  const ip = parseIp(host);
  if (ip) {
    const found = san.some((g) => g.type === 'ip' && g.bytes.equals(ip));
    const listed = san.filter((g) => g.type === 'ip').map((g) => g.value);
    if (found) s.pass('host', leaf.label, `${lw} is valid for the IP address ${host}`);
    else s.fail('host', leaf.label, `${lw} names ${listed.length ? listed.join(', ') : 'no IP address'} but you asked for the IP address ${host} (IP addresses match only IP SAN entries)`, `reissue it with a SAN IP:${host}`);
    return;
  }
  const h = host.toLowerCase();
  if (!isDnsName(h)) {
    s.fail('host', leaf.label, `'${host}' is neither a valid DNS host name nor an IP address`, 'ask for a host name in preferred syntax (letters, digits, hyphens) or an IP address');
    return;
  }
  const listed: string[] = [];
  for (const g of san) {
    if (g.type !== 'dns') continue;
    listed.push(g.value);
    const pat = parseDnsPattern(g.value);
    if (!pat || !dnsMatches(pat, h)) continue;
    if (pat.wildcard && !wildcardAllowed(pat.base, ctx)) {
      s.fail('host', leaf.label, `${lw} has the wildcard ${g.value}, which covers a whole public suffix and is refused (BR §3.2.2.6)`, `reissue it with a SAN for ${host} itself`);
      return;
    }
    s.pass('host', leaf.label, `${lw} is valid for ${host} (SAN ${g.value})`);
    return;
  }
  s.fail('host', leaf.label, `${lw} names ${listed.length ? listed.slice(0, 8).join(', ') + (listed.length > 8 ? ', ...' : '') : 'no DNS name'} but you asked for ${host}`, `reissue it with a SAN for ${host}`);
}

function wildcardAllowed(base: string, ctx: Ctx): boolean {
  if (ctx.isPublicSuffix) return !ctx.isPublicSuffix(base);
  return base.includes('.');
}

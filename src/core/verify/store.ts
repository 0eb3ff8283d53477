/**
 * Path building (RFC 4158, depth-first with backtracking) and validation (RFC 5280 §6.1) over a
 * prepared set of trust anchors. A TrustStore caches parsed certificates, node KeyObjects and
 * signature results, so validating many leaves under the same CAs costs about one signature
 * check each.
 */
import { isPkiError } from '../errors';
import type { ParsedCertificate } from '../der/x509';
import { Ctx, Role, Sink, ekuCheck, hostCheck, nameConstraintsCheck, pathLengthCheck, staticChecks, validityCheck, who } from './checks';
import { sha256 } from '../digest';
import { verifySignature } from './crypto';
import { PreparedCert, prepare } from './prepared';
import type { CertInput, ChainEntry, Check, VerifyOptions, VerifyResult } from './types';

/** Bounds that keep hostile inputs cheap (x509-limbo "pathological" cases; Go and webpki do alike). */
export const LIMITS = {
  /** Intermediates between leaf and anchor. */
  maxIntermediates: 8,
  /** Candidate issuers tried in one validation. */
  maxSteps: 2000,
  /** Signature verifications in one validation (cached results do not count). */
  maxSignatureChecks: 200,
  /** Untrusted certificates considered. */
  maxIntermediatesInput: 256,
  /** Name × constraint comparisons in one validation. */
  maxNameChecks: 1 << 20,
};

function isParsed(x: CertInput): x is ParsedCertificate {
  return !Buffer.isBuffer(x) && !(x instanceof Uint8Array);
}

function toBuffer(x: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(x) ? x : Buffer.from(x.buffer, x.byteOffset, x.byteLength);
}

interface Attempt {
  path: PreparedCert[];
  complete: boolean;
  /** The last certificate was a candidate issuer that could not be used (bad signature, not a CA...). */
  stopped?: boolean;
  checks?: Check[];
  failures: number;
}

/** Work counters and leaf-edge signature results of one validation. */
interface State {
  steps: number;
  sigs: number;
  exhausted: boolean;
  leaf: PreparedCert;
  /** Signature results of the leaf under each candidate issuer. */
  local: Map<PreparedCert, boolean>;
}

/** Caches shared by validations; bounded so a long-lived store does not grow without limit. */
class Lru<V> {
  private map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    return this.map.get(k);
  }
  set(k: string, v: V): void {
    if (this.map.size >= this.max) {
      const first = this.map.keys().next();
      if (!first.done) this.map.delete(first.value);
    }
    this.map.set(k, v);
  }
}

/**
 * A prepared set of trust anchors. Every certificate given is trusted as it is (self-signed root
 * or not); its validity, key, profile, pathLen and name constraints still apply to the path.
 */
export class TrustStore {
  readonly anchors: PreparedCert[];
  private readonly anchorsBySubject = new Map<string, PreparedCert[]>();
  private readonly anchorFps = new Set<string>();
  private readonly certCache = new Lru<PreparedCert>(2048);
  private readonly byObject = new WeakMap<Buffer, { copy: Buffer; pc: PreparedCert }>();
  /** CA-edge signature results: child -> issuer -> ok (entries live as long as the child does). */
  private readonly sigCache = new WeakMap<PreparedCert, Map<PreparedCert, boolean>>();
  private readonly anchorSet = new Set<PreparedCert>();
  private readonly staticCache = new WeakMap<PreparedCert, Partial<Record<Role, Check[]>>>();

  /** `anchors`: DER buffers or parsed certificates. Throws PkiError('malformed') for bytes that are not a certificate. */
  constructor(anchors: CertInput[]) {
    this.anchors = [];
    for (const a of anchors) {
      const pc = this.prepare(a);
      if (this.anchorFps.has(pc.fingerprint)) continue;
      this.anchorFps.add(pc.fingerprint);
      this.anchors.push(pc);
      this.anchorSet.add(pc);
      const list = this.anchorsBySubject.get(pc.subjectKey);
      if (list) list.push(pc);
      else this.anchorsBySubject.set(pc.subjectKey, [pc]);
    }
  }

  /**
   * Parses (or fetches from the cache) one certificate. Leaves are not cached (`cache` false):
   * each is usually seen once, and caching them would only evict the CAs.
   */
  prepare(input: CertInput, cache = true): PreparedCert {
    const der = isParsed(input) ? input.der : toBuffer(input);
    // The same Buffer object passed again (a chain file read once): found without hashing. The
    // byte comparison with our own copy means a caller that reuses a buffer for other content
    // can never get a stale certificate back.
    const seen = cache ? this.byObject.get(der) : undefined;
    if (seen && seen.copy.equals(der)) return seen.pc;
    const fp = sha256(der);
    const key = fp.toString('latin1');
    const hit = this.certCache.get(key);
    if (hit) {
      if (cache) this.byObject.set(der, { copy: Buffer.from(der), pc: hit });
      return hit;
    }
    const pc = isParsed(input) ? new PreparedCert(input, fp) : new PreparedCert(prepare(der).cert, fp);
    if (cache) {
      this.certCache.set(key, pc);
      this.byObject.set(der, { copy: Buffer.from(der), pc });
    }
    return pc;
  }

  /** True when this certificate (by SHA-256) is one of the anchors. */
  isAnchor(pc: PreparedCert): boolean {
    return this.anchorSet.has(pc) || this.anchorFps.has(pc.fingerprint);
  }

  private staticFor(pc: PreparedCert, role: Role): Check[] {
    let m = this.staticCache.get(pc);
    if (!m) this.staticCache.set(pc, (m = {}));
    return (m[role] ??= staticChecks(pc, role));
  }

  /** Signature of `child` under `issuer`'s key; undefined when it cannot be checked. CA edges are cached across validations, leaf edges only within one. */
  private signatureOk(child: PreparedCert, issuer: PreparedCert, counter: State): boolean | undefined {
    const shared = child !== counter.leaf;
    let edges = shared ? this.sigCache.get(child) : counter.local;
    const hit = edges?.get(issuer);
    if (hit !== undefined) return hit;
    const key = issuer.key;
    if (typeof key === 'string') return undefined;
    if (child.algorithmProblem) return undefined;
    if (counter.sigs >= LIMITS.maxSignatureChecks) return undefined;
    counter.sigs++;
    const ok = verifySignature(child.cert, issuer.cert, key);
    if (!edges) this.sigCache.set(child, (edges = new Map()));
    edges.set(issuer, ok);
    return ok;
  }

  /**
   * Builds and validates a path from `leaf` to one of the anchors. Never throws for certificate
   * problems: a leaf or intermediate that cannot be parsed becomes a failed 'parse' check.
   */
  verify(input: VerifyOptions & { leaf: CertInput; intermediates?: CertInput[] }): VerifyResult {
    const now = input.now;
    const purpose = input.purpose ?? (input.host !== undefined ? 'serverAuth' : undefined);
    const base: VerifyResult = { valid: false, chain: [], checks: [], notes: [], at: now.toISOString(), host: input.host, purpose };
    let leaf: PreparedCert;
    try {
      leaf = this.prepare(input.leaf, false);
    } catch (e) {
      base.checks.push({ id: 'parse', status: 'fail', subject: '', message: `The certificate to verify cannot be read: ${e instanceof Error ? e.message : String(e)}`, fix: 'pass a PEM or DER certificate' });
      return base;
    }
    const inters: PreparedCert[] = [];
    const interBySubject = new Map<string, PreparedCert[]>();
    const seen = new Set<string>();
    let dropped = 0;
    for (const x of input.intermediates ?? []) {
      if (inters.length >= LIMITS.maxIntermediatesInput) {
        dropped++;
        continue;
      }
      let pc: PreparedCert;
      try {
        pc = this.prepare(x);
      } catch (e) {
        base.notes.push(`An untrusted certificate was skipped because it cannot be read: ${isPkiError(e) ? e.message : String(e)}`);
        continue;
      }
      // Duplicates and copies of anchors add nothing (the anchor copy is preferred).
      if (seen.has(pc.fingerprint) || this.anchorFps.has(pc.fingerprint) || pc.fingerprint === leaf.fingerprint) continue;
      seen.add(pc.fingerprint);
      inters.push(pc);
      const list = interBySubject.get(pc.subjectKey);
      if (list) list.push(pc);
      else interBySubject.set(pc.subjectKey, [pc]);
    }
    if (dropped) base.notes.push(`${dropped} untrusted certificates beyond the first ${LIMITS.maxIntermediatesInput} were ignored`);

    const ctx: Ctx = {
      nowMs: Math.floor(now.getTime() / 1000) * 1000,
      host: input.host,
      purpose,
      isPublicSuffix: input.isPublicSuffix,
      ncBudget: LIMITS.maxNameChecks,
    };
    const state: State = { steps: 0, sigs: 0, exhausted: false, leaf, local: new Map() };
    let best: Attempt | undefined;
    let success: Attempt | undefined;

    const consider = (a: Attempt) => {
      if (!best) best = a;
      else if (a.complete !== best.complete) {
        if (a.complete) best = a;
      } else if (a.complete ? a.failures < best.failures : a.path.length > best.path.length) best = a;
    };

    const candidatesFor = (cur: PreparedCert): PreparedCert[] => {
      const a = this.anchorsBySubject.get(cur.issuerKey) ?? [];
      const i = interBySubject.get(cur.issuerKey) ?? [];
      const all = a.length && i.length ? [...a, ...i] : a.length ? a : i;
      const akid = cur.ext.aki?.keyId;
      if (!akid || all.length < 2) return all;
      // RFC 4158 §3.5.12: issuers whose SKI matches the AKI first (stable otherwise).
      const match: PreparedCert[] = [];
      const other: PreparedCert[] = [];
      for (const c of all) (c.ext.ski && c.ext.ski.equals(akid) ? match : other).push(c);
      return [...match, ...other];
    };

    const dfs = (path: PreparedCert[], identities: Set<string>): boolean => {
      const cur = path[path.length - 1];
      const cands = candidatesFor(cur);
      let tried = 0;
      for (const c of cands) {
        if (c.fingerprint === leaf.fingerprint || identities.has(c.identity)) continue;
        if (++state.steps > LIMITS.maxSteps) {
          state.exhausted = true;
          return false;
        }
        tried++;
        const next = [...path, c];
        if (this.isAnchor(c)) {
          const a = this.evaluate(next, true, ctx, state);
          if (a.failures === 0) {
            success = a;
            return true;
          }
          consider(a);
          continue;
        }
        const sig = this.signatureOk(cur, c, state);
        const caProblems = this.staticFor(c, 'intermediate').some((k) => k.status === 'fail');
        if (sig !== true || caProblems || path.length > LIMITS.maxIntermediates) {
          consider({ path: next, complete: false, stopped: true, failures: 1 });
          continue;
        }
        identities.add(c.identity);
        const found = dfs(next, identities);
        identities.delete(c.identity);
        if (found || state.exhausted) return found;
      }
      if (tried === 0) consider({ path, complete: false, failures: 1 });
      return false;
    };

    dfs([leaf], new Set([leaf.identity]));
    const chosen = success ?? best ?? { path: [leaf], complete: false, failures: 1 };
    const checks = chosen.checks ?? this.evaluate(chosen.path, chosen.complete, ctx, state, chosen.stopped).checks!;
    if (!success && state.exhausted) {
      checks.unshift({ id: 'limits', status: 'fail', subject: '', message: `Path building gave up after trying ${LIMITS.maxSteps} candidate issuers`, fix: 'remove unrelated or duplicate certificates from the untrusted and trusted files' });
    }
    // Failures first, then the rest in path order.
    const sorted = [...checks.filter((c) => c.status === 'fail'), ...checks.filter((c) => c.status !== 'fail')];
    base.valid = !!success;
    base.chain = chainEntries(chosen.path, chosen.complete);
    base.checks = sorted;
    return base;
  }

  /** Runs every check on a candidate path (leaf first; last element an anchor when `complete`). */
  private evaluate(path: PreparedCert[], complete: boolean, ctx: Ctx, state: State, stopped = false): Attempt {
    const s = new Sink();
    const top = path.length - 1;
    for (let i = 0; i < path.length; i++) {
      const pc = path[i];
      const role: Role = i === 0 ? 'leaf' : i === top && complete ? 'anchor' : 'intermediate';
      for (const c of this.staticFor(pc, role)) {
        s.checks.push(c);
        if (c.status === 'fail') s.failures++;
      }
      validityCheck(pc, role, ctx, s);
      if (i < top) {
        const issuer = path[i + 1];
        const ok = this.signatureOk(pc, issuer, state);
        const iw = who(issuer, i + 1 === top && complete ? 'anchor' : 'intermediate');
        if (ok === true) s.pass('signature', pc.label, `${who(pc, role)} is signed by '${issuer.label}'`);
        else if (ok === false) s.fail('signature', pc.label, `${who(pc, role)} names '${issuer.label}' as issuer but its signature does not verify with that certificate's key`, 'the certificate was altered or issued by a different key with the same name: reissue it, or supply the right issuer certificate');
        else s.fail('signature', pc.label, `${who(pc, role)} cannot be checked against ${iw.replace(/^The /, 'the ')}: ${typeof issuer.key === 'string' ? issuer.key : pc.algorithmProblem ?? 'too many signature checks'}`, 'reissue with an accepted key and algorithm');
      }
    }
    if (complete) {
      const anchor = path[top];
      s.pass('path', '', `The chain ends at the trusted ${anchor.selfIssued ? 'root' : 'CA'} '${anchor.label}'`);
    } else {
      const last = path[top];
      const role: Role = top === 0 ? 'leaf' : 'intermediate';
      const issuerName = last.issuerLabel;
      if (stopped) {
        s.fail('path', last.label, `No usable chain: the closest candidate issuer, ${who(last, role).replace(/^The /, 'the ')}, cannot be used (see the other failures)`, 'fix or replace that CA certificate, or supply the right one');
      } else if (last.selfIssued) {
        s.fail('path', last.label, `${who(last, role)} is self-signed but not in the trusted set`, `add '${last.label}' to the trusted file (--ca) if you trust it`);
      } else {
        s.fail('path', last.label, `The issuer '${issuerName}' of '${last.label}' is missing: no trusted or untrusted certificate has that subject`, `add the certificate of '${issuerName}' (for example intermediate.cert.pem) to the chain file (ca-chain.cert.pem or --untrusted), or trust its root (--ca)`);
      }
    }
    pathLengthCheck(path, complete, s);
    nameConstraintsCheck(path, complete, ctx, s);
    ekuCheck(path, complete, ctx, s);
    hostCheck(path[0], ctx, s);
    return { path, complete, checks: s.checks, failures: s.failures };
  }
}

function chainEntries(path: PreparedCert[], complete: boolean): ChainEntry[] {
  const top = path.length - 1;
  return path.map((pc, i) => ({
    role: i === 0 ? 'leaf' : i === top && complete ? 'root' : 'intermediate',
    subject: pc.subjectText,
    issuer: pc.issuerText,
    serial: pc.cert.serialHex,
    notBefore: pc.validityText[0],
    notAfter: pc.validityText[1],
    sha256: pc.fingerprintColon,
    trusted: i === top && complete,
  }));
}

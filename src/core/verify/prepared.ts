/**
 * A certificate prepared for path validation: parsed once, extensions decoded once, the node
 * KeyObject loaded on first use. Trust stores keep these, so repeated validations skip all of it.
 */
import type { KeyObject } from 'node:crypto';
import {
  AuthorityKeyId,
  BasicConstraints,
  GeneralName,
  KeyUsageName,
  decodeAltNames,
  decodeAuthorityKeyId,
  decodeBasicConstraints,
  decodeExtKeyUsage,
  decodeKeyIdentifier,
  decodeKeyUsage,
  decodeNameConstraints,
} from '../der/extensions';
import { formatName, nameAttr, nameAttrs, nameKey } from '../der/name';
import { OID, oidName } from '../der/oids';
import { readOne, seq } from '../der/reader';
import { ParsedCertificate, parseCertificate } from '../der/x509';
import { colonHex, sha256 } from '../digest';
import { algorithmProblem, keyProblem, loadKey } from './crypto';
import { ConstrainedName, Subtree, parseDnsPattern, parseMailbox, parseSubtree, rdnKeys, uriHost } from './names';

/** Extensions this validator understands, so that their being critical is not a failure (RFC 5280 §4.2). */
export const RECOGNISED = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.issuerAltName,
  OID.nameConstraints,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.certificatePolicies,
  OID.policyConstraints,
  OID.policyMappings,
  OID.inhibitAnyPolicy,
  OID.authorityInfoAccess,
  OID.subjectInfoAccess,
  OID.crlDistributionPoints,
  OID.freshestCrl,
]);

export interface DecodedExtensions {
  bc?: BasicConstraints;
  bcCritical?: boolean;
  ku?: KeyUsageName[];
  eku?: string[];
  ekuCritical?: boolean;
  san?: GeneralName[];
  sanCritical?: boolean;
  nc?: { permitted: Subtree[]; excluded: Subtree[]; critical: boolean };
  ski?: Buffer;
  aki?: AuthorityKeyId;
  /** Extensions whose value could not be decoded: [extension name, reason]. */
  errors: [string, string][];
}

function decodeAll(cert: ParsedCertificate): DecodedExtensions {
  const out: DecodedExtensions = { errors: [] };
  for (const e of cert.extensions) {
    try {
      switch (e.oid) {
        case OID.basicConstraints:
          out.bc = decodeBasicConstraints(e.value);
          out.bcCritical = e.critical;
          break;
        case OID.keyUsage:
          out.ku = decodeKeyUsage(e.value);
          break;
        case OID.extKeyUsage:
          out.eku = decodeExtKeyUsage(e.value);
          out.ekuCritical = e.critical;
          break;
        case OID.subjectAltName:
          out.san = decodeAltNames(e.value);
          out.sanCritical = e.critical;
          break;
        case OID.nameConstraints: {
          const nc = decodeNameConstraints(e.value);
          out.nc = { permitted: (nc.permitted ?? []).map(parseSubtree), excluded: (nc.excluded ?? []).map(parseSubtree), critical: e.critical };
          break;
        }
        case OID.subjectKeyIdentifier:
          out.ski = decodeKeyIdentifier(e.value);
          break;
        case OID.authorityKeyIdentifier:
          out.aki = decodeAuthorityKeyId(e.value);
          break;
        case OID.authorityInfoAccess:
        case OID.subjectInfoAccess:
          // RFC 5280 §4.2.2.1: SEQUENCE SIZE (1..MAX) OF AccessDescription.
          if (seq(readOne(e.value), 'AuthorityInfoAccessSyntax').length === 0) throw new Error('it holds no access description');
          break;
      }
    } catch (err) {
      out.errors.push([oidName(e.oid), err instanceof Error ? err.message : String(err)]);
    }
  }
  return out;
}

/** A prepared certificate. Immutable after construction except for lazily filled caches. */
export class PreparedCert {
  /** SHA-256 of the DER, lower-case hex (cache key; see fingerprintColon for display). */
  readonly fingerprint: string;
  readonly subjectKey: string;
  readonly issuerKey: string;
  /** Issuer and subject names match (RFC 5280 §6.1: "self-issued"). */
  readonly selfIssued: boolean;
  /** The subject and issuer as display text (formatted once: chain entries and messages reuse them). */
  readonly subjectText: string;
  readonly issuerText: string;
  /** CN, or the whole subject when there is no CN. */
  readonly label: string;
  readonly issuerLabel: string;
  readonly ext: DecodedExtensions;
  /** spki + subject: two certificates with both equal are the same CA for loop detection (RFC 4158 §2.4.2). */
  readonly identity: string;
  private keyCache?: KeyObject | string;
  private keyProblemCache?: string | null;
  private colonCache?: string;
  private validityCache?: [string, string];
  private namesCache?: ConstrainedName[];
  private algCache?: string | null;

  constructor(
    readonly cert: ParsedCertificate,
    fingerprint?: Buffer,
  ) {
    const fp = fingerprint ?? sha256(cert.der);
    this.fingerprint = fp.toString('hex');
    this.subjectKey = nameKey(cert.subject);
    this.issuerKey = nameKey(cert.issuer);
    this.selfIssued = cert.subject.der.equals(cert.issuer.der) || this.subjectKey === this.issuerKey;
    this.subjectText = formatName(cert.subject);
    this.issuerText = formatName(cert.issuer);
    this.label = labelOf(cert.subject.rdns.length ? nameAttr(cert.subject, OID.commonName) : undefined, this.subjectText);
    this.issuerLabel = labelOf(nameAttr(cert.issuer, OID.commonName), this.issuerText);
    this.ext = decodeAll(cert);
    this.identity = `${this.subjectKey}\u0000${cert.spki.toString('latin1')}`;
  }

  /** Why the key is refused by policy (weak RSA, unsupported curve...), or null. Cheap: nothing is loaded. */
  get keyProblem(): string | null {
    if (this.keyProblemCache === undefined) this.keyProblemCache = keyProblem(this.cert) ?? null;
    return this.keyProblemCache;
  }

  /** The node KeyObject, or a reason it cannot be used. Loaded only for issuers (createPublicKey costs ~100 µs). */
  get key(): KeyObject | string {
    if (this.keyCache === undefined) this.keyCache = this.keyProblem ?? loadKey(this.cert.spki);
    return this.keyCache;
  }

  /** SHA-256 fingerprint, upper-case hex with colons. */
  get fingerprintColon(): string {
    return (this.colonCache ??= colonHex(Buffer.from(this.fingerprint, 'hex')));
  }

  /** notBefore / notAfter as ISO 8601 text (computed once). */
  get validityText(): [string, string] {
    return (this.validityCache ??= [this.cert.notBefore.toISOString(), this.cert.notAfter.toISOString()]);
  }

  /** Why the signature algorithm of this certificate is refused (or null). */
  get algorithmProblem(): string | null {
    if (this.algCache === undefined) this.algCache = algorithmProblem(this.cert.signatureAlgorithm) ?? null;
    return this.algCache;
  }

  /** Names that name constraints apply to: SAN entries, the subject DN and its emailAddress values. */
  get names(): ConstrainedName[] {
    if (this.namesCache) return this.namesCache;
    const out: ConstrainedName[] = [];
    if (this.cert.subject.rdns.length) out.push({ kind: 'dirName', rdnKeys: rdnKeys(this.cert.subject), text: this.subjectText });
    // RFC 5280 §4.2.1.10: emailAddress attributes in the subject are subject to rfc822Name constraints.
    for (const e of nameAttrs(this.cert.subject, OID.emailAddress)) out.push({ kind: 'email', raw: e, mailbox: parseMailbox(e) });
    for (const g of this.ext.san ?? []) {
      switch (g.type) {
        case 'dns':
          out.push({ kind: 'dns', raw: g.value, pattern: parseDnsPattern(g.value) });
          break;
        case 'ip':
          out.push({ kind: 'ip', bytes: g.bytes });
          break;
        case 'email':
          out.push({ kind: 'email', raw: g.value, mailbox: parseMailbox(g.value) });
          break;
        case 'uri':
          out.push({ kind: 'uri', raw: g.value, host: uriHost(g.value) });
          break;
        case 'dirName':
          out.push({ kind: 'dirName', rdnKeys: rdnKeys(g.name), text: g.value });
          break;
        case 'rid':
          out.push({ kind: 'other', tag: 8, text: `RID:${g.value}` });
          break;
        case 'other':
          out.push({ kind: 'other', tag: g.tag, text: g.value });
          break;
      }
    }
    this.namesCache = out;
    return out;
  }
}

function labelOf(cn: string | undefined, full: string): string {
  if (cn !== undefined && cn !== '') return cn;
  return full || '(empty name)';
}

/** Parses and prepares one DER certificate (throws PkiError('malformed') when it is not one). */
export function prepare(input: Buffer | ParsedCertificate): PreparedCert {
  const cert = Buffer.isBuffer(input) ? parseCertificate(input) : input;
  return new PreparedCert(cert);
}

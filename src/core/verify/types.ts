/**
 * Data shapes of the path validator (STYLE.md §3: DTOs across boundaries). Everything here is
 * plain data a webview, the CLI's --json output or a test can hold on to.
 */
import type { ParsedCertificate } from '../der/x509';

/** What the end-entity certificate is going to be used for (RFC 5280 §4.2.1.12). */
export type Purpose = 'serverAuth' | 'clientAuth';

export const PURPOSES: readonly Purpose[] = ['serverAuth', 'clientAuth'];

/** A certificate as callers hand it in: DER bytes or an already parsed certificate. */
export type CertInput = Buffer | Uint8Array | ParsedCertificate;

/** Stable identifiers of the checks; programs branch on these, people read `message`. */
export type CheckId =
  | 'parse' // the bytes are a certificate
  | 'path' // an issuer was found for every certificate, up to a trust anchor
  | 'signature' // the issuer's key verifies the certificate's signature (RFC 5280 §6.1.3 (a)(1))
  | 'algorithm' // signature algorithm allowed (no SHA-1/MD5), inner == outer (RFC 5280 §4.1.1.2)
  | 'public-key' // key type and size allowed (RSA >= 2048, P-256/384/521, Ed25519)
  | 'validity' // notBefore <= now <= notAfter (RFC 5280 §4.1.2.5, §6.1.3 (a)(2))
  | 'profile' // version, serial, names, AKI/SKI, duplicate extensions (RFC 5280 §4.1, §4.2)
  | 'critical-extensions' // no unrecognised critical extension (RFC 5280 §4.2)
  | 'basic-constraints' // CA:TRUE on issuers, CA:FALSE on the leaf (RFC 5280 §4.2.1.9, §6.1.4 (k))
  | 'path-length' // pathLenConstraint (RFC 5280 §6.1.4 (l), (m))
  | 'key-usage' // keyCertSign on issuers (RFC 5280 §4.2.1.3, §6.1.4 (n))
  | 'extended-key-usage' // the purpose is allowed along the chain (RFC 5280 §4.2.1.12)
  | 'name-constraints' // permitted / excluded subtrees (RFC 5280 §4.2.1.10, §6.1.3 (b), (c))
  | 'host' // the leaf's SAN covers the host or IP asked for (RFC 6125 §6.4, RFC 9525)
  | 'limits'; // the input is within the bounds the validator accepts (size, depth, work)

export type CheckStatus = 'pass' | 'fail' | 'skip';

/** One line of the verdict. */
export interface Check {
  id: CheckId;
  status: CheckStatus;
  /** Which certificate it is about (its CN or subject), or '' for the whole chain. */
  subject: string;
  /** What was found, in plain words. */
  message: string;
  /** What to do about a failure (absent on passes). */
  fix?: string;
}

export type ChainRole = 'leaf' | 'intermediate' | 'root';

/** A certificate of the validated (or best attempted) chain, leaf first. */
export interface ChainEntry {
  role: ChainRole;
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER, upper-case hex with colons (as `openssl x509 -fingerprint -sha256`). */
  sha256: string;
  /** True for the certificate that came from the trusted set. */
  trusted: boolean;
}

export interface VerifyResult {
  valid: boolean;
  /** The chain that validated; when none did, the attempt that came closest. Leaf first. */
  chain: ChainEntry[];
  /** Every check run on that chain, failures first. */
  checks: Check[];
  /** Remarks that are not verdicts (e.g. "3 other candidate paths were tried"). */
  notes: string[];
  /** The validation time used (ISO 8601). */
  at: string;
  host?: string;
  purpose?: Purpose;
}

/** Options shared by every entry point. */
export interface VerifyOptions {
  /** Validation time (STYLE.md §10: core never reads the clock). */
  now: Date;
  /** DNS name or IP literal the leaf must be valid for. */
  host?: string;
  /**
   * Required extended key usage of the leaf. When a host is given and no purpose, serverAuth is
   * assumed: a host name is only ever checked for a TLS server.
   */
  purpose?: Purpose;
  /**
   * Answers whether a DNS name is a public suffix ("com", "co.uk"): a wildcard directly under one
   * is refused (CA/B Forum BR §3.2.2.6). Without it, a wildcard needs at least two labels after it.
   */
  isPublicSuffix?: (name: string) => boolean;
}

/** Input of verifyChain. */
export interface VerifyChainInput extends VerifyOptions {
  leaf: CertInput;
  /** Trusted certificates: every one is a trust anchor, self-signed or not. */
  anchors: CertInput[];
  /** Untrusted certificates that may be used to build the path, in any order. */
  intermediates?: CertInput[];
}

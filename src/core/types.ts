/**
 * Plain, JSON-serialisable DTOs that core hands to the CLI, the extension and (through the
 * protocol) the webview (STYLE.md §3). No Buffers, no Dates, no forge objects: bytes are hex or
 * base64 strings, times are ISO 8601 strings (UTC, "Z").
 *
 * Private key DTOs never carry key material (STYLE.md §8): only type, size, format, encryption
 * scheme and the SHA-256 of the matching public key.
 */
import type { PkiErrorCode } from './errors';

/** One attribute of a distinguished name, in encoding order. */
export interface NameAttributeInfo {
  oid: string;
  /** Short name (CN, O, OU, ...) or the dotted OID. */
  type: string;
  value: string;
  /** Index of the RDN this attribute belongs to (multi-valued RDNs share an index). */
  rdn: number;
}

export interface NameInfo {
  /** "CN=www.example.com, O=Example, C=GB" (most specific first). */
  text: string;
  /** openssl's one-line form "/C=GB/O=Example/CN=www.example.com". */
  openssl: string;
  attributes: NameAttributeInfo[];
}

/** A public (or private) key's shape: never key material. */
export interface KeyInfo {
  /** rsa | rsa-pss | ec | ed25519 | ed448 | dsa | x25519 | unknown */
  type: string;
  /** RSA modulus / DSA p size, EC field size, 256 for Ed25519. */
  bits?: number;
  /** EC curve: P-256, P-384, P-521, secp256k1, "explicit parameters" or the OID. */
  curve?: string;
  /** "RSA 2048", "EC P-256", "Ed25519", "unknown (1.2.3)". */
  description: string;
  /** The SubjectPublicKeyInfo algorithm OID. */
  algorithmOid: string;
}

export interface AlgorithmInfo {
  /** sha256WithRSAEncryption, ecdsa-with-SHA256, ED25519, RSASSA-PSS (sha256), or the OID. */
  name: string;
  oid: string;
}

/** SHA-256 of a DER SubjectPublicKeyInfo, the way HPKP / `openssl pkey -pubout | sha256` print it. */
export interface SpkiDigest {
  base64: string;
  /** Lower-case hex without separators. */
  hex: string;
}

export interface Fingerprints {
  /** "AB:CD:..." upper-case, as `openssl x509 -noout -fingerprint -sha256` prints it. */
  sha256: string;
  sha1: string;
  spkiSha256: SpkiDigest;
}

/** One entry of a GeneralNames list (SAN, name constraints, AKI issuer, ...). */
export interface GeneralNameInfo {
  /** dns | email | uri | ip | dirName | rid | other */
  type: string;
  value: string;
}

/** The decoded value of an extension, by extension. `raw` covers unknown or undecodable ones. */
export type ExtensionValue =
  | { kind: 'subjectAltName' | 'issuerAltName' | 'certificateIssuer'; names: GeneralNameInfo[] }
  | { kind: 'basicConstraints'; ca: boolean; pathLen?: number }
  | { kind: 'keyUsage'; usages: string[] }
  | { kind: 'extKeyUsage'; usages: { oid: string; name: string }[] }
  | { kind: 'subjectKeyIdentifier'; keyId: string }
  | { kind: 'authorityKeyIdentifier'; keyId?: string; issuer?: GeneralNameInfo[]; serial?: string }
  | { kind: 'nameConstraints'; permitted: GeneralNameInfo[]; excluded: GeneralNameInfo[] }
  | { kind: 'crlDistributionPoints' | 'freshestCrl'; points: { uris: string[]; names: string[] }[] }
  | { kind: 'authorityInfoAccess' | 'subjectInfoAccess'; access: { method: string; location: string }[] }
  | { kind: 'certificatePolicies'; policies: { oid: string; name: string; qualifiers: string[] }[] }
  | { kind: 'policyConstraints'; requireExplicitPolicy?: number; inhibitPolicyMapping?: number }
  | { kind: 'inhibitAnyPolicy'; skipCerts: number }
  | { kind: 'sctList'; count: number }
  | { kind: 'ctPoison' }
  | { kind: 'crlNumber' | 'deltaCrlIndicator'; number: string }
  | { kind: 'crlReason'; reason: string }
  | { kind: 'invalidityDate'; date: string }
  | { kind: 'text'; text: string }
  | { kind: 'raw'; hex: string };

export interface ExtensionInfo {
  oid: string;
  /** Readable name (subjectAltName, keyUsage, ...) or the dotted OID for unknown extensions. */
  name: string;
  critical: boolean;
  value: ExtensionValue;
  /** One-line summary in the style of `openssl x509 -text`. */
  text: string;
  /** Set when the value could not be decoded (the certificate itself still decodes). */
  error?: string;
}

export interface CertificateInfo {
  /** 1, 2 or 3. */
  version: number;
  /** Upper-case hex of the serial's content octets (two's complement when negative). */
  serial: string;
  /** True for a negative serial number (RFC 5280 §4.1.2.2 forbids it; some real ones exist). */
  serialNegative?: boolean;
  subject: NameInfo;
  issuer: NameInfo;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  key: KeyInfo;
  signatureAlgorithm: AlgorithmInfo;
  extensions: ExtensionInfo[];
  fingerprints: Fingerprints;
  /** basicConstraints cA = TRUE. */
  isCa: boolean;
  /** Issuer name equals subject name (RFC 5280 §6.1; not a signature check). */
  selfIssued: boolean;
  /** Entries of subjectAltName, empty when there is none. */
  sans: GeneralNameInfo[];
  /** Size of the DER encoding in bytes. */
  derLength: number;
}

export interface CsrAttributeInfo {
  oid: string;
  name: string;
  values: string[];
}

export interface CsrInfo {
  version: number;
  subject: NameInfo;
  key: KeyInfo;
  signatureAlgorithm: AlgorithmInfo;
  /** Requested extensions (PKCS#9 extensionRequest). */
  extensions: ExtensionInfo[];
  sans: GeneralNameInfo[];
  /** Other attributes (challengePassword, ...). */
  attributes: CsrAttributeInfo[];
  /** The self-signature, checked with node:crypto against the CSR's own key. */
  signatureValid: boolean;
  /** Why the signature could not be checked or did not verify. */
  signatureProblem?: string;
  spkiSha256: SpkiDigest;
  derLength: number;
}

export interface CrlEntryInfo {
  serial: string;
  /** ISO 8601. */
  revocationDate: string;
  reason?: string;
  invalidityDate?: string;
}

export interface CrlInfo {
  version: number;
  issuer: NameInfo;
  thisUpdate: string;
  nextUpdate?: string;
  /** Upper-case hex, when the CRL has a cRLNumber extension. */
  crlNumber?: string;
  signatureAlgorithm: AlgorithmInfo;
  entries: CrlEntryInfo[];
  extensions: ExtensionInfo[];
  derLength: number;
}

/** How a private key file is laid out. */
export type PrivateKeyFormat =
  | 'pkcs8' // PRIVATE KEY / ENCRYPTED PRIVATE KEY (RFC 5208, RFC 5958)
  | 'pkcs1' // RSA PRIVATE KEY (RFC 8017 A.1.2)
  | 'sec1' // EC PRIVATE KEY (RFC 5915)
  | 'dsa' // DSA PRIVATE KEY (OpenSSL traditional)
  | 'legacy-encrypted'; // traditional PEM with Proc-Type: 4,ENCRYPTED and DEK-Info (RFC 1421)

export interface PrivateKeyInfo {
  /** rsa | rsa-pss | ec | ed25519 | ed448 | dsa | x25519, or "unknown" while encrypted. */
  type: string;
  bits?: number;
  curve?: string;
  description: string;
  format: PrivateKeyFormat;
  encrypted: boolean;
  /** e.g. "PBES2 (PBKDF2 hmacWithSHA256, 2048 iterations, aes-256-cbc)" or "DES-EDE3-CBC". */
  encryption?: string;
  /** SHA-256 of the public key, to match a certificate's fingerprints.spkiSha256 (absent while encrypted). */
  spkiSha256?: SpkiDigest;
}

export interface PublicKeyInfo extends KeyInfo {
  /** spki = PUBLIC KEY (RFC 5280 §4.1.2.7), pkcs1 = RSA PUBLIC KEY. */
  format: 'spki' | 'pkcs1';
  spkiSha256: SpkiDigest;
}

/** PKCS#12 bag attributes (RFC 7292 §4.2). */
export interface Pkcs12BagAttributes {
  friendlyName?: string;
  /** Hex. */
  localKeyId?: string;
}

export interface Pkcs12Info {
  certificates: (CertificateInfo & Pkcs12BagAttributes)[];
  keys: (PrivateKeyInfo & Pkcs12BagAttributes)[];
}

/** Where a decoded block came from. */
export interface BlockSource {
  /** 0-based position in the file's output list. */
  index: number;
  /** PEM label ("CERTIFICATE"), or "DER". */
  label: string;
  encoding: 'pem' | 'der';
  /** 0-based lines of the BEGIN and END lines (PEM only). */
  startLine?: number;
  endLine?: number;
  /** Set when the item was extracted from a container (PKCS#7 certificate bundle). */
  container?: 'pkcs7';
}

export interface BlockError {
  code: PkiErrorCode;
  message: string;
}

export interface OtherInfo {
  /** What the block appears to be ("EC PARAMETERS", "PKCS#7 without certificates", ...). */
  description: string;
  derLength: number;
}

interface BlockBase {
  source: BlockSource;
  /** Set when this block could not be decoded; `info` is then absent. */
  error?: BlockError;
  /** Raw ASN.1 tree, when requested (never for private keys). */
  asn1?: Asn1Node;
}

/** One decoded item of a file: discriminated by `kind`. */
export type DecodedBlock =
  | (BlockBase & { kind: 'certificate'; info?: CertificateInfo })
  | (BlockBase & { kind: 'csr'; info?: CsrInfo })
  | (BlockBase & { kind: 'crl'; info?: CrlInfo })
  | (BlockBase & { kind: 'privateKey'; info?: PrivateKeyInfo })
  | (BlockBase & { kind: 'publicKey'; info?: PublicKeyInfo })
  | (BlockBase & { kind: 'pkcs12'; info?: Pkcs12Info })
  | (BlockBase & { kind: 'pkcs7'; info?: OtherInfo })
  | (BlockBase & { kind: 'other'; info?: OtherInfo });

export type DecodedKind = DecodedBlock['kind'];

/** A node of the raw ASN.1 view. Offsets are from the start of the DER being shown. */
export interface Asn1Node {
  /** The identifier octet. */
  tag: number;
  /** SEQUENCE, INTEGER, [0], [APPLICATION 1], ... */
  tagName: string;
  offset: number;
  headerLength: number;
  /** Content length. */
  length: number;
  constructed: boolean;
  /** A short preview of the content (OID with its name, string, time, hex). */
  value?: string;
  children?: Asn1Node[];
  /** True when an OCTET STRING / BIT STRING's content is itself DER and is shown as children. */
  encapsulates?: boolean;
  /** True when children were left out because of the depth or node limits. */
  truncated?: boolean;
  /** Why the content could not be read further (malformed DER inside this node). */
  error?: string;
}

export interface Asn1Limits {
  /** Default 24. */
  maxDepth?: number;
  /** Default 2000. */
  maxNodes?: number;
  /** Characters of a value preview, default 80. */
  maxValueChars?: number;
}

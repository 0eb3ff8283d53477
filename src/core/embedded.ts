/**
 * Certificates embedded in any text: PEM blocks in YAML, JSON (with "\n" escapes), .env files and
 * source code, and base64 values that decode to a certificate (a Kubernetes Secret's
 * `tls.crt: LS0tLS1CRUdJTi...` is base64 of PEM; `MII...` is base64 of DER). Results carry
 * editor ranges (0-based line/character, end exclusive, the way VS Code's Range counts) and a
 * small summary for hovers and CodeLens.
 *
 * The work is bounded: only the first `maxChars` characters are scanned, at most
 * `maxCertificates` are returned, and single values longer than `maxValueChars` are skipped, so a
 * large lock file or minified bundle costs one linear pass.
 */
import { describeKey } from './der/algorithms';
import { colonHex, sha256 } from './digest';
import { decodeAltNames, decodeBasicConstraints } from './der/extensions';
import { formatName, nameAttr, namesEqual } from './der/name';
import { OID } from './der/oids';
import { ParsedCertificate, findExtension, parseCertificate } from './der/x509';
import { isPkiError } from './errors';
import { DEFAULT_WARN_DAYS, ExpiryStatus, expiryStatus } from './expiry';
import { looksLikeDer, markerFinder } from './pem';

/** A span of text: 0-based lines and UTF-16 character offsets; the end is exclusive. */
export interface TextRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

/** What a certificate is at a glance (hover, CodeLens, tree tooltips). Plain data. */
export interface CertificateSummary {
  /** RFC 4514-style, most specific first: "CN=www.example.com, O=Example". */
  subject: string;
  commonName?: string;
  issuer: string;
  issuerCommonName?: string;
  /** Upper-case hex. */
  serial: string;
  /** ISO 8601. */
  notBefore: string;
  notAfter: string;
  isCa: boolean;
  /** Subject and issuer names are equal (a root, usually). */
  selfIssued: boolean;
  /** "DNS:www.example.com", "IP:127.0.0.1", ... */
  sans: string[];
  /** "EC P-256", "RSA 2048". */
  key: string;
  signatureAlgorithm: string;
  /** SHA-256 of the DER, "AB:CD:..." as openssl prints it. */
  sha256: string;
  /** One line: "CN=www.example.com, expires 2026-01-01 (in 200 days), issued by CN=Example CA". */
  text: string;
  /** Present when a time was given. */
  expiry?: ExpiryStatus;
}

export type EmbeddedEncoding = 'pem' | 'base64-pem' | 'base64-der';

export interface EmbeddedCertificate {
  /** The PEM block, or the whole base64 value (shared by every certificate of a base64 PEM bundle). */
  range: TextRange;
  encoding: EmbeddedEncoding;
  /** Position of the certificate inside a base64 PEM bundle (tls.crt often holds a chain); 0 otherwise. */
  index: number;
  /** The DER, base64 (decode or lint it with parseCertificate(Buffer.from(derBase64, 'base64'))). */
  derBase64: string;
  summary: CertificateSummary;
}

/** A block that claims to be a certificate but cannot be read. */
export interface EmbeddedProblem {
  range: TextRange;
  message: string;
}

export interface EmbeddedScan {
  certificates: EmbeddedCertificate[];
  problems: EmbeddedProblem[];
  /** True when a limit cut the scan short (text longer than maxChars, or maxCertificates reached). */
  truncated: boolean;
}

export interface EmbeddedScanOptions {
  /** Adds `expiry` to each summary (STYLE.md §10: the caller passes the time). */
  now?: Date;
  /** "Expiring" window for the summary's expiry state (default 30 days). */
  warnDays?: number;
  /** Characters scanned from the start of the text (default 4,000,000). */
  maxChars?: number;
  /** Certificates returned at most (default 200). */
  maxCertificates?: number;
  /** A PEM block or base64 value longer than this is skipped (default 1,000,000 characters). */
  maxValueChars?: number;
}

export const EMBEDDED_LIMITS = { maxChars: 4_000_000, maxCertificates: 200, maxValueChars: 1_000_000 } as const;

function sanText(g: { type: string; value: string }): string {
  const prefix: Record<string, string> = { dns: 'DNS', ip: 'IP', email: 'email', uri: 'URI', dirName: 'DirName', rid: 'RID' };
  return prefix[g.type] ? `${prefix[g.type]}:${g.value}` : g.value;
}

/** The summary of a parsed certificate; with `now`, its expiry state too. */
export function summarizeCertificate(cert: ParsedCertificate, now?: Date, warnDays = DEFAULT_WARN_DAYS): CertificateSummary {
  const cn = nameAttr(cert.subject, OID.commonName);
  const icn = nameAttr(cert.issuer, OID.commonName);
  let sans: string[] = [];
  let isCa = false;
  try {
    const e = findExtension(cert.extensions, OID.subjectAltName);
    if (e) sans = decodeAltNames(e.value).map(sanText);
  } catch {
    sans = [];
  }
  try {
    const e = findExtension(cert.extensions, OID.basicConstraints);
    isCa = !!e && decodeBasicConstraints(e.value).ca;
  } catch {
    isCa = false;
  }
  const subject = formatName(cert.subject);
  const issuer = formatName(cert.issuer);
  const selfIssued = namesEqual(cert.subject, cert.issuer);
  const expiry = now ? expiryStatus(cert, now, warnDays) : undefined;
  const date = (d: Date) => d.toISOString().slice(0, 10);
  let when = `expires ${date(cert.notAfter)}`;
  if (expiry) {
    if (expiry.state === 'expired') when = `expired ${date(cert.notAfter)} (${expiry.message.replace(/^expired /, '')})`;
    else if (expiry.state === 'notYetValid') when = `${expiry.message}, expires ${date(cert.notAfter)}`;
    else when = `expires ${date(cert.notAfter)} (${expiry.message.replace(/^expires /, '')})`;
  }
  const head = cn !== undefined ? `CN=${cn}` : subject || '(empty subject)';
  const by = selfIssued ? 'self-issued' : `issued by ${icn !== undefined ? `CN=${icn}` : issuer || '(empty issuer)'}`;
  const out: CertificateSummary = {
    subject,
    issuer,
    serial: (cert.serialNegative ? '-' : '') + cert.serialHex.toUpperCase(),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    isCa,
    selfIssued,
    sans,
    key: describeKey(cert.key),
    signatureAlgorithm: cert.signatureAlgorithm.name,
    sha256: colonHex(sha256(cert.der)),
    text: `${head}, ${when}, ${by}`,
  };
  if (cn !== undefined) out.commonName = cn;
  if (icn !== undefined) out.issuerCommonName = icn;
  if (expiry) out.expiry = expiry;
  return out;
}

/** Offset -> line/character, with line starts computed once. */
class Positions {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  at(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  range(start: number, end: number): TextRange {
    const a = this.at(start);
    const b = this.at(end);
    return { startLine: a.line, startCharacter: a.character, endLine: b.line, endCharacter: b.character };
  }
}

const CERT_LABELS = new Set(['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CERTIFICATE']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The base64 of a PEM body as it appears inside other text: real line breaks, JSON/YAML/.env
 * escapes ("\n", "\\n", "\r\n"), indentation, and string concatenation in source code
 * ("...\n" + "...") are all dropped. Returns undefined when what is left is not base64.
 */
function pemBodyBase64(body: string): string | undefined {
  const joined = body
    .replace(/\\+[rnt]/g, '')
    .replace(/["'`]\s*\+?\s*["'`]/g, '')
    .replace(/\s+/g, '');
  if (joined.length === 0 || !BASE64.test(joined) || joined.length % 4 === 1) return undefined;
  return joined;
}

interface PemHit {
  start: number;
  end: number;
  label: string;
  /** Undefined when the block is broken (no END line, bad base64). */
  b64?: string;
  problem?: string;
}

/** Every PEM block (any label) in `text`, in order, with tolerant body decoding. */
function scanPemBlocks(text: string, maxValueChars: number): PemHit[] {
  const out: PemHit[] = [];
  const begin = /-----BEGIN ([A-Z0-9 ]{1,40})-----/g;
  // Memoised forward search (pem.ts): thousands of BEGIN lines before one END stay linear.
  const firstFrom = markerFinder(text);
  let m: RegExpExecArray | null;
  while ((m = begin.exec(text))) {
    const label = m[1];
    const start = m.index;
    const bodyStart = begin.lastIndex;
    const endMarker = `-----END ${label}-----`;
    const endIdx = firstFrom(endMarker, bodyStart);
    const nextBegin = firstFrom('-----BEGIN ', bodyStart);
    if (endIdx < 0 || (nextBegin >= 0 && nextBegin < endIdx)) {
      out.push({ start, end: bodyStart, label, problem: `The ${label} block has no END line` });
      continue;
    }
    const end = endIdx + endMarker.length;
    begin.lastIndex = end;
    if (end - start > maxValueChars) {
      out.push({ start, end, label, problem: `The ${label} block is too large to read here (${end - start} characters)` });
      continue;
    }
    const b64 = pemBodyBase64(text.slice(bodyStart, endIdx));
    out.push(b64 ? { start, end, label, b64 } : { start, end, label, problem: `The ${label} block has invalid base64` });
  }
  return out;
}

/**
 * Candidate base64 values: runs starting like base64 of "-----BEGIN" or of a DER SEQUENCE with a
 * long-form length (a certificate is at least ~130 bytes). Short enough to catch one wrapped line.
 */
/** The shortest base64 value worth decoding (a minimal certificate is larger). */
const MIN_B64 = 160;
const B64_RUN = /(?<![A-Za-z0-9+/=])(?:LS0tLS1CRUdJTi|MI[IGJ])[A-Za-z0-9+/]{57,}={0,2}/g;

/**
 * Extends a base64 run that ends a line over following lines holding only base64 of the same
 * width (`base64` wraps at 76 columns; a YAML block scalar indents each line).
 */
function extendWrapped(text: string, start: number, end: number, maxValueChars: number): { end: number; b64: string } {
  let b64 = text.slice(start, end);
  const width = end - start;
  if (width < 60 || width % 4 !== 0 || b64.endsWith('=')) return { end, b64 };
  let pos = end;
  let lastWidth = width;
  while (lastWidth === width && b64.length < maxValueChars) {
    const nl = /^\r?\n[ \t]*/.exec(text.slice(pos, pos + 200));
    if (!nl) break;
    const lineStart = pos + nl[0].length;
    const run = /^[A-Za-z0-9+/]+={0,2}/.exec(text.slice(lineStart, lineStart + width + 2));
    if (!run) break;
    const after = text.charAt(lineStart + run[0].length);
    if (after !== '' && after !== '\n' && after !== '\r') break;
    if (run[0].length > width) break;
    b64 += run[0];
    pos = lineStart + run[0].length;
    lastWidth = run[0].endsWith('=') ? -1 : run[0].length;
  }
  return { end: pos, b64 };
}

function certOrProblem(der: Buffer): ParsedCertificate | string {
  try {
    return parseCertificate(der);
  } catch (e) {
    const msg = isPkiError(e) ? e.message : String(e);
    return msg.startsWith('Not a valid certificate') ? msg : `Not a valid certificate: ${msg}`;
  }
}

/**
 * Finds certificates in `text`. PEM CERTIFICATE blocks that cannot be read are reported as
 * problems; base64 values that turn out not to be certificates (keys, images) are skipped quietly.
 */
export function findEmbeddedCertificates(text: string, opts: EmbeddedScanOptions = {}): EmbeddedScan {
  const maxChars = opts.maxChars ?? EMBEDDED_LIMITS.maxChars;
  const maxCerts = opts.maxCertificates ?? EMBEDDED_LIMITS.maxCertificates;
  const maxValue = opts.maxValueChars ?? EMBEDDED_LIMITS.maxValueChars;
  let truncated = text.length > maxChars;
  const src = truncated ? text.slice(0, maxChars) : text;
  const pos = new Positions(src);
  const certificates: EmbeddedCertificate[] = [];
  const problems: EmbeddedProblem[] = [];
  const add = (range: TextRange, encoding: EmbeddedEncoding, index: number, cert: ParsedCertificate): boolean => {
    if (certificates.length >= maxCerts) {
      truncated = true;
      return false;
    }
    certificates.push({ range, encoding, index, derBase64: cert.der.toString('base64'), summary: summarizeCertificate(cert, opts.now, opts.warnDays) });
    return true;
  };

  // 1. PEM blocks. Every block (keys too) is masked from the base64 pass: their bodies are base64.
  const blocks = scanPemBlocks(src, maxValue);
  for (const b of blocks) {
    if (!CERT_LABELS.has(b.label)) continue;
    const range = pos.range(b.start, b.end);
    if (!b.b64) {
      problems.push({ range, message: b.problem ?? 'Unreadable PEM block' });
      continue;
    }
    const c = certOrProblem(Buffer.from(b.b64, 'base64'));
    if (typeof c === 'string') problems.push({ range, message: c });
    else if (!add(range, 'pem', 0, c)) break;
  }

  // 2. base64 values outside PEM blocks.
  let bi = 0;
  const run = new RegExp(B64_RUN.source, 'g');
  let m: RegExpExecArray | null;
  while (certificates.length < maxCerts && (m = run.exec(src))) {
    const start = m.index;
    while (bi < blocks.length && blocks[bi].end <= start) bi++;
    if (bi < blocks.length && blocks[bi].start <= start) {
      run.lastIndex = Math.max(run.lastIndex, blocks[bi].end);
      continue;
    }
    if (m[0].length > maxValue) continue;
    const { end, b64 } = extendWrapped(src, start, start + m[0].length, maxValue);
    run.lastIndex = end;
    if (b64.length < MIN_B64 || b64.length > maxValue || b64.length % 4 === 1) continue;
    const bytes = Buffer.from(b64, 'base64');
    const range = pos.range(start, end);
    if (b64.startsWith('LS0tLS1CRUdJTi')) {
      // base64 of PEM text: a Secret's tls.crt, usually leaf + intermediates.
      const inner = scanPemBlocks(bytes.toString('utf8'), maxValue).filter((x) => CERT_LABELS.has(x.label));
      let index = 0;
      for (const b of inner) {
        if (!b.b64) {
          problems.push({ range, message: `The base64 value holds a certificate that cannot be read: ${b.problem}` });
          continue;
        }
        const c = certOrProblem(Buffer.from(b.b64, 'base64'));
        if (typeof c === 'string') problems.push({ range, message: `The base64 value holds a certificate that cannot be read: ${c}` });
        else if (!add(range, 'base64-pem', index++, c)) break;
      }
    } else if (looksLikeDer(bytes)) {
      const c = certOrProblem(bytes);
      if (typeof c !== 'string') add(range, 'base64-der', 0, c); // a DER key or CSR: not ours to report
    }
  }
  return { certificates, problems, truncated };
}

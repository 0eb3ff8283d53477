/**
 * PEM files (RFC 7468): split into blocks, tolerate CRLF, text around blocks (`openssl x509
 * -text` output), headers of legacy encrypted keys; recognise DER input.
 */
import { PkiError } from './errors';

export const PEM_LABELS = [
  'CERTIFICATE',
  'TRUSTED CERTIFICATE',
  'X509 CERTIFICATE',
  'CERTIFICATE REQUEST',
  'NEW CERTIFICATE REQUEST',
  'X509 CRL',
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'DSA PRIVATE KEY',
  'PUBLIC KEY',
  'RSA PUBLIC KEY',
  'PKCS7',
  'CMS',
  'EC PARAMETERS',
] as const;

/** What a block (or a DER file) holds. */
export type BlockKind = 'certificate' | 'csr' | 'crl' | 'privateKey' | 'publicKey' | 'pkcs7' | 'pkcs12' | 'other';

export interface PemBlock {
  label: string;
  kind: BlockKind;
  /** Legacy (RFC 1421) headers such as Proc-Type / DEK-Info. */
  headers: Record<string, string>;
  der: Buffer;
  /** 0-based line of the BEGIN line in the text, for editors. */
  startLine: number;
  endLine: number;
  /** Character offsets of the block in the text (BEGIN to end of END line). */
  startOffset: number;
  endOffset: number;
}

export function kindOfLabel(label: string): BlockKind {
  switch (label) {
    case 'CERTIFICATE':
    case 'TRUSTED CERTIFICATE':
    case 'X509 CERTIFICATE':
      return 'certificate';
    case 'CERTIFICATE REQUEST':
    case 'NEW CERTIFICATE REQUEST':
      return 'csr';
    case 'X509 CRL':
      return 'crl';
    case 'PRIVATE KEY':
    case 'ENCRYPTED PRIVATE KEY':
    case 'RSA PRIVATE KEY':
    case 'EC PRIVATE KEY':
    case 'DSA PRIVATE KEY':
      return 'privateKey';
    case 'PUBLIC KEY':
    case 'RSA PUBLIC KEY':
      return 'publicKey';
    case 'PKCS7':
    case 'CMS':
      return 'pkcs7';
    default:
      return 'other';
  }
}

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;
/** Base64 alphabet with padding only at the end (RFC 4648 §4). */
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A block that could not be read, as reported by scanPem. */
export interface PemBlockError {
  label: string;
  kind: BlockKind;
  startLine: number;
  startOffset: number;
  error: PkiError;
}

/**
 * Splits text into PEM blocks, tolerating broken ones: every BEGIN line yields either a block or
 * a PemBlockError (bad base64, missing END line), so one broken block does not hide the others.
 * Text outside blocks is ignored. A BEGIN line met before the END of the current block ends that
 * block as "missing END".
 */
export function scanPem(text: string): (PemBlock | PemBlockError)[] {
  const out: (PemBlock | PemBlockError)[] = [];
  const begin = new RegExp(BEGIN.source, 'g');
  // Offsets only grow: count newlines incrementally (a 140-certificate bundle stays linear).
  let lineOffset = 0;
  let lineNo = 0;
  const lineAt = (offset: number): number => {
    for (let i = text.indexOf('\n', lineOffset); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
      lineNo++;
      lineOffset = i + 1;
    }
    return lineNo;
  };
  const firstFrom = markerFinder(text);
  let m: RegExpExecArray | null;
  while ((m = begin.exec(text))) {
    const label = m[1];
    const startOffset = m.index;
    const bodyStart = begin.lastIndex;
    const startLine = lineAt(startOffset);
    const where = `PEM block "${label}" starting on line ${startLine + 1}`;
    const endMarker = `-----END ${label}-----`;
    const endIdx = firstFrom(endMarker, bodyStart);
    const nextBegin = firstFrom('-----BEGIN ', bodyStart);
    const fail = (message: string) => out.push({ label, kind: kindOfLabel(label), startLine, startOffset, error: new PkiError('malformed', message) });
    if (endIdx < 0 || (nextBegin >= 0 && nextBegin < endIdx)) {
      fail(`${where} has no END line`);
      if (nextBegin < 0) break;
      begin.lastIndex = nextBegin;
      continue;
    }
    const endOffset = endIdx + endMarker.length;
    begin.lastIndex = endOffset;
    const body = text.slice(bodyStart, endIdx);
    const headers: Record<string, string> = {};
    let b64Body = body;
    if (body.includes(':')) {
      // RFC 1421 headers (Proc-Type, DEK-Info) come first, then a blank line.
      const lines = body.split(/\r?\n|\r/);
      let i = 0;
      for (; i < lines.length; i++) {
        const line = lines[i].trim();
        if (!line) continue;
        const h = line.match(/^([A-Za-z-]+):\s*(.*)$/);
        if (!h) break;
        headers[h[1]] = h[2];
      }
      b64Body = lines.slice(i).join('\n');
    }
    // Fast path without regexes or copies: node's decoder skips line breaks, and drops any
    // character outside the alphabet, so a decoded length equal to what the number of
    // non-line-break characters predicts proves the body is clean base64. Anything else (spaces,
    // bad characters, odd lengths) goes to the slow path, which says what is wrong. Regex
    // validation of ~2 KB per block was the slowest step before V8 compiled the regex.
    let der = Buffer.from(b64Body, 'base64');
    const chars = b64Body.length - countChar(b64Body, 10) - countChar(b64Body, 13);
    if (chars === 0 && b64Body.trim() === '') {
      fail(`${where} is empty`);
      continue;
    }
    if (chars % 4 !== 0 || der.length !== (chars / 4) * 3 - padding(b64Body)) {
      const joined = b64Body.replace(/\s+/g, '');
      const problem = joined.length === 0 ? 'is empty' : base64Problem(b64Body, joined);
      if (problem) {
        fail(`${where} ${problem}`);
        continue;
      }
      der = Buffer.from(joined, 'base64');
    }
    out.push({ label, kind: kindOfLabel(label), headers, der, startLine, endLine: lineAt(endIdx), startOffset, endOffset });
  }
  return out;
}

/** Occurrences of one char code. */
function countChar(s: string, code: number): number {
  const ch = String.fromCharCode(code);
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** Number of '=' at the end of the base64 text, ignoring trailing line breaks. */
function padding(s: string): number {
  let i = s.length - 1;
  while (i >= 0 && (s.charCodeAt(i) === 10 || s.charCodeAt(i) === 13)) i--;
  let n = 0;
  while (i >= 0 && s.charCodeAt(i) === 61) {
    n++;
    i--;
  }
  return n;
}

/** Why a base64 body is not acceptable, or undefined when it is (the slow path of scanPem). */
function base64Problem(body: string, joined: string): string | undefined {
  for (const raw of body.split(/\r?\n|\r/)) {
    const line = raw.trim();
    if (line && !/^[A-Za-z0-9+/=]*$/.test(line)) return 'has invalid base64';
  }
  if (joined.length % 4 !== 0 || !B64.test(joined)) return 'has truncated or invalid base64';
  return undefined;
}

/** True for the error entries of scanPem. */
export function isPemBlockError(b: PemBlock | PemBlockError): b is PemBlockError {
  return 'error' in b;
}

/**
 * Splits text into PEM blocks. Text outside blocks is ignored. A block with broken base64 or a
 * missing END line is a PkiError('malformed') naming the line.
 */
export function splitPem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const b of scanPem(text)) {
    if (isPemBlockError(b)) throw b.error;
    blocks.push(b);
  }
  return blocks;
}

/**
 * `firstFrom(marker, from)`: the first occurrence of `marker` at or after `from`, memoised. A file
 * of thousands of BEGIN lines and one END at the bottom must not rescan the rest of the text per
 * BEGIN (quadratic: 5,000 BEGIN lines took 1 s per call before). A hit found from an earlier
 * position that lies at or after `from` is still the first one after `from`; a miss stays a miss.
 * Callers must ask with non-decreasing `from` per marker (a forward scan).
 */
export function markerFinder(text: string): (marker: string, from: number) => number {
  const memo = new Map<string, number>();
  return (marker, from) => {
    const known = memo.get(marker);
    if (known !== undefined && (known < 0 || known >= from)) return known;
    const at = text.indexOf(marker, from);
    memo.set(marker, at);
    return at;
  };
}

/** Encodes DER as PEM with 64-character lines and a trailing newline. */
export function toPem(label: string, der: Buffer, headers?: Record<string, string>): string {
  const b64 = der.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  const head = headers && Object.keys(headers).length ? Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n\n' : '';
  return `-----BEGIN ${label}-----\n${head}${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** True when the bytes look like PEM text (a BEGIN line within the first 64 KB). */
export function looksLikePem(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 65536)).toString('latin1');
  return head.includes('-----BEGIN ');
}

/** True when the bytes start like a DER SEQUENCE whose length covers the file. */
export function looksLikeDer(bytes: Uint8Array): boolean {
  if (bytes.length < 2 || bytes[0] !== 0x30) return false;
  let len = bytes[1];
  let p = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || bytes.length < 2 + n) return false;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[p++];
  }
  return p + len === bytes.length;
}

/**
 * Turns file bytes into blocks: PEM text is split; a single DER structure becomes one block whose
 * kind is guessed by the caller (kind 'other' here; decode/ sniffs it).
 */
export function readBlocks(bytes: Uint8Array): PemBlock[] {
  if (looksLikePem(bytes)) return splitPem(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  if (looksLikeDer(bytes)) {
    const der = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return [{ label: 'DER', kind: 'other', headers: {}, der, startLine: 0, endLine: 0, startOffset: 0, endOffset: bytes.length }];
  }
  if (bytes.length === 0) throw new PkiError('malformed', 'The file is empty');
  throw new PkiError('malformed', 'Neither PEM text nor a DER structure: no "-----BEGIN" line and not valid DER');
}

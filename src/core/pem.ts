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
const B64 = /^[A-Za-z0-9+/=]*$/;

/**
 * Splits text into PEM blocks. Text outside blocks is ignored. A block with broken base64 or a
 * missing END line is a PkiError('malformed') naming the line.
 */
export function splitPem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  BEGIN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = BEGIN.exec(text))) {
    const label = m[1];
    const startOffset = m.index;
    const endMarker = `-----END ${label}-----`;
    const endIdx = text.indexOf(endMarker, BEGIN.lastIndex);
    const startLine = countLines(text, startOffset);
    if (endIdx < 0) throw new PkiError('malformed', `PEM block "${label}" starting on line ${startLine + 1} has no END line`);
    const body = text.slice(BEGIN.lastIndex, endIdx);
    const headers: Record<string, string> = {};
    const b64: string[] = [];
    for (const rawLine of body.split(/\r?\n|\r/)) {
      const line = rawLine.trim();
      if (!line) continue;
      const h = line.match(/^([A-Za-z-]+):\s*(.*)$/);
      if (h && b64.length === 0) {
        headers[h[1]] = h[2];
        continue;
      }
      if (!B64.test(line)) throw new PkiError('malformed', `PEM block "${label}" starting on line ${startLine + 1} has invalid base64`);
      b64.push(line);
    }
    const joined = b64.join('');
    if (joined.length === 0) throw new PkiError('malformed', `PEM block "${label}" starting on line ${startLine + 1} is empty`);
    if (joined.length % 4 !== 0 || /=[^=]/.test(joined)) {
      throw new PkiError('malformed', `PEM block "${label}" starting on line ${startLine + 1} has truncated or invalid base64`);
    }
    const der = Buffer.from(joined, 'base64');
    const endOffset = endIdx + endMarker.length;
    blocks.push({ label, kind: kindOfLabel(label), headers, der, startLine, endLine: countLines(text, endIdx), startOffset, endOffset });
    BEGIN.lastIndex = endOffset;
  }
  return blocks;
}

function countLines(text: string, upTo: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < upTo; i = text.indexOf('\n', i + 1)) n++;
  return n;
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

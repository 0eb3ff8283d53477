/**
 * openssl's CA database, index.txt (see PKI-NOTES.md): one line per certificate,
 *   V|R|E <TAB> expiry <TAB> revocation[,reason] <TAB> serial hex <TAB> file ("unknown") <TAB> /C=../CN=..
 * Times are UTCTime-like YYMMDDHHMMSSZ (GeneralizedTime YYYYMMDDHHMMSSZ from 2050).
 */
import { PkiError } from '../errors';
import { RevocationReason, parseReason } from '../crl';

export interface IndexEntry {
  status: 'V' | 'R' | 'E';
  expires: Date;
  revoked?: Date;
  reason?: RevocationReason;
  /** Upper-case hex, even length, as openssl writes it. */
  serialHex: string;
  file: string;
  /** openssl oneline subject, /C=GB/O=Example/CN=www.example.com */
  subject: string;
}

export function formatIndexTime(d: Date): string {
  const iso = d.toISOString(); // 2026-01-01T00:00:00.000Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return (d.getUTCFullYear() >= 2050 ? digits : digits.slice(2)) + 'Z';
}

export function parseIndexTime(s: string): Date {
  const m = s.match(/^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/);
  if (!m) throw new PkiError('malformed', `index.txt: bad time "${s}"`);
  let year = Number(m[1]);
  if (m[1].length === 2) year += year >= 50 ? 1900 : 2000;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** Normalises a serial to openssl's spelling: upper case, even number of digits. */
export function normSerial(hex: string): string {
  let h = hex.replace(/^0x/i, '').replace(/:/g, '').toUpperCase().replace(/^0+(?=.)/, '');
  if (!/^[0-9A-F]+$/.test(h)) throw new PkiError('usage', `"${hex}" is not a hexadecimal serial number`);
  if (h.length % 2) h = '0' + h;
  return h;
}

/** Parses index.txt; a malformed line is a PkiError naming the line number. */
export function parseIndex(text: string): IndexEntry[] {
  const out: IndexEntry[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const f = line.split('\t');
    if (f.length < 6 || !['V', 'R', 'E'].includes(f[0])) throw new PkiError('malformed', `index.txt line ${i + 1} is not a valid openssl database line`);
    const e: IndexEntry = {
      status: f[0] as IndexEntry['status'],
      expires: parseIndexTime(f[1]),
      serialHex: normSerial(f[3]),
      file: f[4],
      subject: f.slice(5).join('\t'),
    };
    if (f[2]) {
      const [t, reason] = f[2].split(',');
      e.revoked = parseIndexTime(t);
      if (reason) e.reason = parseReason(reason);
    }
    out.push(e);
  });
  return out;
}

export function formatIndexLine(e: IndexEntry): string {
  const rev = e.revoked ? formatIndexTime(e.revoked) + (e.reason && e.reason !== 'unspecified' ? `,${e.reason}` : '') : '';
  return [e.status, formatIndexTime(e.expires), rev, e.serialHex, e.file || 'unknown', e.subject].join('\t');
}

export function formatIndex(entries: IndexEntry[]): string {
  return entries.map((e) => formatIndexLine(e) + '\n').join('');
}

/** Adds one to a hex serial (the serial file holds the next one). */
export function nextSerial(hex: string): string {
  return normSerial((BigInt('0x' + hex) + 1n).toString(16));
}

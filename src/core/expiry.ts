/**
 * Where a certificate stands in its validity period at a given time (RFC 5280 §4.1.2.5), in the
 * words diagnostics, decorations and hovers show: "expires in 12 days", "expired 3 days ago".
 * Pure: the caller passes `now` (STYLE.md §10).
 */

export type ExpiryState = 'valid' | 'expiring' | 'expired' | 'notYetValid';

export interface ExpiryStatus {
  state: ExpiryState;
  /**
   * Whole days: until notAfter (valid, expiring), since notAfter (expired), until notBefore
   * (notYetValid). Rounded down, so "0" means less than a day.
   */
  days: number;
  /** "expires in 12 days", "expires in less than a day", "expired 3 days ago", "not valid until 2026-01-01 (in 5 days)". */
  message: string;
  /** ISO 8601 (UTC). */
  notBefore: string;
  notAfter: string;
}

/** Default "expiring soon" window in days. */
export const DEFAULT_WARN_DAYS = 30;

const DAY_MS = 86_400_000;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function toDate(d: Date | string): Date {
  return d instanceof Date ? d : new Date(d);
}

/**
 * The validity state of `cert` at `now`. `expiring` means valid now and notAfter within
 * `warnDays` days. Accepts a ParsedCertificate (Dates) or a DTO (ISO strings).
 */
export function expiryStatus(cert: { notBefore: Date | string; notAfter: Date | string }, now: Date, warnDays = DEFAULT_WARN_DAYS): ExpiryStatus {
  const nb = toDate(cert.notBefore);
  const na = toDate(cert.notAfter);
  const t = now.getTime();
  const base = { notBefore: nb.toISOString(), notAfter: na.toISOString() };
  if (t < nb.getTime()) {
    const days = Math.floor((nb.getTime() - t) / DAY_MS);
    return { ...base, state: 'notYetValid', days, message: `not valid until ${base.notBefore.slice(0, 10)} (${days === 0 ? 'in less than a day' : `in ${plural(days, 'day')}`})` };
  }
  // RFC 5280 §4.1.2.5: notAfter is inclusive, so the certificate is still valid at that second.
  if (t > na.getTime()) {
    const days = Math.floor((t - na.getTime()) / DAY_MS);
    return { ...base, state: 'expired', days, message: days === 0 ? 'expired less than a day ago' : `expired ${plural(days, 'day')} ago` };
  }
  const days = Math.floor((na.getTime() - t) / DAY_MS);
  const state = na.getTime() - t <= warnDays * DAY_MS ? 'expiring' : 'valid';
  return { ...base, state, days, message: days === 0 ? 'expires in less than a day' : `expires in ${plural(days, 'day')}` };
}

/**
 * Errors are data (STYLE.md §13): every failure core reports is a PkiError with a stable code
 * and a message written for the user. Nothing else should escape a core entry point.
 */
export type PkiErrorCode =
  | 'malformed' // bytes that are not what they claim to be (truncated DER, bad base64, ...)
  | 'unsupported' // well-formed, but an algorithm or structure we do not handle
  | 'passphrase-required'
  | 'wrong-passphrase'
  | 'bad-signature' // e.g. a CSR whose self-signature does not verify
  | 'policy' // a CA policy refused the request
  | 'exists' // refusing to overwrite a file
  | 'not-found' // a CA file or input file is missing
  | 'usage' // a caller passed an invalid value (bad DNS name, unknown profile, ...)
  | 'locked' // the CA directory is locked by another issuance
  | 'io';

/** A failure with a code a program can branch on and a message a person can act on. */
export class PkiError extends Error {
  constructor(
    readonly code: PkiErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'PkiError';
  }
}

/** True when `e` is a PkiError (optionally of the given code). */
export function isPkiError(e: unknown, code?: PkiErrorCode): e is PkiError {
  return e instanceof PkiError && (code === undefined || e.code === code);
}

/**
 * Runs `fn` and turns any non-PkiError exception into a PkiError('malformed', what).
 * Used at decode entry points: parsers of hostile input may throw RangeErrors etc.
 */
export function asMalformed<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('malformed', `${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

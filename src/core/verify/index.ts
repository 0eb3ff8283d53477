/**
 * Certificate path validation (RFC 5280 §6.1 with the CA/Browser Forum name rules).
 *
 *   verifyChain({ leaf, anchors, intermediates, now, host?, purpose? })  one-off validation
 *   new TrustStore(anchors).verify({ leaf, intermediates, now, ... })   many validations, cached
 *   verifyFiles({ leaf, anchors, intermediates, now, ... })             PEM/DER file bytes
 *
 * Results are data (VerifyResult): `valid`, the chain as small DTOs, and every check with a
 * message and a fix. Certificate problems are never thrown.
 */
import { TrustStore } from './store';
import type { VerifyChainInput, VerifyResult } from './types';

export { TrustStore, LIMITS } from './store';
export { verifyFiles, certificatesFromBytes } from './files';
export type { VerifyFilesInput } from './files';
export * from './types';
export { parseIp, isDnsName } from './names';

/**
 * Builds a path from `leaf` through `intermediates` (any order, duplicates and cross-signs
 * welcome) to one of `anchors`, and validates it at `now`. Throws PkiError('malformed') only when
 * an anchor cannot be parsed; a bad leaf is a failed check.
 */
export function verifyChain(input: VerifyChainInput): VerifyResult {
  return new TrustStore(input.anchors).verify(input);
}

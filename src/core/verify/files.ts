/**
 * Convenience entry point over file bytes: PEM (any number of CERTIFICATE blocks) or DER.
 * The caller reads the files (core never touches the disk, STYLE.md "Data flows one way").
 */
import { PkiError } from '../errors';
import { readBlocks } from '../pem';
import { TrustStore } from './store';
import type { VerifyOptions, VerifyResult } from './types';

/** Every certificate in a PEM or DER file, in file order. Throws PkiError('malformed') for anything else. */
export function certificatesFromBytes(bytes: Uint8Array, what = 'The file'): Buffer[] {
  const blocks = readBlocks(bytes);
  const certs = blocks.filter((b) => b.kind === 'certificate' || b.kind === 'other').map((b) => b.der);
  if (certs.length === 0) throw new PkiError('malformed', `${what} contains no certificate (found ${blocks.map((b) => b.label).join(', ') || 'nothing'})`);
  return certs;
}

export interface VerifyFilesInput extends VerifyOptions {
  /** The file under test. The first certificate is the leaf; any others are used as untrusted intermediates. */
  leaf: Uint8Array;
  /** Trusted file(s): every certificate in them is a trust anchor (a ca-chain file works as is). */
  anchors: Uint8Array | Uint8Array[];
  /** Untrusted intermediates file(s), certificates in any order. */
  intermediates?: Uint8Array | Uint8Array[];
}

/**
 * Verifies certificates given as file contents. Unreadable input throws PkiError('malformed');
 * certificate problems are reported in the result, never thrown.
 */
export function verifyFiles(input: VerifyFilesInput): VerifyResult {
  const leafCerts = certificatesFromBytes(input.leaf, 'The certificate file');
  const anchorFiles = Array.isArray(input.anchors) ? input.anchors : [input.anchors];
  const anchors = anchorFiles.flatMap((f) => certificatesFromBytes(f, 'The trusted file'));
  const interFiles = input.intermediates === undefined ? [] : Array.isArray(input.intermediates) ? input.intermediates : [input.intermediates];
  const intermediates = [...leafCerts.slice(1), ...interFiles.flatMap((f) => certificatesFromBytes(f, 'The untrusted file'))];
  const store = new TrustStore(anchors);
  const result = store.verify({ ...input, leaf: leafCerts[0], intermediates });
  if (leafCerts.length > 1) {
    result.notes.unshift(`The certificate file holds ${leafCerts.length} certificates: the first is verified, the other ${leafCerts.length - 1} were used as untrusted intermediates`);
  }
  return result;
}

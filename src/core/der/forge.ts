/**
 * node-forge, split in two (issue 8: extension ≤ 400 KB, activation < 50 ms).
 * - `forge.asn1` / `forge.util`: the only parts core needs on every path (building DER), about
 *   a sixth of the library.
 * - `loadFullForge()`: the whole library (PKCS#12 decryption with RC2/3DES/PBES2, pki), required
 *   only when a PKCS#12 file is opened. The extension and CLI builds map it to dist/forge.js.
 */
import type * as Forge from 'node-forge';
import asn1Module from 'node-forge/lib/asn1';
import utilModule from 'node-forge/lib/util';

export const forge: { asn1: typeof Forge.asn1; util: typeof Forge.util } = { asn1: asn1Module, util: utilModule };
export type Asn1 = Forge.asn1.Asn1;
export type FullForge = typeof Forge;

let full: FullForge | undefined;

/** The whole of node-forge, loaded on first use. */
export function loadFullForge(): FullForge {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy: see above
  full ??= require('node-forge') as FullForge;
  return full;
}

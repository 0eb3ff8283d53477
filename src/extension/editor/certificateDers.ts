/**
 * The DER of every certificate in a file, keyed by its SHA-256 fingerprint (as CertificateInfo
 * prints it), so the chain panel can find the bytes of the block the user is looking at, whatever
 * else the file holds (keys, CRLs, PKCS#7 bundles). Pure: no `vscode` import.
 */
import { pkcs7Contents, sniffDer } from '../../core/decode';
import { colonHex, sha256 } from '../../core/digest';
import { readBlocks } from '../../core/pem';

/** "AB:CD:..." SHA-256 of the DER, the form of CertificateInfo.fingerprints.sha256. */
export function sha256Colon(der: Uint8Array): string {
  return colonHex(sha256(der));
}

/** Every certificate of a PEM or DER file (PKCS#7 bundles opened), in file order. Never throws. */
export function certificateDers(bytes: Uint8Array): Buffer[] {
  let blocks;
  try {
    blocks = readBlocks(bytes);
  } catch {
    return [];
  }
  const out: Buffer[] = [];
  for (const b of blocks) {
    try {
      let label = b.label;
      if (b.kind === 'other' && label === 'DER') label = sniffDer(b.der).label;
      if (b.kind === 'certificate' || label === 'CERTIFICATE') out.push(b.der);
      else if (b.kind === 'pkcs7' || label === 'PKCS7') out.push(...pkcs7Contents(b.der).certificates);
    } catch {
      // a broken block is shown as such by the decoder; it just cannot take part in a chain
    }
  }
  return out;
}

/** Fingerprint -> DER of every certificate in the file. */
export function certificateIndex(bytes: Uint8Array): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const der of certificateDers(bytes)) m.set(sha256Colon(der), der);
  return m;
}

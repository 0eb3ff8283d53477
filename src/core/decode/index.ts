/** The decoding layer: any certificate-ish bytes -> plain DTOs (src/core/types.ts). */
export { decodeCertificate, decodeCsr, decodeCrl, checkSignature } from './certificate';
export { decodePrivateKey, decodePublicKey, decodePkcs8Der, describeEncryption } from './keys';
export type { KeyBlock, DecodeKeyOptions } from './keys';
export { decodePkcs12 } from './pkcs12';
export { decodeFile, sniffDer, pkcs7Contents } from './file';
export type { DecodeFileOptions } from './file';
export { asn1Tree, tagName } from './asn1';
export { colonHex, spkiDigest } from './common';

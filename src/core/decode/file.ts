/**
 * decodeFile: any certificate-ish file -> DecodedBlock[]. PEM text is split with scanPem (a broken
 * block becomes a block with `error`, the others still decode); a DER file is sniffed by
 * structure: certificate, CSR, CRL, PKCS#8 / PKCS#1 / SEC1 keys, SPKI, PKCS#12, PKCS#7 bundles.
 */
import { Asn1 as ForgeAsn1, forge } from '../der/forge';
import { PkiError, isPkiError } from '../errors';
import { OID } from '../der/oids';
import { Tag, Tlv, children, contextTag, readOid, readOne, readSmallInt, readTlv } from '../der/reader';
import { PemBlock, isPemBlockError, kindOfLabel, looksLikePem, scanPem } from '../pem';
import type { Asn1Limits, BlockError, BlockSource, DecodedBlock } from '../types';
import { asn1Tree } from './asn1';
import { decodeCertificate, decodeCrl, decodeCsr } from './certificate';
import { decodePrivateKey, decodePublicKey, isPbeOid } from './keys';
import { decodePkcs12 } from './pkcs12';

export interface DecodeFileOptions {
  /** Used as a hint only (.p12 / .pfx files are PKCS#12 even when BER-encoded). */
  fileName?: string;
  /** Password of a PKCS#12 file ('' is tried when absent). Not used for anything else. */
  password?: string;
  /** Adds the raw ASN.1 tree to every block except private keys and PKCS#12 files. */
  asn1?: boolean | Asn1Limits;
}

function isTime(t: Tlv): boolean {
  return t.tag === Tag.UTCTime || t.tag === Tag.GeneralizedTime;
}

function kids(t: Tlv | undefined): Tlv[] {
  return t && t.tag & 0x20 ? children(t) : [];
}

/** Which of Certificate / CertificationRequest / CertificateList a signed structure is (by its TBS shape). */
function sniffSigned(tbs: Tlv): string {
  const tp = kids(tbs);
  if (tp[0] && tp[0].tag === 0xa0) return 'CERTIFICATE'; // [0] EXPLICIT version: v2/v3 certificates only
  if (tp.some(isTime)) return 'X509 CRL'; // thisUpdate sits directly in TBSCertList
  if (tp.some((x) => x.tag === Tag.SEQUENCE && kids(x).length === 2 && kids(x).every(isTime))) return 'CERTIFICATE'; // validity
  return 'CERTIFICATE REQUEST';
}

/** Guesses the PEM label a DER structure would carry. */
export function sniffDer(der: Buffer): { label: string } {
  const top = readOne(der);
  if (top.tag !== Tag.SEQUENCE) return { label: 'DER' };
  const k = children(top);
  const [a, b, c] = k;
  if (a?.tag === Tag.INTEGER && b?.tag === Tag.SEQUENCE && readSmallIntSafe(a) === 3) {
    const ct = kids(b)[0];
    if (ct?.tag === Tag.OID && readOid(ct) === OID.data) return { label: 'PKCS12' };
  }
  if (a?.tag === Tag.OID) return { label: readOid(a) === OID.signedData ? 'PKCS7' : 'DER' };
  if (k.length === 3 && a?.tag === Tag.SEQUENCE && b?.tag === Tag.SEQUENCE && c?.tag === Tag.BIT_STRING) return { label: sniffSigned(a) };
  if (k.length === 2 && a?.tag === Tag.SEQUENCE && b?.tag === Tag.BIT_STRING) return { label: 'PUBLIC KEY' };
  if (k.length === 2 && a?.tag === Tag.SEQUENCE && b?.tag === Tag.OCTET_STRING) {
    const oid = kids(a)[0];
    if (oid?.tag === Tag.OID && isPbeOid(readOid(oid))) return { label: 'ENCRYPTED PRIVATE KEY' };
  }
  if (a?.tag === Tag.INTEGER && b?.tag === Tag.SEQUENCE && c?.tag === Tag.OCTET_STRING) return { label: 'PRIVATE KEY' };
  if (a?.tag === Tag.INTEGER && b?.tag === Tag.OCTET_STRING && readSmallIntSafe(a) === 1) return { label: 'EC PRIVATE KEY' };
  if (k.length >= 2 && k.every((x) => x.tag === Tag.INTEGER)) {
    if (k.length >= 9) return { label: 'RSA PRIVATE KEY' };
    if (k.length === 6) return { label: 'DSA PRIVATE KEY' };
    if (k.length === 2) return { label: 'RSA PUBLIC KEY' };
  }
  return { label: 'DER' };
}

function readSmallIntSafe(t: Tlv): number {
  try {
    return readSmallInt(t);
  } catch {
    return -1;
  }
}

const WHAT: Record<string, string> = {
  certificate: 'certificate',
  csr: 'certificate request',
  crl: 'CRL',
  privateKey: 'private key',
  publicKey: 'public key',
  pkcs7: 'PKCS#7 file',
  pkcs12: 'PKCS#12 file',
  other: 'DER structure',
};

/** The error DTO of a block; bare reader messages ("Invalid DER: ...") get the block's type in front. */
function blockError(e: unknown, kind?: string): BlockError {
  const code = isPkiError(e) ? e.code : 'malformed';
  let message = e instanceof Error ? e.message : String(e);
  if (kind && message.startsWith('Invalid DER: ')) message = `Not a valid ${WHAT[kind] ?? kind}: ${message}`;
  if (/runs past the end of the data$/.test(message)) message += ' (the data looks truncated)';
  return { code, message };
}

function treeOf(der: Buffer, opt: DecodeFileOptions['asn1']) {
  if (!opt) return undefined;
  try {
    return asn1Tree(der, opt === true ? {} : opt);
  } catch {
    return undefined;
  }
}

/** Certificates and CRLs of a PKCS#7 SignedData (RFC 2315 §9.1), as DER. BER input falls back to forge's reader. */
export function pkcs7Contents(der: Buffer): { certificates: Buffer[]; crls: Buffer[] } {
  try {
    const [oid, content] = children(readOne(der));
    if (readOid(oid) !== OID.signedData) throw new PkiError('unsupported', 'Only PKCS#7 SignedData (certificate bundles) is supported');
    if (contextTag(content) !== 0) throw new PkiError('malformed', 'Not a valid PKCS#7 file: content missing');
    const sd = children(children(content)[0]);
    const certificates: Buffer[] = [];
    const crls: Buffer[] = [];
    for (const f of sd) {
      if (f.tag === 0xa0) for (const x of children(f)) certificates.push(Buffer.from(x.buf.subarray(x.start, x.end)));
      if (f.tag === 0xa1) for (const x of children(f)) crls.push(Buffer.from(x.buf.subarray(x.start, x.end)));
    }
    return { certificates, crls };
  } catch (e) {
    if (isPkiError(e) && e.code === 'unsupported') throw e;
    return pkcs7ContentsBer(der, e);
  }
}

/** PKCS#7 written with indefinite lengths (BER) by some tools: navigate with forge's lenient reader. */
function pkcs7ContentsBer(der: Buffer, first: unknown): { certificates: Buffer[]; crls: Buffer[] } {
  const toBuf = (a: ForgeAsn1) => Buffer.from(forge.asn1.toDer(a).getBytes(), 'binary');
  try {
    const top = forge.asn1.fromDer(der.toString('binary'), { strict: false, decodeBitStrings: false } as never);
    const content = (top.value as ForgeAsn1[])[1];
    const sd = (content.value as ForgeAsn1[])[0].value as ForgeAsn1[];
    const out = { certificates: [] as Buffer[], crls: [] as Buffer[] };
    for (const f of sd) {
      if (f.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && f.type === 0) out.certificates.push(...(f.value as ForgeAsn1[]).map(toBuf));
      if (f.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && f.type === 1) out.crls.push(...(f.value as ForgeAsn1[]).map(toBuf));
    }
    return out;
  } catch {
    const msg = isPkiError(first) ? first.message : first instanceof Error ? first.message : String(first);
    throw new PkiError('malformed', `Not a valid PKCS#7 file: ${msg}`);
  }
}

interface RawBlock {
  label: string;
  der: Buffer;
  headers: Record<string, string>;
  source: BlockSource;
}

function decodeOne(rb: RawBlock, bytes: Uint8Array, opts: DecodeFileOptions, out: DecodedBlock[]): void {
  const push = (b: DecodedBlock) => {
    b.source.index = out.length;
    out.push(b);
  };
  const kind = rb.label === 'PKCS12' ? 'pkcs12' : kindOfLabel(rb.label);
  const source = rb.source;
  try {
    switch (kind) {
      case 'certificate': {
        // TRUSTED CERTIFICATE (OpenSSL) appends trust settings after the certificate: decode the first TLV.
        const der = rb.label === 'TRUSTED CERTIFICATE' ? certificatePrefix(rb.der) : rb.der;
        push({ kind, source, info: decodeCertificate(der), asn1: treeOf(der, opts.asn1) });
        return;
      }
      case 'csr':
        push({ kind, source, info: decodeCsr(rb.der), asn1: treeOf(rb.der, opts.asn1) });
        return;
      case 'crl':
        push({ kind, source, info: decodeCrl(rb.der), asn1: treeOf(rb.der, opts.asn1) });
        return;
      case 'privateKey':
        push({ kind, source, info: decodePrivateKey({ label: rb.label, der: rb.der, headers: rb.headers }) });
        return;
      case 'publicKey':
        push({ kind, source, info: decodePublicKey({ label: rb.label, der: rb.der }), asn1: treeOf(rb.der, opts.asn1) });
        return;
      case 'pkcs12':
        try {
          push({ kind, source, info: decodePkcs12(bytes, opts.password ?? '') });
        } catch (e) {
          if (opts.password === undefined && isPkiError(e, 'wrong-passphrase')) {
            throw new PkiError('passphrase-required', 'This PKCS#12 file is protected by a password: give it with --passphrase-env VAR or --passphrase-file FILE');
          }
          throw e;
        }
        return;
      case 'pkcs7': {
        const { certificates, crls } = pkcs7Contents(rb.der);
        if (certificates.length + crls.length === 0) {
          push({ kind: 'pkcs7', source, info: { description: 'PKCS#7 SignedData without certificates or CRLs', derLength: rb.der.length } });
          return;
        }
        const inner = (label: string) => (der: Buffer) =>
          decodeOne({ label, der, headers: {}, source: { ...source, container: 'pkcs7' } }, bytes, opts, out);
        certificates.forEach(inner('CERTIFICATE'));
        crls.forEach(inner('X509 CRL'));
        return;
      }
      default:
        push({
          kind: 'other',
          source,
          info: { description: rb.label === 'DER' ? 'DER structure of an unrecognised type' : `PEM block "${rb.label}" (not decoded)`, derLength: rb.der.length },
          asn1: treeOf(rb.der, opts.asn1),
        });
    }
  } catch (e) {
    const b = { kind, source, error: blockError(e, kind) } as DecodedBlock;
    if (kind !== 'privateKey' && kind !== 'pkcs12') b.asn1 = treeOf(rb.der, opts.asn1);
    push(b);
  }
}

function certificatePrefix(der: Buffer): Buffer {
  const t = readTlv(der, 0, der.length);
  return der.subarray(0, t.end);
}

/**
 * Decodes every item of a file. PEM text yields one block per BEGIN/END pair (broken blocks carry
 * `error` and the others still decode); DER yields one block, or one per certificate/CRL of a
 * PKCS#7 bundle; PKCS#12 yields one block (opened with `opts.password`, '' when absent).
 * @throws PkiError('malformed') when the file is empty or neither PEM nor DER at all.
 */
export function decodeFile(bytes: Uint8Array, opts: DecodeFileOptions = {}): DecodedBlock[] {
  const out: DecodedBlock[] = [];
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length === 0) throw new PkiError('malformed', 'The file is empty');
  const p12Name = /\.(p12|pfx)$/i.test(opts.fileName ?? '');
  if (looksLikePem(buf) && !p12Name) {
    const items = scanPem(buf.toString('utf8'));
    for (const it of items) {
      if (isPemBlockError(it)) {
        out.push({ kind: kindForError(it.label), source: { index: out.length, label: it.label, encoding: 'pem', startLine: it.startLine }, error: blockError(it.error) } as DecodedBlock);
        continue;
      }
      decodeOne(rawFromPem(it), bytes, opts, out);
    }
    return out;
  }
  const source: BlockSource = { index: 0, label: 'DER', encoding: 'der' };
  if (buf[0] !== 0x30) {
    throw new PkiError('malformed', 'Neither PEM text nor a DER structure: no "-----BEGIN" line and the data does not start with a DER SEQUENCE');
  }
  let label: string;
  if (p12Name) label = 'PKCS12';
  else {
    try {
      label = sniffDer(buf).label;
    } catch (e) {
      // Not strict DER. A BER PKCS#12 (indefinite lengths) is still worth a try.
      if (buf[1] === 0x80 && buf.length > 4 && buf[2] === 0x02 && buf[3] === 0x01 && buf[4] === 0x03) label = 'PKCS12';
      else {
        const why = isPkiError(e) ? e.message.replace(/^Invalid DER: /, '') : String(e);
        out.push({ kind: 'other', source, error: blockError(new PkiError('malformed', `Not a valid DER file: ${why}`)) });
        return out;
      }
    }
  }
  decodeOne({ label, der: buf, headers: {}, source: { ...source, label: label === 'DER' ? 'DER' : `DER (${label})` } }, bytes, opts, out);
  return out;
}

function kindForError(label: string): DecodedBlock['kind'] {
  return kindOfLabel(label);
}

function rawFromPem(b: PemBlock): RawBlock {
  return { label: b.label, der: b.der, headers: b.headers, source: { index: 0, label: b.label, encoding: 'pem', startLine: b.startLine, endLine: b.endLine } };
}

/**
 * Certificates with attacker-chosen text (issue 9.4): built byte by byte (forge ASN.1 + node
 * signing) because no issuing tool lets through control characters, 10,000 SANs or 64 KB names.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import * as forge from 'node-forge';
import { contextExplicit, extension, octets, oid, seqOf, smallInt, time, toDer, uintFromHex } from '../../../src/core/der/build';
import { toPem } from '../../../src/core/pem';

const A = forge.asn1;
const utf8 = (s: string) => A.create(A.Class.UNIVERSAL, A.Type.UTF8, false, forge.util.encodeUtf8(s));
const ia5 = (tag: number, s: string) => A.create(A.Class.CONTEXT_SPECIFIC, tag, false, forge.util.encodeUtf8(s));

export const CN_OID = '2.5.4.3';
export const O_OID = '2.5.4.10';
export const OU_OID = '2.5.4.11';

/** Text a hostile CA might put in a certificate: markup, terminal escapes, bidi overrides. */
export const HOSTILE = {
  html: '<img src=x onerror=alert(1)><script>alert(2)</script>',
  ansi: 'evil\u001b[2J\u001b[31mRED\u0007\u0008\u0000end',
  rtl: 'invoice\u202Egpj.exe',
  newline: 'line1\nFAKE: Verified OK\r\nline3',
};

export interface HostileSpec {
  subject: [string, string][];
  /** DNS names (IA5String, written raw: anything goes). */
  dns?: string[];
  /** An extra non-critical extension with an arbitrary UTF8String value. */
  extraText?: string;
}

/** A self-signed P-256 certificate with exactly this subject and these SANs. */
export function hostileCert(spec: HostileSpec): { der: Buffer; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const name = seqOf(spec.subject.map(([o, v]) => A.create(A.Class.UNIVERSAL, A.Type.SET, true, [seqOf([oid(o), utf8(v)])])));
  const exts = [];
  if (spec.dns?.length) exts.push(extension('2.5.29.17', false, seqOf(spec.dns.map((d) => ia5(2, d)))));
  if (spec.extraText !== undefined) exts.push(extension('1.3.6.1.4.1.99999.1', false, utf8(spec.extraText)));
  const sigAlg = seqOf([oid('1.2.840.10045.4.3.2')]);
  const tbsParts = [
    contextExplicit(0, smallInt(2)),
    uintFromHex('0102'),
    sigAlg,
    name,
    seqOf([time(new Date('2025-06-01T00:00:00Z')), time(new Date('2027-06-01T00:00:00Z'))]),
    name,
    A.fromDer(forge.util.createBuffer(spki.toString('binary'))),
  ];
  if (exts.length) tbsParts.push(contextExplicit(3, seqOf(exts)));
  const tbs = toDer(seqOf(tbsParts));
  const sig = sign('sha256', tbs, privateKey);
  const der = toDer(seqOf([A.fromDer(forge.util.createBuffer(tbs.toString('binary'))), sigAlg, A.create(A.Class.UNIVERSAL, A.Type.BITSTRING, false, '\u0000' + sig.toString('binary'))]));
  void octets;
  return { der, pem: toPem('CERTIFICATE', der) };
}

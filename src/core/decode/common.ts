/**
 * Shared pieces of the decoders: names, keys, algorithms, digests and the extension table that
 * turns RawExtension values into ExtensionInfo DTOs. Pure functions over our own DER reader
 * (der/*): no node-forge in the certificate hot path.
 */
import { colonHex, digest } from '../digest';
import { KeySummary, SignatureAlgorithm, describeKey } from '../der/algorithms';
import {
  GeneralName,
  decodeAltNames,
  decodeAuthorityKeyId,
  decodeBasicConstraints,
  decodeCertificatePolicies,
  decodeCrlDistributionPoints,
  decodeCrlNumber,
  decodeExtKeyUsage,
  decodeInfoAccess,
  decodeKeyIdentifier,
  decodeKeyUsage,
  decodeNameConstraints,
  decodeSctCount,
  parseGeneralNames,
} from '../der/extensions';
import { ParsedName, formatName, formatNameOpenssl } from '../der/name';
import { OID, oidName } from '../der/oids';
import { Tag, contextTag, readOne, readSmallInt, readString, readTime, seq, value } from '../der/reader';
import { CRL_REASONS, RawExtension } from '../der/x509';
import type { AlgorithmInfo, ExtensionInfo, ExtensionValue, GeneralNameInfo, KeyInfo, NameInfo, SpkiDigest } from '../types';

export function nameInfo(n: ParsedName): NameInfo {
  const attributes: NameInfo['attributes'] = [];
  n.rdns.forEach((rdn, i) => {
    for (const a of rdn) attributes.push({ oid: a.oid, type: a.type, value: a.value, rdn: i });
  });
  return { text: formatName(n), openssl: formatNameOpenssl(n), attributes };
}

export function keyInfo(k: KeySummary): KeyInfo {
  const out: KeyInfo = { type: k.type, description: describeKey(k), algorithmOid: k.algorithmOid };
  if (k.bits !== undefined) out.bits = k.bits;
  if (k.curve !== undefined) out.curve = k.curve;
  if (k.type === 'unknown') out.description = `unknown (${knownAlgName(k.algorithmOid)})`;
  return out;
}

/** Names for algorithms der/oids.ts does not carry (post-quantum, X448, ...). */
const EXTRA_ALG_NAMES: Record<string, string> = {
  '2.16.840.1.101.3.4.3.17': 'ML-DSA-44',
  '2.16.840.1.101.3.4.3.18': 'ML-DSA-65',
  '2.16.840.1.101.3.4.3.19': 'ML-DSA-87',
  '1.3.101.111': 'X448',
  '1.2.840.113549.1.1.7': 'RSAES-OAEP',
  '1.2.643.7.1.1.1.1': 'GOST R 34.10-2012 (256)',
};

export function knownAlgName(oid: string): string {
  return EXTRA_ALG_NAMES[oid] ?? oidName(oid);
}

export function algorithmInfo(a: SignatureAlgorithm): AlgorithmInfo {
  return { name: a.name === a.oid ? knownAlgName(a.oid) : a.name, oid: a.oid };
}

export { colonHex, digest };

export function spkiDigest(spkiDer: Buffer): SpkiDigest {
  const d = digest('sha256', spkiDer);
  return { base64: d.toString('base64'), hex: d.toString('hex') };
}

export function iso(d: Date): string {
  const s = d.toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s;
}

function gn(n: GeneralName): GeneralNameInfo {
  return { type: n.type, value: n.value };
}

/** openssl's labels for GeneralName types ("DNS:example.com"). */
const GN_LABEL: Record<string, string> = { dns: 'DNS', email: 'email', uri: 'URI', ip: 'IP Address', dirName: 'DirName', rid: 'Registered ID', other: 'othername' };

export function gnText(n: GeneralNameInfo): string {
  return n.type === 'other' ? n.value : `${GN_LABEL[n.type] ?? n.type}:${n.value}`;
}

/** openssl's names for key usage bits (v3_bitst.c). */
const KU_TEXT: Record<string, string> = {
  digitalSignature: 'Digital Signature',
  nonRepudiation: 'Non Repudiation',
  keyEncipherment: 'Key Encipherment',
  dataEncipherment: 'Data Encipherment',
  keyAgreement: 'Key Agreement',
  keyCertSign: 'Certificate Sign',
  cRLSign: 'CRL Sign',
  encipherOnly: 'Encipher Only',
  decipherOnly: 'Decipher Only',
};

/** openssl's long names for EKU purposes. */
const EKU_TEXT: Record<string, string> = {
  [OID.serverAuth]: 'TLS Web Server Authentication',
  [OID.clientAuth]: 'TLS Web Client Authentication',
  [OID.codeSigning]: 'Code Signing',
  [OID.emailProtection]: 'E-mail Protection',
  [OID.timeStamping]: 'Time Stamping',
  [OID.ocspSigning]: 'OCSP Signing',
  [OID.anyExtendedKeyUsage]: 'Any Extended Key Usage',
  '1.3.6.1.4.1.311.10.3.3': 'Microsoft Server Gated Crypto',
  '2.16.840.1.113730.4.1': 'Netscape Server Gated Crypto',
  '1.3.6.1.5.5.7.3.5': 'IPSec End System',
  '1.3.6.1.5.5.7.3.6': 'IPSec Tunnel',
  '1.3.6.1.5.5.7.3.7': 'IPSec User',
  '1.3.6.1.5.5.7.3.17': 'ipsec Internet Key Exchange',
  '1.3.6.1.4.1.311.20.2.2': 'Microsoft Smartcard Login',
};

const EXT_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.1.3': 'qcStatements',
  '1.3.6.1.4.1.311.20.2': 'msCertificateTemplateName',
  '1.3.6.1.4.1.311.21.1': 'msCaVersion',
  '1.3.6.1.4.1.311.21.7': 'msCertificateTemplate',
  '1.3.6.1.4.1.311.21.10': 'msApplicationPolicies',
  '2.16.840.1.113730.1.2': 'netscapeBaseUrl',
  '2.16.840.1.113730.1.4': 'netscapeCaRevocationUrl',
  '2.16.840.1.113730.1.8': 'netscapeCaPolicyUrl',
  '1.2.840.113533.7.65.0': 'entrustVersionInfo',
  '2.5.29.16': 'privateKeyUsagePeriod',
  '2.5.29.9': 'subjectDirectoryAttributes',
};

export function extensionName(oid: string): string {
  return EXT_NAMES[oid] ?? oidName(oid);
}

function ekuName(oid: string): string {
  return EKU_TEXT[oid] ?? oidName(oid);
}

const POLICY_NAMES: Record<string, string> = {
  [OID.anyPolicy]: 'anyPolicy',
  '2.23.140.1.2.1': 'CA/B domain validated',
  '2.23.140.1.2.2': 'CA/B organization validated',
  '2.23.140.1.2.3': 'CA/B individual validated',
  '2.23.140.1.1': 'CA/B extended validation',
};

const NETSCAPE_CERT_TYPES = ['SSL Client', 'SSL Server', 'S/MIME', 'Object Signing', 'Unused', 'SSL CA', 'S/MIME CA', 'Object Signing CA'];

/** Decodes one extension value; returns [value, text]. Throws on malformed values. */
function decodeValue(oid: string, v: Buffer): [ExtensionValue, string] {
  switch (oid) {
    case OID.subjectAltName:
    case OID.issuerAltName: {
      const names = decodeAltNames(v).map(gn);
      return [{ kind: oid === OID.subjectAltName ? 'subjectAltName' : 'issuerAltName', names }, names.map(gnText).join(', ')];
    }
    case OID.certificateIssuer: {
      const names = parseGeneralNames(readOne(v)).map(gn);
      return [{ kind: 'certificateIssuer', names }, names.map(gnText).join(', ')];
    }
    case OID.basicConstraints: {
      const bc = decodeBasicConstraints(v);
      const val: ExtensionValue = { kind: 'basicConstraints', ca: bc.ca };
      if (bc.pathLen !== undefined) val.pathLen = bc.pathLen;
      return [val, `CA:${bc.ca ? 'TRUE' : 'FALSE'}${bc.pathLen !== undefined ? `, pathlen:${bc.pathLen}` : ''}`];
    }
    case OID.keyUsage: {
      const usages = decodeKeyUsage(v);
      return [{ kind: 'keyUsage', usages }, usages.map((u) => KU_TEXT[u]).join(', ') || '(none)'];
    }
    case OID.extKeyUsage: {
      const usages = decodeExtKeyUsage(v).map((o) => ({ oid: o, name: oidName(o) }));
      return [{ kind: 'extKeyUsage', usages }, usages.map((u) => ekuName(u.oid)).join(', ')];
    }
    case OID.subjectKeyIdentifier: {
      const keyId = colonHex(decodeKeyIdentifier(v));
      return [{ kind: 'subjectKeyIdentifier', keyId }, keyId];
    }
    case OID.authorityKeyIdentifier: {
      const a = decodeAuthorityKeyId(v);
      const val: ExtensionValue = { kind: 'authorityKeyIdentifier' };
      const parts: string[] = [];
      if (a.keyId) parts.push(`keyid:${(val.keyId = colonHex(a.keyId))}`);
      if (a.issuer) {
        val.issuer = a.issuer.map(gn);
        parts.push(val.issuer.map(gnText).join(', '));
      }
      if (a.serialHex) parts.push(`serial:${(val.serial = a.serialHex)}`);
      return [val, parts.join(', ') || '(empty)'];
    }
    case OID.nameConstraints: {
      const nc = decodeNameConstraints(v);
      const permitted = (nc.permitted ?? []).map(gn);
      const excluded = (nc.excluded ?? []).map(gn);
      const parts: string[] = [];
      if (permitted.length) parts.push(`Permitted: ${permitted.map(gnText).join(', ')}`);
      if (excluded.length) parts.push(`Excluded: ${excluded.map(gnText).join(', ')}`);
      return [{ kind: 'nameConstraints', permitted, excluded }, parts.join('; ')];
    }
    case OID.crlDistributionPoints:
    case OID.freshestCrl: {
      const points = decodeCrlDistributionPoints(v);
      const text = points.map((p) => [...p.uris.map((u) => `URI:${u}`), ...p.names].join(', ')).join('; ');
      return [{ kind: oid === OID.freshestCrl ? 'freshestCrl' : 'crlDistributionPoints', points }, text || '(no names)'];
    }
    case OID.authorityInfoAccess:
    case OID.subjectInfoAccess: {
      const access = decodeInfoAccess(v);
      return [
        { kind: oid === OID.authorityInfoAccess ? 'authorityInfoAccess' : 'subjectInfoAccess', access },
        access.map((a) => `${a.method} - ${a.location}`).join(', '),
      ];
    }
    case OID.certificatePolicies: {
      const policies = decodeCertificatePolicies(v).map((p) => ({ oid: p.oid, name: POLICY_NAMES[p.oid] ?? oidName(p.oid), qualifiers: p.qualifiers }));
      return [{ kind: 'certificatePolicies', policies }, policies.map((p) => `Policy: ${p.name === p.oid ? p.oid : `${p.name} (${p.oid})`}`).join(', ')];
    }
    case OID.policyConstraints: {
      const val: ExtensionValue = { kind: 'policyConstraints' };
      const parts: string[] = [];
      for (const p of seq(readOne(v), 'policyConstraints')) {
        const n = readSmallInt({ ...p, tag: Tag.INTEGER });
        if (contextTag(p) === 0) parts.push(`Require Explicit Policy:${(val.requireExplicitPolicy = n)}`);
        else if (contextTag(p) === 1) parts.push(`Inhibit Policy Mapping:${(val.inhibitPolicyMapping = n)}`);
      }
      return [val, parts.join(', ') || '(empty)'];
    }
    case OID.inhibitAnyPolicy: {
      const skipCerts = readSmallInt(readOne(v));
      return [{ kind: 'inhibitAnyPolicy', skipCerts }, String(skipCerts)];
    }
    case OID.sctList: {
      const count = decodeSctCount(v);
      return [{ kind: 'sctList', count }, `${count} signed certificate timestamp${count === 1 ? '' : 's'}`];
    }
    case OID.ctPoison:
      return [{ kind: 'ctPoison' }, 'precertificate (CT poison)'];
    case OID.crlNumber:
    case OID.deltaCrlIndicator: {
      const number = decodeCrlNumber(v);
      return [{ kind: oid === OID.crlNumber ? 'crlNumber' : 'deltaCrlIndicator', number }, number];
    }
    case OID.crlReason: {
      const code = value(readOne(v))[0];
      const reason = CRL_REASONS[code] ?? `reason ${code}`;
      return [{ kind: 'crlReason', reason }, reason];
    }
    case OID.invalidityDate: {
      const date = iso(readTime(readOne(v)));
      return [{ kind: 'invalidityDate', date }, date];
    }
    case OID.netscapeComment: {
      const text = readString(readOne(v));
      return [{ kind: 'text', text }, text];
    }
    case OID.netscapeCertType: {
      const t = readOne(v);
      const bits = value(t).subarray(1);
      const names = NETSCAPE_CERT_TYPES.filter((_, i) => bits[0] !== undefined && bits[0] & (0x80 >> i));
      return [{ kind: 'text', text: names.join(', ') }, names.join(', ')];
    }
    default:
      return [{ kind: 'raw', hex: v.toString('hex') }, rawText(v)];
  }
}

function rawText(v: Buffer): string {
  const hex = colonHex(v.subarray(0, 32));
  return v.length > 32 ? `${hex}… (${v.length} bytes)` : hex;
}

/** Turns raw extensions into DTOs. A value that fails to decode keeps its hex and an `error`. */
export function extensionInfos(exts: RawExtension[]): ExtensionInfo[] {
  return exts.map((e) => {
    const name = extensionName(e.oid);
    try {
      const r = decodeValue(e.oid, e.value); // indexed, not destructured: this runs per extension
      return { oid: e.oid, name, critical: e.critical, value: r[0], text: r[1] };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { oid: e.oid, name, critical: e.critical, value: { kind: 'raw', hex: e.value.toString('hex') }, text: rawText(e.value), error: message };
    }
  });
}

/** The SAN list of decoded extensions (empty when absent or undecodable). */
export function sansOf(exts: ExtensionInfo[]): GeneralNameInfo[] {
  for (const e of exts) if (e.value.kind === 'subjectAltName') return e.value.names;
  return [];
}

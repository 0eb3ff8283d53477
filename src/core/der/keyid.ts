import { decodeKeyIdentifier } from './extensions';
import { OID } from './oids';
import { ParsedCertificate, findExtension } from './x509';

/** The subjectKeyIdentifier bytes of a certificate, if it has the extension. */
export function decodeSubjectKeyIdOrUndefined(cert: ParsedCertificate): Buffer | undefined {
  const e = findExtension(cert.extensions, OID.subjectKeyIdentifier);
  return e ? decodeKeyIdentifier(e.value) : undefined;
}

export { decodeKeyIdentifier };

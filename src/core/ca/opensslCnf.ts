/**
 * openssl.cnf for our CA directories (the layout of the tutorials in shared/seeds), and a small
 * reader for the parts we honour: the CA_default policy section.
 */

export interface CnfOptions {
  /** Absolute path of the CA folder (openssl resolves `dir` against its working directory, so it must be absolute). */
  dir: string;
  /** "ca" for the root, "intermediate" for the intermediate. */
  name: 'ca' | 'intermediate';
  defaultDays: number;
  policy: string;
}

/** An openssl.cnf that `openssl ca` can use on the directory as it is. */
export function renderOpensslCnf(o: CnfOptions): string {
  const crlName = o.name === 'ca' ? 'ca.crl.pem' : 'intermediate.crl.pem';
  return `# OpenSSL CA configuration written by Workspace CA. \`openssl ca -config openssl.cnf\` works on
# this directory, and Workspace CA honours the policy chosen below (policy_match or policy_loose).

[ ca ]
default_ca = CA_default

[ CA_default ]
dir               = ${o.dir}
certs             = $dir/certs
crl_dir           = $dir/crl
new_certs_dir     = $dir/newcerts
database          = $dir/index.txt
serial            = $dir/serial
crlnumber         = $dir/crlnumber
private_key       = $dir/private/${o.name}.key.pem
certificate       = $dir/certs/${o.name}.cert.pem
crl               = $dir/crl/${crlName}
crl_extensions    = crl_ext
default_crl_days  = 30
# "default" lets OpenSSL pick the digest for the key: SHA-256 (RSA, EC), none (Ed25519).
default_md        = default
name_opt          = ca_default
cert_opt          = ca_default
default_days      = ${o.defaultDays}
preserve          = no
copy_extensions   = none
unique_subject    = no
policy            = ${o.policy}

# countryName, stateOrProvinceName and organizationName must match the CA; commonName is required.
[ policy_match ]
countryName             = match
stateOrProvinceName     = match
organizationName        = match
organizationalUnitName  = optional
commonName              = supplied
emailAddress            = optional

# Anything goes except a missing commonName.
[ policy_loose ]
countryName             = optional
stateOrProvinceName     = optional
localityName            = optional
organizationName        = optional
organizationalUnitName  = optional
commonName              = supplied
emailAddress            = optional

[ req ]
default_bits        = 2048
distinguished_name  = req_distinguished_name
string_mask         = utf8only
default_md          = sha256
x509_extensions     = v3_ca

[ req_distinguished_name ]
countryName                     = Country Name (2 letter code)
stateOrProvinceName             = State or Province Name
localityName                    = Locality Name
0.organizationName              = Organization Name
organizationalUnitName          = Organizational Unit Name
commonName                      = Common Name
emailAddress                    = Email Address

[ v3_ca ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, cRLSign, keyCertSign

[ v3_intermediate_ca ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, digitalSignature, cRLSign, keyCertSign

[ usr_cert ]
basicConstraints = critical, CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment
extendedKeyUsage = clientAuth, emailProtection

[ server_cert ]
basicConstraints = critical, CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer:always
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth

[ crl_ext ]
authorityKeyIdentifier = keyid:always
`;
}

/** Parses an openssl.cnf into sections of key → value (comments and $var expansion ignored). */
export function parseCnf(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = { default: {} };
  let section = 'default';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const sec = line.match(/^\[\s*([^\]]+?)\s*\]$/);
    if (sec) {
      section = sec[1];
      out[section] ??= {};
      continue;
    }
    const kv = line.match(/^([^=]+?)\s*=\s*(.*)$/);
    if (kv) out[section][kv[1].trim()] = kv[2].trim();
  }
  return out;
}

/** Policy field rules: field short name (C, ST, O, ...) → match | supplied | optional. */
export type Policy = Record<string, 'match' | 'supplied' | 'optional'>;

const LONG_TO_SHORT: Record<string, string> = {
  countryName: 'C',
  stateOrProvinceName: 'ST',
  localityName: 'L',
  organizationName: 'O',
  organizationalUnitName: 'OU',
  commonName: 'CN',
  emailAddress: 'emailAddress',
};

/** The policy a cnf names in its default CA section (or `override`), in field order. */
export function policyFromCnf(text: string, override?: string): Policy | undefined {
  const cnf = parseCnf(text);
  const caName = cnf['ca']?.['default_ca'] ?? 'CA_default';
  const name = override ?? cnf[caName]?.['policy'];
  if (!name) return undefined;
  const sec = cnf[name];
  if (!sec) return undefined;
  const p: Policy = {};
  for (const [k, v] of Object.entries(sec)) {
    const short = LONG_TO_SHORT[k.replace(/^\d+\./, '')] ?? k;
    if (v === 'match' || v === 'supplied' || v === 'optional') p[short] = v;
  }
  return p;
}

export const POLICY_MATCH: Policy = { C: 'match', ST: 'match', O: 'match', OU: 'optional', CN: 'supplied', emailAddress: 'optional' };
export const POLICY_LOOSE: Policy = { C: 'optional', ST: 'optional', L: 'optional', O: 'optional', OU: 'optional', CN: 'supplied', emailAddress: 'optional' };

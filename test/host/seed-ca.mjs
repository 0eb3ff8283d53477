// Builds a CA directory the way the openssl "CA tutorial" does (layout of `openssl ca`: certs/,
// private/, newcerts/, crl/, index.txt, serial; an intermediate/ beneath the root), using only the
// openssl CLI. The integration tests check that the tree reads a directory we did not write ourselves.
//
//   node test/host/seed-ca.mjs <dir>       (also imported by run-integration.mjs)
//
// Contents: root "Seed Root CA", intermediate "Seed Intermediate CA", leaf server.seed.test (valid),
// revoked.seed.test (revoked, keyCompromise), old.seed.test (expired in 2021), soon.seed.test (expires
// in ~10 days), a pending CSR pending.seed.test, and a CRL.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const CNF = (dir, policy, copyExt) => `[ ca ]
default_ca = CA_default
[ CA_default ]
dir = ${dir}
certs = $dir/certs
crl_dir = $dir/crl
new_certs_dir = $dir/newcerts
database = $dir/index.txt
serial = $dir/serial
crlnumber = $dir/crlnumber
private_key = $dir/private/${path.basename(dir) === 'intermediate' ? 'intermediate' : 'ca'}.key.pem
certificate = $dir/certs/${path.basename(dir) === 'intermediate' ? 'intermediate' : 'ca'}.cert.pem
crl = $dir/crl/${path.basename(dir) === 'intermediate' ? 'intermediate' : 'ca'}.crl.pem
default_md = sha256
default_days = 375
default_crl_days = 30
preserve = no
policy = ${policy}
unique_subject = no
${copyExt ? 'copy_extensions = copy' : ''}
[ policy_strict ]
commonName = supplied
[ policy_loose ]
commonName = supplied
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
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
[ server_cert ]
basicConstraints = CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer:always
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
`;

function ossl(args, cwd) {
  return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

function layout(dir, withCsr) {
  for (const d of ['certs', 'crl', 'newcerts', 'private', ...(withCsr ? ['csr'] : [])]) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.chmodSync(path.join(dir, 'private'), 0o700);
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'serial'), '1000\n');
  fs.writeFileSync(path.join(dir, 'crlnumber'), '1000\n');
}

/** The instant the seed's dates are chosen around; integration tests pin the extension's clock to it. */
export const SEED_NOW = new Date('2026-03-02T10:00:00Z');

const ecKey = (file) => ossl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);

/** Creates the seed CA under `dir` (must not exist yet). Returns paths the tests use. */
export function seedCa(dir) {
  dir = path.resolve(dir);
  const im = path.join(dir, 'intermediate');
  layout(dir, false);
  layout(im, true);
  fs.writeFileSync(path.join(dir, 'openssl.cnf'), CNF(dir, 'policy_strict', false));
  fs.writeFileSync(path.join(im, 'openssl.cnf'), CNF(im, 'policy_loose', true));

  ecKey(path.join(dir, 'private/ca.key.pem'));
  // Every date is fixed (no wall clock): the root is self-signed through `openssl ca -selfsign`,
  // which, unlike `req -x509` in OpenSSL 3.0, takes explicit start and end dates.
  ossl(['req', '-config', 'openssl.cnf', '-key', 'private/ca.key.pem', '-new', '-sha256', '-subj', '/CN=Seed Root CA', '-out', 'root.csr.pem'], dir);
  ossl(['ca', '-batch', '-config', 'openssl.cnf', '-selfsign', '-keyfile', 'private/ca.key.pem', '-extensions', 'v3_ca', '-notext', '-md', 'sha256',
    '-startdate', '20250101000000Z', '-enddate', '20450101000000Z', '-in', 'root.csr.pem', '-out', 'certs/ca.cert.pem'], dir);
  fs.rmSync(path.join(dir, 'root.csr.pem'));

  ecKey(path.join(im, 'private/intermediate.key.pem'));
  ossl(['req', '-config', 'intermediate/openssl.cnf', '-new', '-sha256', '-key', 'intermediate/private/intermediate.key.pem',
    '-subj', '/CN=Seed Intermediate CA', '-out', 'intermediate/csr/intermediate.csr.pem'], dir);
  ossl(['ca', '-batch', '-config', 'openssl.cnf', '-extensions', 'v3_intermediate_ca', '-startdate', '20250101000000Z', '-enddate', '20400101000000Z', '-notext', '-md', 'sha256',
    '-in', 'intermediate/csr/intermediate.csr.pem', '-out', 'intermediate/certs/intermediate.cert.pem'], dir);
  fs.writeFileSync(path.join(im, 'certs/ca-chain.cert.pem'),
    fs.readFileSync(path.join(im, 'certs/intermediate.cert.pem'), 'utf8') + fs.readFileSync(path.join(dir, 'certs/ca.cert.pem'), 'utf8'));

  const leaf = (cn, extra = []) => {
    ecKey(path.join(im, `private/${cn}.key.pem`));
    ossl(['req', '-config', 'intermediate/openssl.cnf', '-new', '-sha256', '-key', `intermediate/private/${cn}.key.pem`,
      '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}`, '-out', `intermediate/csr/${cn}.csr.pem`], dir);
    ossl(['ca', '-batch', '-config', 'intermediate/openssl.cnf', '-extensions', 'server_cert', '-notext', '-md', 'sha256',
      ...extra, '-in', `intermediate/csr/${cn}.csr.pem`, '-out', `intermediate/certs/${cn}.cert.pem`], dir);
  };
  const current = ['-startdate', '20260101000000Z', '-enddate', '20270101000000Z'];
  leaf('server.seed.test', current);
  leaf('revoked.seed.test', current);
  leaf('old.seed.test', ['-startdate', '20200101000000Z', '-enddate', '20210101000000Z']);
  // SEED_NOW + 10 days + 1 hour: "expires in 10 days" when the tests pin the clock to SEED_NOW.
  leaf('soon.seed.test', ['-startdate', '20260101000000Z', '-enddate', '20260312110000Z']);
  ossl(['ca', '-batch', '-config', 'intermediate/openssl.cnf', '-revoke', 'intermediate/certs/revoked.seed.test.cert.pem',
    '-crl_reason', 'keyCompromise'], dir);
  ossl(['ca', '-batch', '-config', 'intermediate/openssl.cnf', '-gencrl', '-out', 'intermediate/crl/intermediate.crl.pem'], dir);

  // a request nobody has signed yet: shows under "Pending requests"
  ecKey(path.join(im, 'private/pending.seed.test.key.pem'));
  ossl(['req', '-config', 'intermediate/openssl.cnf', '-new', '-sha256', '-key', 'intermediate/private/pending.seed.test.key.pem',
    '-subj', '/CN=pending.seed.test', '-out', 'intermediate/csr/pending.seed.test.csr.pem'], dir);
  return { dir, intermediate: im };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) { console.error('usage: seed-ca.mjs <dir>'); process.exit(2); }
  seedCa(dir);
  console.log(`seed CA in ${path.resolve(dir)}`);
}

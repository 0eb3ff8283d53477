/**
 * The CA directory: the walk-through of the tutorials through the CLI, interop with `openssl ca`
 * both ways, policy, renewal, file modes, and refusals that leave every file untouched.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { issue, signCsr } from '../../src/core/ca/ca';
import { parseIndex } from '../../src/core/ca/indexTxt';
import { createCsr } from '../../src/core/csr';
import { parseCrl } from '../../src/core/der/x509';
import { PkiError } from '../../src/core/errors';
import { generateKeyPair } from '../../src/core/keys';
import { splitPem } from '../../src/core/pem';
import { AT, NOW, cli, ctx, mode, openssl, opensslOk, rm, snapshot, tmpDir } from './support/pki';

const isErr = (code: string, msg: RegExp) => (e: unknown) => e instanceof PkiError && e.code === code && msg.test(e.message);

async function ok(argv: string[], cwd: string, env?: Record<string, string>) {
  const r = await cli(argv, { cwd, env });
  assert.equal(r.code, 0, `workspace-ca ${argv.join(' ')} failed: ${r.stderr}`);
  return r;
}

describe('CA directory: the walk-through', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = tmpDir('wca-walk-');
    await ok(['init', 'ca', '--cn', 'Example Root CA', '--org', 'Example', '--country', 'GB', '--state', 'England', '--key-type', 'p384'], dir);
    await ok(['intermediate', 'ca', '--cn', 'Example Intermediate CA', '--key-type', 'p256'], dir);
  });
  after(() => rm(dir));

  it('init and intermediate write the openssl layout with private folders 0700 and keys 0600', () => {
    for (const f of ['certs/ca.cert.pem', 'private/ca.key.pem', 'index.txt', 'index.txt.attr', 'serial', 'crlnumber', 'openssl.cnf', 'newcerts', 'crl', 'csr']) {
      assert.ok(fs.existsSync(path.join(dir, 'ca', f)), f);
    }
    for (const f of ['certs/intermediate.cert.pem', 'certs/ca-chain.cert.pem', 'private/intermediate.key.pem', 'csr/intermediate.csr.pem', 'index.txt', 'serial', 'crlnumber', 'openssl.cnf']) {
      assert.ok(fs.existsSync(path.join(dir, 'ca/intermediate', f)), f);
    }
    assert.equal(mode(path.join(dir, 'ca/private')), '700');
    assert.equal(mode(path.join(dir, 'ca/intermediate/private')), '700');
    assert.equal(mode(path.join(dir, 'ca/private/ca.key.pem')), '600');
    assert.equal(mode(path.join(dir, 'ca/intermediate/private/intermediate.key.pem')), '600');
    // The root's index records the intermediate; the chain is intermediate + root.
    const idx = parseIndex(fs.readFileSync(path.join(dir, 'ca/index.txt'), 'utf8'));
    assert.deepEqual(idx.map((e) => [e.status, e.serialHex, e.subject]), [['V', '1000', '/C=GB/ST=England/O=Example/CN=Example Intermediate CA']]);
    assert.equal(fs.readFileSync(path.join(dir, 'ca/serial'), 'utf8').trim(), '1001');
    const chain = splitPem(fs.readFileSync(path.join(dir, 'ca/intermediate/certs/ca-chain.cert.pem'), 'utf8'));
    assert.equal(chain.length, 2);
    assert.equal(opensslOk(['verify', '-x509_strict', '-attime', AT, '-CAfile', 'ca/certs/ca.cert.pem', 'ca/intermediate/certs/intermediate.cert.pem'], { cwd: dir }).trim(), 'ca/intermediate/certs/intermediate.cert.pem: OK');
  });

  it('issue writes key + CSR + certificate, appends index.txt, bumps serial; openssl verifies it', async () => {
    const r = await ok(['issue', 'ca', '--cn', 'www.example.com', '--san', 'DNS:www.example.com,IP:127.0.0.1', '--profile', 'server'], dir);
    assert.match(r.stdout, /Certificate: ca\/intermediate\/certs\/www.example.com.cert.pem \(serial 1000\)/);
    assert.match(r.stderr, /warning: The private key .*www.example.com.key.pem is not encrypted/);
    assert.equal(mode(path.join(dir, 'ca/intermediate/private/www.example.com.key.pem')), '600');
    const v = openssl(['verify', '-x509_strict', '-attime', AT, '-purpose', 'sslserver', '-CAfile', 'ca/intermediate/certs/ca-chain.cert.pem', 'ca/intermediate/certs/www.example.com.cert.pem'], { cwd: dir });
    assert.equal(v.stdout.trim(), 'ca/intermediate/certs/www.example.com.cert.pem: OK', v.stderr);
    assert.equal(opensslOk(['req', '-verify', '-noout', '-in', 'ca/intermediate/csr/www.example.com.csr.pem'], { cwd: dir }).trim() + openssl(['req', '-verify', '-noout', '-in', 'ca/intermediate/csr/www.example.com.csr.pem'], { cwd: dir }).stderr.trim(), 'Certificate request self-signature verify OK');
    assert.equal(fs.readFileSync(path.join(dir, 'ca/intermediate/serial'), 'utf8').trim(), '1001');
    assert.equal(fs.readFileSync(path.join(dir, 'ca/intermediate/newcerts/1000.pem'), 'utf8'), fs.readFileSync(path.join(dir, 'ca/intermediate/certs/www.example.com.cert.pem'), 'utf8'));
    const idx = parseIndex(fs.readFileSync(path.join(dir, 'ca/intermediate/index.txt'), 'utf8'));
    assert.deepEqual(idx.map((e) => [e.status, e.serialHex, e.subject]), [['V', '1000', '/C=GB/ST=England/O=Example/CN=www.example.com']]);
    // (openssl ca -status exits 1 even when it found the serial: read what it says.)
    assert.match(openssl(['ca', '-config', 'ca/intermediate/openssl.cnf', '-status', '1000'], { cwd: dir }).stderr, /1000=Valid \(V\)/);
  });

  it('revoke + crl: index says R with the reason, openssl -status agrees, the CRL verifies and lists it', async () => {
    await ok(['revoke', 'ca', 'ca/intermediate/certs/www.example.com.cert.pem', '--reason', 'keyCompromise'], dir);
    const line = fs.readFileSync(path.join(dir, 'ca/intermediate/index.txt'), 'utf8');
    assert.match(line, /^R\t\d{12}Z\t260101000000Z,keyCompromise\t1000\tunknown\t\/C=GB\/ST=England\/O=Example\/CN=www.example.com\n$/);
    assert.match(openssl(['ca', '-config', 'ca/intermediate/openssl.cnf', '-status', '1000'], { cwd: dir }).stderr, /1000=Revoked \(R\)/);
    const r = await ok(['crl', 'ca'], dir);
    assert.match(r.stdout, /CRL: ca\/intermediate\/crl\/intermediate.crl.pem \(1 revoked\)/);
    const crlV = openssl(['crl', '-in', 'ca/intermediate/crl/intermediate.crl.pem', '-CAfile', 'ca/intermediate/certs/ca-chain.cert.pem', '-noout'], { cwd: dir });
    assert.match(crlV.stderr + crlV.stdout, /verify OK/);
    const text = opensslOk(['crl', '-in', 'ca/intermediate/crl/intermediate.crl.pem', '-noout', '-text'], { cwd: dir });
    assert.match(text, /Serial Number: 1000\s+Revocation Date: Jan {2}1 00:00:00 2026 GMT\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Key Compromise/);
    assert.match(text, /X509v3 CRL Number:\s+4096/);
    assert.equal(fs.readFileSync(path.join(dir, 'ca/intermediate/crlnumber'), 'utf8').trim(), '1001');
    // openssl's own verify now refuses the certificate with the CRL.
    const withCrl = openssl(['verify', '-crl_check', '-attime', AT, '-CAfile', 'ca/intermediate/certs/ca-chain.cert.pem', '-CRLfile', 'ca/intermediate/crl/intermediate.crl.pem', 'ca/intermediate/certs/www.example.com.cert.pem'], { cwd: dir });
    assert.match(withCrl.stdout + withCrl.stderr, /certificate revoked/);
  });

  it('openssl ca can revoke a certificate we issued and -gencrl on our directory', async () => {
    await ok(['issue', 'ca', '--cn', 'api.example.com', '--profile', 'server'], dir);
    const rev = openssl(['ca', '-config', 'ca/intermediate/openssl.cnf', '-revoke', 'ca/intermediate/certs/api.example.com.cert.pem', '-crl_reason', 'superseded', '-batch'], { cwd: dir });
    assert.equal(rev.code, 0, rev.stderr);
    const idx = parseIndex(fs.readFileSync(path.join(dir, 'ca/intermediate/index.txt'), 'utf8'));
    assert.deepEqual(idx.map((e) => [e.status, e.serialHex, e.reason]), [['R', '1000', 'keyCompromise'], ['R', '1001', 'superseded']]);
    const gen = openssl(['ca', '-config', 'ca/intermediate/openssl.cnf', '-gencrl', '-out', 'openssl.crl.pem', '-batch'], { cwd: dir });
    assert.equal(gen.code, 0, gen.stderr);
    const crl = parseCrl(splitPem(fs.readFileSync(path.join(dir, 'openssl.crl.pem'), 'utf8'))[0].der);
    assert.deepEqual(crl.entries.map((e) => [e.serialHex, e.reason]), [['1000', 'keyCompromise'], ['1001', 'superseded']]);
    // And our tools keep working after openssl touched the database.
    const r = await ok(['issue', 'ca', '--cn', 'next.example.com'], dir);
    assert.match(r.stdout, /serial 1002/);
  });

  it('renew re-signs the kept CSR, replaces the file, and revokes the old one as superseded', async () => {
    await ok(['issue', 'ca', '--cn', 'renew.example.com', '--days', '30'], dir);
    const before = fs.readFileSync(path.join(dir, 'ca/intermediate/certs/renew.example.com.cert.pem'), 'utf8');
    const r = await ok(['renew', 'ca', 'ca/intermediate/certs/renew.example.com.cert.pem', '--days', '90'], dir);
    assert.match(r.stdout, /Renewed: .* \(serial 1004\); serial 1003 revoked \(superseded\)/);
    const after = fs.readFileSync(path.join(dir, 'ca/intermediate/certs/renew.example.com.cert.pem'), 'utf8');
    assert.notEqual(after, before);
    assert.match(opensslOk(['x509', '-noout', '-enddate', '-serial'], { input: after }), /notAfter=Apr {2}1 00:00:00 2026 GMT\nserial=1004/);
    const idx = parseIndex(fs.readFileSync(path.join(dir, 'ca/intermediate/index.txt'), 'utf8'));
    assert.deepEqual(idx.slice(-2).map((e) => [e.status, e.serialHex, e.reason]), [['R', '1003', 'superseded'], ['V', '1004', undefined]]);
    assert.equal(openssl(['verify', '-x509_strict', '-attime', AT, '-CAfile', 'ca/intermediate/certs/ca-chain.cert.pem'], { input: after, cwd: dir }).code, 0);
  });

  it('sign: a CSR from elsewhere is signed under policy_match; a mismatching one is refused and nothing changes', async () => {
    const k = (await generateKeyPair('p256')).privateKey;
    fs.writeFileSync(path.join(dir, 'good.csr'), createCsr({ privateKey: k, subject: { C: 'GB', ST: 'England', O: 'Example', CN: 'good.example.com' }, sans: [{ type: 'dns', value: 'good.example.com' }] }).pem);
    fs.writeFileSync(path.join(dir, 'bad.csr'), createCsr({ privateKey: k, subject: { C: 'FR', O: 'Other', CN: 'bad.example.com' } }).pem);
    const r = await ok(['sign', 'ca', 'good.csr', '--profile', 'server'], dir);
    assert.match(r.stdout, /certs\/good.example.com.cert.pem/);
    const snap = snapshot(dir);
    const bad = await cli(['sign', 'ca', 'bad.csr', '--profile', 'server'], { cwd: dir });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /The CA policy refuses this request: C must be the same as the CA's \("GB"\), the request has "FR"; ST must be the same as the CA's \("England"\), the request has ""; O must be the same as the CA's \("Example"\), the request has "Other"/);
    assert.deepEqual(snapshot(dir), snap);
    // policy_loose (or --policy none) lets it through.
    const loose = await cli(['sign', 'ca', 'bad.csr', '--profile', 'client', '--policy', 'policy_loose'], { cwd: dir });
    assert.equal(loose.code, 0, loose.stderr);
  });

  it('a CSR whose signature fails is refused, and nothing changes', async () => {
    const k = (await generateKeyPair('p256')).privateKey;
    const csr = createCsr({ privateKey: k, subject: { C: 'GB', ST: 'England', O: 'Example', CN: 'tamper.example.com' } });
    const der = Buffer.from(csr.der);
    const i = der.indexOf(Buffer.from('tamper'));
    der[i] = 'T'.charCodeAt(0);
    fs.writeFileSync(path.join(dir, 'tampered.csr'), der);
    const snap = snapshot(dir);
    const r = await cli(['sign', 'ca', 'tampered.csr'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The CSR signature does not verify: the request was altered or was not signed with its key\. Refusing to sign it\./);
    assert.deepEqual(snapshot(dir), snap);
  });

  it('never overwrites: issuing the same name twice is refused and leaves the files as they were', async () => {
    const snap = snapshot(dir);
    const r = await cli(['issue', 'ca', '--cn', 'good.example.com'], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /good.example.com.* already exists: choose another --name, or renew\/revoke the existing certificate/);
    assert.deepEqual(snapshot(dir), snap);
    const again = await cli(['init', 'ca', '--cn', 'Another Root'], { cwd: dir });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /A CA already exists in .*refusing to overwrite it/);
    assert.deepEqual(snapshot(dir), snap);
  });

  it('names typed by the user cannot leave the CA directory', async () => {
    const snap = snapshot(dir);
    for (const name of ['../../etc/x', '/etc/passwd', 'a/b']) {
      const r = await cli(['issue', 'ca', '--cn', 'x.example.com', '--name', name], { cwd: dir });
      assert.equal(r.code, 2, name);
      assert.match(r.stderr, /cannot be used as a file name: it contains a path separator or "\.\."/);
    }
    assert.deepEqual(snapshot(dir), snap);
  });
});

describe('CA directory: encrypted keys and passphrases', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = tmpDir('wca-pass-')));
  after(() => rm(dir));

  it('encrypts CA keys with --passphrase-env, unlocks them when signing, refuses a wrong one without changing files', async () => {
    const env = { CA_PASS: 'root-secret', INT_PASS: 'int-secret', WRONG: 'nope-nope' };
    await ok(['init', 'ca', '--cn', 'Enc Root', '--key-type', 'p256', '--passphrase-env', 'CA_PASS'], dir, env);
    assert.match(fs.readFileSync(path.join(dir, 'ca/private/ca.key.pem'), 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
    assert.equal(openssl(['pkey', '-in', 'ca/private/ca.key.pem', '-passin', 'pass:root-secret', '-noout'], { cwd: dir }).code, 0);
    await ok(['intermediate', 'ca', '--cn', 'Enc Int', '--key-type', 'p256', '--passphrase-env', 'INT_PASS', '--ca-passphrase-env', 'CA_PASS'], dir, env);
    fs.writeFileSync(path.join(dir, 'pw.txt'), 'int-secret\n');
    await ok(['issue', 'ca', '--cn', 'enc.example.com', '--ca-passphrase-file', 'pw.txt'], dir, env);
    const snap = snapshot(dir);
    const r = await cli(['issue', 'ca', '--cn', 'enc2.example.com', '--ca-passphrase-env', 'WRONG'], { cwd: dir, env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Wrong passphrase: the private key could not be decrypted/);
    assert.deepEqual(snapshot(dir), snap);
    const none = await cli(['issue', 'ca', '--cn', 'enc3.example.com'], { cwd: dir, env });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /is encrypted: a passphrase is needed/);
    assert.deepEqual(snapshot(dir), snap);
  });

  it('passphrases are never accepted on the command line', async () => {
    const r = await cli(['init', 'ca2', '--cn', 'x', '--passphrase', 'secret'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option --passphrase/);
    assert.equal(fs.existsSync(path.join(dir, 'ca2')), false);
  });
});

describe('CA directory: one made by the tutorial openssl commands is used by our issue', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = tmpDir('wca-tut-')));
  after(() => rm(dir));

  it('root + intermediate by openssl (serial 1000), then workspace-ca issue, then openssl ca -status sees it', async () => {
    const root = path.join(dir, 'ca');
    const inter = path.join(root, 'intermediate');
    for (const d of ['certs', 'crl', 'newcerts', 'private', 'intermediate/certs', 'intermediate/crl', 'intermediate/csr', 'intermediate/newcerts', 'intermediate/private']) fs.mkdirSync(path.join(root, d), { recursive: true });
    for (const d of [root, inter]) {
      fs.writeFileSync(path.join(d, 'index.txt'), '');
      fs.writeFileSync(path.join(d, 'serial'), '1000\n');
      fs.writeFileSync(path.join(d, 'crlnumber'), '1000\n');
    }
    const cnf = (d: string, key: string, cert: string, policy: string) => `[ ca ]\ndefault_ca = CA_default\n[ CA_default ]\ndir = ${d}\ncerts = $dir/certs\nnew_certs_dir = $dir/newcerts\ndatabase = $dir/index.txt\nserial = $dir/serial\ncrlnumber = $dir/crlnumber\nprivate_key = $dir/private/${key}\ncertificate = $dir/certs/${cert}\ndefault_md = sha256\npolicy = ${policy}\ndefault_days = 375\n[ policy_strict ]\ncountryName = match\nstateOrProvinceName = match\norganizationName = match\ncommonName = supplied\n[ policy_loose ]\ncountryName = optional\ncommonName = supplied\n[ req ]\ndistinguished_name = dn\nstring_mask = utf8only\n[ dn ]\n[ v3_ca ]\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always,issuer\nbasicConstraints = critical, CA:true\nkeyUsage = critical, digitalSignature, cRLSign, keyCertSign\n[ v3_intermediate_ca ]\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always,issuer\nbasicConstraints = critical, CA:true, pathlen:0\nkeyUsage = critical, digitalSignature, cRLSign, keyCertSign\n`;
    fs.writeFileSync(path.join(root, 'openssl.cnf'), cnf(root, 'ca.key.pem', 'ca.cert.pem', 'policy_strict'));
    fs.writeFileSync(path.join(inter, 'openssl.cnf'), cnf(inter, 'intermediate.key.pem', 'intermediate.cert.pem', 'policy_loose'));
    // Fixed dates (not the wall clock): self-signed root through `openssl ca -selfsign`.
    opensslOk(['genrsa', '-out', 'ca/private/ca.key.pem', '2048'], { cwd: dir });
    opensslOk(['req', '-config', 'ca/openssl.cnf', '-new', '-key', 'ca/private/ca.key.pem', '-subj', '/C=GB/ST=England/O=Tutorial Ltd/CN=Tutorial Root CA', '-out', 'ca/root.csr'], { cwd: dir });
    opensslOk(['ca', '-config', 'ca/openssl.cnf', '-selfsign', '-keyfile', 'ca/private/ca.key.pem', '-in', 'ca/root.csr', '-out', 'ca/certs/ca.cert.pem', '-extensions', 'v3_ca', '-startdate', '20250101000000Z', '-enddate', '20450101000000Z', '-batch', '-notext'], { cwd: dir });
    opensslOk(['genrsa', '-out', 'ca/intermediate/private/intermediate.key.pem', '2048'], { cwd: dir });
    opensslOk(['req', '-config', 'ca/intermediate/openssl.cnf', '-new', '-key', 'ca/intermediate/private/intermediate.key.pem', '-subj', '/C=GB/ST=England/O=Tutorial Ltd/CN=Tutorial Intermediate CA', '-out', 'ca/intermediate/csr/intermediate.csr.pem'], { cwd: dir });
    opensslOk(['ca', '-config', 'ca/openssl.cnf', '-extensions', 'v3_intermediate_ca', '-in', 'ca/intermediate/csr/intermediate.csr.pem', '-out', 'ca/intermediate/certs/intermediate.cert.pem', '-startdate', '20250101000000Z', '-enddate', '20400101000000Z', '-batch', '-notext'], { cwd: dir });
    fs.writeFileSync(path.join(inter, 'certs/ca-chain.cert.pem'), fs.readFileSync(path.join(inter, 'certs/intermediate.cert.pem'), 'utf8') + fs.readFileSync(path.join(root, 'certs/ca.cert.pem'), 'utf8'));

    const r = await ok(['issue', 'ca', '--cn', 'www.tutorial.test', '--san', 'DNS:www.tutorial.test,DNS:tutorial.test'], dir);
    assert.match(r.stdout, /serial 1000/);
    assert.equal(openssl(['verify', '-x509_strict', '-attime', AT, '-CAfile', 'ca/intermediate/certs/ca-chain.cert.pem', 'ca/intermediate/certs/www.tutorial.test.cert.pem'], { cwd: dir }).stdout.trim(), 'ca/intermediate/certs/www.tutorial.test.cert.pem: OK');
    assert.match(openssl(['ca', '-config', 'ca/intermediate/openssl.cnf', '-status', '1000'], { cwd: dir }).stderr, /1000=Valid \(V\)/);
    // openssl ca keeps going after us: it takes serial 1001.
    opensslOk(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'o.key', '-subj', '/C=GB/CN=openssl.tutorial.test', '-out', 'o.csr', '-config', 'ca/intermediate/openssl.cnf'], { cwd: dir });
    const after = openssl(['ca', '-config', 'ca/intermediate/openssl.cnf', '-in', 'o.csr', '-out', 'o.pem', '-batch', '-notext', '-startdate', '20260101000000Z', '-enddate', '20270101000000Z'], { cwd: dir });
    assert.equal(after.code, 0, after.stderr);
    assert.equal(opensslOk(['x509', '-noout', '-serial', '-in', 'o.pem'], { cwd: dir }).trim(), 'serial=1001');
  });
});

describe('CA directory: concurrent issuance in one process', function () {
  this.timeout(120_000);
  it('40 issuances at once get distinct serials and a well-formed index', async () => {
    const dir = tmpDir('wca-conc-');
    try {
      await ok(['init', 'ca', '--cn', 'Conc Root', '--key-type', 'p256'], dir);
      const c = ctx();
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => issue(c, path.join(dir, 'ca'), { profile: 'client', subject: { CN: `c${i}` }, keyType: 'p256' })));
      const serials = results.map((r) => r.serialHex).sort();
      assert.equal(new Set(serials).size, 40);
      const idx = parseIndex(fs.readFileSync(path.join(dir, 'ca/index.txt'), 'utf8'));
      assert.equal(idx.length, 40);
      assert.deepEqual(idx.map((e) => e.serialHex).sort(), serials);
      assert.equal(fs.readFileSync(path.join(dir, 'ca/serial'), 'utf8').trim(), (0x1000 + 40).toString(16).toUpperCase());
      assert.equal(fs.existsSync(path.join(dir, 'ca/.workspace-ca.lock')), false);
      const gen = openssl(['ca', '-config', 'ca/openssl.cnf', '-gencrl', '-out', 'x.crl', '-batch'], { cwd: dir });
      assert.equal(gen.code, 0, gen.stderr);
    } finally {
      rm(dir);
    }
  });

  it('an interrupted issuance (certificate in newcerts/, no index line) is rolled forward, not reused', async () => {
    const dir = tmpDir('wca-rec-');
    try {
      await ok(['init', 'ca', '--cn', 'Rec Root', '--key-type', 'p256'], dir);
      const c = ctx();
      await issue(c, path.join(dir, 'ca'), { profile: 'client', subject: { CN: 'first' }, keyType: 'p256' });
      // Simulate a crash after newcerts/1001.pem was written: put a signed certificate there and roll back index + serial.
      const indexBefore = fs.readFileSync(path.join(dir, 'ca/index.txt'), 'utf8');
      await issue(c, path.join(dir, 'ca'), { profile: 'client', subject: { CN: 'second' }, keyType: 'p256' });
      fs.writeFileSync(path.join(dir, 'ca/index.txt'), indexBefore);
      fs.writeFileSync(path.join(dir, 'ca/serial'), '1001\n');
      const third = await issue(c, path.join(dir, 'ca'), { profile: 'client', subject: { CN: 'third' }, keyType: 'p256' });
      assert.equal(third.serialHex, '1002');
      const idx = parseIndex(fs.readFileSync(path.join(dir, 'ca/index.txt'), 'utf8'));
      assert.deepEqual(idx.map((e) => [e.serialHex, e.subject]), [['1000', '/CN=first'], ['1001', '/CN=second'], ['1002', '/CN=third']]);
    } finally {
      rm(dir);
    }
  });
});

describe('CA directory: missing CA files are clear errors', () => {
  it('issue in a folder without a CA', async () => {
    const dir = tmpDir('wca-none-');
    try {
      const r = await cli(['issue', 'nothing', '--cn', 'x.example.com'], { cwd: dir });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /No CA in .*nothing: expected .*nothing\/certs\/ca.cert.pem \(run workspace-ca init first\)/);
      assert.deepEqual(fs.readdirSync(dir), []);
    } finally {
      rm(dir);
    }
  });

  it('signCsr with a missing CA key says which file is missing', async () => {
    const dir = tmpDir('wca-nokey-');
    try {
      await ok(['init', 'ca', '--cn', 'Root', '--key-type', 'p256', '--policy', 'policy_loose'], dir);
      fs.rmSync(path.join(dir, 'ca/private/ca.key.pem'));
      const k = (await generateKeyPair('p256')).privateKey;
      const snap = snapshot(dir);
      await assert.rejects(signCsr(ctx(), path.join(dir, 'ca'), Buffer.from(createCsr({ privateKey: k, subject: { CN: 'a.example.com' } }).pem), { profile: 'server' }), isErr('not-found', /The CA private key is missing: .*ca\/private\/ca.key.pem/));
      assert.deepEqual(snapshot(dir), snap);
    } finally {
      rm(dir);
    }
  });
});

void NOW;

describe('CA directory: a server certificate carries its host-name CN as a SAN', function () {
  this.timeout(60_000);
  it('issue --cn www.example.com --san DNS:api.example.com → both names, and our verify accepts either host', async () => {
    const dir = tmpDir('wca-cnsan-');
    try {
      await ok(['init', 'ca', '--cn', 'CN Root', '--key-type', 'p256'], dir);
      await ok(['issue', 'ca', '--cn', 'www.example.com', '--san', 'DNS:api.example.com', '--key-type', 'p256'], dir);
      const text = opensslOk(['x509', '-noout', '-ext', 'subjectAltName', '-in', 'ca/certs/www.example.com.cert.pem'], { cwd: dir });
      assert.match(text, /DNS:www.example.com, DNS:api.example.com/);
      for (const host of ['www.example.com', 'api.example.com']) {
        const v = await cli(['verify', 'ca/certs/www.example.com.cert.pem', '--ca', 'ca/certs/ca.cert.pem', '--host', host], { cwd: dir });
        assert.equal(v.code, 0, v.stdout + v.stderr);
      }
      // A CN that is not a host name (a person, a service label) is not turned into a SAN.
      await ok(['issue', 'ca', '--cn', 'Build Service', '--san', 'DNS:build.example.com', '--key-type', 'p256', '--name', 'build'], dir);
      assert.match(opensslOk(['x509', '-noout', '-ext', 'subjectAltName', '-in', 'ca/certs/build.cert.pem'], { cwd: dir }), /^\s*DNS:build.example.com\s*$/m);
    } finally {
      rm(dir);
    }
  });
});

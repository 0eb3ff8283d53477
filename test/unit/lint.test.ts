/**
 * Private-CA lint: every rule with a passing and a failing certificate (table-driven, code,
 * severity and message asserted), the pre-issuance lint, its enforcement in issue()/signCsr()
 * and the CLI, expiryStatus. Bad certificates come from the openssl CLI (the oracle) in a temp
 * dir, or from issueCertificate where it can express the case. Fixed clock throughout.
 */
import * as assert from 'node:assert/strict';
import { KeyObject, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initRoot, issue, signCsr } from '../../src/core/ca/ca';
import { IndexEntry, parseIndex } from '../../src/core/ca/indexTxt';
import { createCsr } from '../../src/core/csr';
import { formatNameOpenssl } from '../../src/core/der/name';
import { ParsedCertificate, parseCertificate } from '../../src/core/der/x509';
import { PkiError } from '../../src/core/errors';
import { expiryStatus } from '../../src/core/expiry';
import { IssueRequest, addDays, issueCertificate } from '../../src/core/issue';
import { spkiOf } from '../../src/core/keys';
import { Finding, LINT_CODES, LintCode, LintContext, LintError, Severity, enforceIssueLint, lintCertificate, lintFile, lintIssueRequest } from '../../src/core/lint';
import { splitPem } from '../../src/core/pem';
import { cli, ctx, openssl, opensslOk, rm, tmpDir } from './support/pki';

const NOW = new Date('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

function ecKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

/** Our own test PKI (issueCertificate, fixed clock). */
class Pki {
  rootKey = ecKey();
  interKey = ecKey();
  leafKey = ecKey();
  root = parseCertificate(
    issueCertificate({ profile: 'root-ca', subject: { CN: 'Lint Root' }, publicKey: spkiOf(this.rootKey), notBefore: NOW, notAfter: addDays(NOW, 3650) }, { privateKey: this.rootKey }).der,
  );
  inter = parseCertificate(
    issueCertificate(
      { profile: 'intermediate-ca', subject: { CN: 'Lint Intermediate' }, publicKey: spkiOf(this.interKey), notBefore: NOW, notAfter: addDays(NOW, 1825), nameConstraints: { permitted: [{ type: 'dns', value: 'example.com' }] } },
      { cert: this.root, privateKey: this.rootKey },
    ).der,
  );
  leaf(req: Partial<IssueRequest> & { days?: number } = {}): ParsedCertificate {
    const { days, ...rest } = req;
    const full: IssueRequest = {
      profile: 'server',
      subject: { CN: 'www.example.com' },
      publicKey: spkiOf(this.leafKey),
      sans: [{ type: 'dns', value: 'www.example.com' }],
      notBefore: NOW,
      notAfter: addDays(NOW, days ?? 375),
      ...rest,
    };
    return parseCertificate(issueCertificate(full, { cert: this.inter, privateKey: this.interKey }).der);
  }
}

const CNF = `
[req]
distinguished_name = dn
[dn]
[ca_ok]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca_bc_noncrit]
basicConstraints = CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
[ca_no_kcs]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, cRLSign
[ca_no_ku]
basicConstraints = critical, CA:TRUE
[kcs_no_bc]
keyUsage = critical, keyCertSign, digitalSignature
[server_ok]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[server_no_san]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = serverAuth
[server_no_eku]
basicConstraints = critical, CA:FALSE
subjectAltName = DNS:www.example.com
[client_dns]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = clientAuth
subjectAltName = DNS:svc.example.com
[unknown_crit]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.com
1.2.3.4 = critical, DER:05:00
[unknown_noncrit]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.com
1.2.3.4 = DER:05:00
`;

/** Certificates made by the openssl CLI (real clock: lint them at notBefore + 1 day). */
class OpensslCerts {
  readonly dir = tmpDir('wca-lint-');
  constructor() {
    fs.writeFileSync(path.join(this.dir, 'o.cnf'), CNF);
    this.run(['ecparam', '-genkey', '-name', 'prime256v1', '-noout', '-out', 'ec.key']);
    this.run(['req', '-new', '-key', 'ec.key', '-subj', '/CN=www.example.com', '-out', 'leaf.csr']);
    this.run(['req', '-x509', '-config', 'o.cnf', '-extensions', 'ca_ok', '-key', 'ec.key', '-subj', '/CN=Openssl CA', '-days', '30', '-out', 'ca.pem']);
  }
  run(args: string[]): string {
    return opensslOk(args, { cwd: this.dir });
  }
  read(name: string): ParsedCertificate {
    return parseCertificate(splitPem(fs.readFileSync(path.join(this.dir, name), 'utf8'))[0].der);
  }
  /** Self-signed with an extension section of o.cnf. */
  self(name: string, section: string, extra: string[] = [], subj = '/CN=www.example.com'): ParsedCertificate {
    this.run(['req', '-x509', '-config', 'o.cnf', '-extensions', section, '-key', 'ec.key', '-subj', subj, '-days', '365', '-out', name, ...extra]);
    return this.read(name);
  }
  /** Signed by ca.pem; no section = no extensions (a v1 certificate). */
  signed(name: string, section: string | undefined, extra: string[] = [], serial = '0x1234'): ParsedCertificate {
    const ext = section ? ['-extfile', 'o.cnf', '-extensions', section] : [];
    this.run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ec.key', '-days', '20', '-set_serial', serial, '-out', name, ...ext, ...extra]);
    return this.read(name);
  }
  cleanup(): void {
    rm(this.dir);
  }
}

interface Case {
  name: string;
  code: LintCode;
  /** undefined: the code must be absent (a pass case). */
  severity?: Severity;
  message?: RegExp;
  cert: () => ParsedCertificate;
  ctx?: (cert: ParsedCertificate) => Partial<LintContext>;
}

function findingOf(findings: Finding[], code: LintCode): Finding | undefined {
  return findings.find((f) => f.code === code);
}

describe('lint: lintCertificate rules', function () {
  this.timeout(60_000);
  let pki: Pki;
  let o: OpensslCerts;
  const cache = new Map<string, ParsedCertificate>();
  const once = (k: string, f: () => ParsedCertificate) => () => {
    if (!cache.has(k)) cache.set(k, f());
    return cache.get(k)!;
  };
  /** openssl certificates: lint one day after they start, no expiry findings in the way. */
  const atStart = (c: ParsedCertificate): Partial<LintContext> => ({ now: new Date(c.notBefore.getTime() + DAY) });

  before(() => {
    pki = new Pki();
    o = new OpensslCerts();
  });
  after(() => o?.cleanup());

  const good = once('good', () => pki.leaf());
  const cases: Case[] = [
    // version
    { name: 'v3 certificate passes', code: 'v1-certificate', cert: good },
    { name: 'v1 certificate (openssl x509 -req without extensions)', code: 'v1-certificate', severity: 'error', message: /is an X\.509 v1 certificate: it cannot carry extensions/, cert: once('v1', () => o.signed('v1.pem', undefined)), ctx: atStart },
    { name: 'self-signed v1 root is a warning', code: 'v1-certificate', severity: 'warning', message: /OpenSSL still accepts it as a trust anchor/, cert: once('v1self', () => (o.run(['x509', '-req', '-in', 'leaf.csr', '-signkey', 'ec.key', '-days', '30', '-out', 'v1self.pem']), o.read('v1self.pem'))), ctx: atStart },
    // serial
    { name: 'positive serial passes', code: 'serial-not-positive', cert: good },
    { name: 'negative serial', code: 'serial-not-positive', severity: 'error', message: /has a negative serial number: RFC 5280 §4\.1\.2\.2/, cert: once('neg', () => o.signed('neg.pem', 'server_ok', [], '-5')), ctx: atStart },
    { name: 'zero serial', code: 'serial-not-positive', severity: 'error', message: /has a zero serial number/, cert: once('zero', () => o.signed('zero.pem', 'server_ok', [], '0')), ctx: atStart },
    { name: '21-octet serial', code: 'serial-too-long', severity: 'warning', message: /21-octet serial number/, cert: once('long', () => o.signed('long.pem', 'server_ok', [], '0x01' + '00'.repeat(20))), ctx: atStart },
    // duplicate serial
    { name: 'serial listed once for this certificate passes', code: 'duplicate-serial', cert: good, ctx: (c) => ({ index: [indexLine(c, formatNameOpenssl(c.subject))] }) },
    {
      name: 'serial already used by another certificate',
      code: 'duplicate-serial',
      severity: 'error',
      message: /index\.txt already gives to \/CN=other\.example\.com: a CA must never reuse a serial/,
      cert: good,
      ctx: (c) => ({ index: [indexLine(c, formatNameOpenssl(c.subject)), indexLine(c, '/CN=other.example.com')] }),
    },
    // key size
    { name: 'EC P-256 key passes', code: 'rsa-key-too-small', cert: good },
    {
      name: 'RSA 1024 key',
      code: 'rsa-key-too-small',
      severity: 'error',
      message: /has a 1024-bit RSA key: at least 2048 bits are required/,
      cert: once('rsa1024', () => (o.run(['req', '-x509', '-config', 'o.cnf', '-extensions', 'server_ok', '-newkey', 'rsa:1024', '-nodes', '-keyout', 'r.key', '-subj', '/CN=www.example.com', '-days', '30', '-out', 'rsa1024.pem']), o.read('rsa1024.pem'))),
      ctx: atStart,
    },
    // signature hash
    { name: 'SHA-256 signature passes', code: 'weak-signature-algorithm', cert: once('sha256', () => o.signed('sha256.pem', 'server_ok')), ctx: atStart },
    { name: 'SHA-1 signature from a CA', code: 'weak-signature-algorithm', severity: 'error', message: /is signed with ecdsa-with-SHA1 \(SHA-1\), which is broken/, cert: once('sha1', () => o.signed('sha1.pem', 'server_ok', ['-sha1'])), ctx: atStart },
    { name: 'SHA-1 self-signature of a root is a warning', code: 'weak-signature-algorithm', severity: 'warning', message: /is self-signed with ecdsa-with-SHA1 \(SHA-1\)/, cert: once('sha1root', () => o.self('sha1root.pem', 'ca_ok', ['-sha1'], '/CN=Old Root')), ctx: atStart },
    // validity vs issuer
    { name: 'validity inside the issuer passes', code: 'validity-exceeds-issuer', cert: good, ctx: () => ({ issuer: pki.inter }) },
    { name: 'validity beyond the issuer', code: 'validity-exceeds-issuer', severity: 'warning', message: /after its issuer 'Openssl CA' expires/, cert: once('beyond', () => (o.run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ec.key', '-days', '60', '-extfile', 'o.cnf', '-extensions', 'server_ok', '-out', 'beyond.pem']), o.read('beyond.pem'))), ctx: (c) => ({ ...atStart(c), issuer: o.read('ca.pem') }) },
    // TLS server validity
    { name: '375-day server certificate passes the 825-day rule', code: 'server-validity-over-825-days', cert: good },
    { name: '375-day server certificate passes the 398-day note', code: 'server-validity-over-398-days', cert: good },
    { name: '900-day server certificate', code: 'server-validity-over-825-days', severity: 'error', message: /is valid for 900 days: Apple platforms .* refuse TLS server certificates valid for more than 825 days/, cert: once('900', () => pki.leaf({ days: 900 })), ctx: () => ({ issuer: pki.inter }) },
    { name: '500-day server certificate is a note', code: 'server-validity-over-398-days', severity: 'info', message: /is valid for 500 days, more than 398/, cert: once('500', () => pki.leaf({ days: 500 })) },
    { name: 'CA certificates are not held to server validity', code: 'server-validity-over-825-days', cert: () => pki.root },
    // SAN / EKU
    { name: 'server with a SAN passes', code: 'server-san-missing', cert: good },
    { name: 'server without SAN', code: 'server-san-missing', severity: 'error', message: /has no DNS or IP subject alternative name: browsers, Apple platforms and Go ignore the common name \("www\.example\.com"\)/, cert: once('nosan', () => o.signed('nosan.pem', 'server_no_san')), ctx: atStart },
    { name: 'server with serverAuth passes', code: 'server-eku-missing', cert: good },
    { name: 'host certificate without EKU', code: 'server-eku-missing', severity: 'warning', message: /names a host but has no extended key usage: Apple platforms require serverAuth/, cert: once('noeku', () => o.signed('noeku.pem', 'server_no_eku')), ctx: atStart },
    { name: 'client certificate with a DNS name: serverAuth note', code: 'server-auth-eku-missing', severity: 'info', message: /extended key usage \(clientAuth\) does not include serverAuth/, cert: once('clientdns', () => o.signed('clientdns.pem', 'client_dns')), ctx: atStart },
    { name: 'server certificate has no serverAuth note', code: 'server-auth-eku-missing', cert: good },
    // CA profile
    { name: 'CA with critical basicConstraints passes', code: 'ca-basic-constraints-not-critical', cert: () => pki.root },
    { name: 'CA with non-critical basicConstraints', code: 'ca-basic-constraints-not-critical', severity: 'error', message: /has basicConstraints CA:TRUE but not marked critical: RFC 5280 §4\.2\.1\.9/, cert: once('bcnc', () => o.self('bcnc.pem', 'ca_bc_noncrit', [], '/CN=Loose CA')), ctx: atStart },
    { name: 'CA with keyCertSign passes', code: 'ca-key-cert-sign-missing', cert: () => pki.inter },
    { name: 'CA without keyCertSign', code: 'ca-key-cert-sign-missing', severity: 'error', message: /is a CA but its key usage \(digitalSignature, cRLSign\) lacks keyCertSign/, cert: once('nokcs', () => o.self('nokcs.pem', 'ca_no_kcs', [], '/CN=No KCS CA')), ctx: atStart },
    { name: 'CA with a key usage passes', code: 'ca-key-usage-missing', cert: () => pki.root },
    { name: 'CA without key usage', code: 'ca-key-usage-missing', severity: 'warning', message: /has no key usage extension/, cert: once('noku', () => o.self('noku.pem', 'ca_no_ku', [], '/CN=No KU CA')), ctx: atStart },
    { name: 'leaf without keyCertSign passes', code: 'ca-basic-constraints-missing', cert: good },
    { name: 'keyCertSign without basicConstraints', code: 'ca-basic-constraints-missing', severity: 'error', message: /has keyCertSign in its key usage but no basicConstraints CA:TRUE/, cert: once('kcsnobc', () => o.self('kcsnobc.pem', 'kcs_no_bc', [], '/CN=Half CA')), ctx: atStart },
    // name constraints
    { name: 'name inside the permitted subtree passes', code: 'name-constraints-violated', cert: good, ctx: () => ({ issuer: pki.inter }) },
    {
      name: 'name outside the permitted subtree',
      code: 'name-constraints-violated',
      severity: 'error',
      message: /names the issuing CA 'Lint Intermediate' may not certify: DNS:www\.example\.org is outside the permitted subtrees \(DNS:example\.com\)/,
      cert: once('nc', () => pki.leaf({ subject: { CN: 'www.example.org' }, sans: [{ type: 'dns', value: 'www.example.org' }] })),
      ctx: () => ({ issuer: pki.inter }),
    },
    // critical extensions
    { name: 'unknown non-critical extension passes', code: 'unknown-critical-extension', cert: once('unc', () => o.signed('unc.pem', 'unknown_noncrit')), ctx: atStart },
    { name: 'unknown critical extension', code: 'unknown-critical-extension', severity: 'error', message: /has the critical extension 1\.2\.3\.4, which clients do not understand: RFC 5280 §4\.2/, cert: once('uc', () => o.signed('uc.pem', 'unknown_crit')), ctx: atStart },
    // expiry
    { name: 'valid certificate has no expiry finding', code: 'expired', cert: good },
    { name: 'expired certificate', code: 'expired', severity: 'error', message: /'www\.example\.com' expired 25 days ago \(2027-01-11\)/, cert: good, ctx: (c) => ({ now: new Date(c.notAfter.getTime() + 25 * DAY) }) },
    { name: 'certificate expiring within 30 days', code: 'expiring-soon', severity: 'warning', message: /expires in 10 days \(2027-01-11\)/, cert: good, ctx: (c) => ({ now: new Date(c.notAfter.getTime() - 10 * DAY) }) },
    { name: 'warnDays moves the window', code: 'expiring-soon', cert: good, ctx: (c) => ({ now: new Date(c.notAfter.getTime() - 10 * DAY), warnDays: 5 }) },
    { name: 'certificate not yet valid', code: 'not-yet-valid', severity: 'warning', message: /is not valid until 2026-01-01 \(in 3 days\)/, cert: good, ctx: () => ({ now: new Date(NOW.getTime() - 3 * DAY - 1000) }) },
  ];

  for (const c of cases) {
    it(`${c.severity ? 'fails' : 'passes'}: ${c.name}`, () => {
      const cert = c.cert();
      const findings = lintCertificate(cert, { now: new Date(NOW.getTime() + DAY), ...(c.ctx?.(cert) ?? {}) });
      const f = findingOf(findings, c.code);
      if (!c.severity) {
        assert.equal(f, undefined, `unexpected ${c.code}: ${f?.message}`);
        return;
      }
      assert.ok(f, `expected ${c.code}; got ${findings.map((x) => x.code).join(', ') || 'nothing'}`);
      assert.equal(f.severity, c.severity);
      assert.match(f.message, c.message!);
      assert.ok(f.fix && f.fix.length > 5, 'every finding says what to do');
    });
  }

  it('a good server certificate from our CA has no finding at all', () => {
    assert.deepEqual(lintCertificate(good(), { now: new Date(NOW.getTime() + DAY), issuer: pki.inter }), []);
    assert.deepEqual(lintCertificate(pki.inter, { now: new Date(NOW.getTime() + DAY), issuer: pki.root }), []);
    assert.deepEqual(lintCertificate(pki.root, { now: new Date(NOW.getTime() + DAY) }), []);
  });

  it('an openssl certificate with a good profile has no finding (the oracle agrees)', () => {
    const c = o.signed('okay.pem', 'server_ok');
    assert.deepEqual(lintCertificate(c, { now: atStart(c).now!, issuer: o.read('ca.pem'), warnDays: 5 }), []);
    const v = openssl(['verify', '-x509_strict', '-CAfile', 'ca.pem', 'okay.pem'], { cwd: o.dir });
    assert.equal(v.code, 0, v.stderr);
  });

  it('errors come first, and every code is a known code', () => {
    const c = o.signed('multi.pem', 'server_no_eku', ['-sha1']);
    const fs_ = lintCertificate(c, { now: new Date(c.notAfter.getTime() - 2 * DAY) });
    const order = fs_.map((f) => f.severity);
    assert.deepEqual(order, [...order].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)));
    for (const f of fs_) assert.ok((LINT_CODES as readonly string[]).includes(f.code));
    assert.deepEqual(
      fs_.map((f) => f.code),
      ['weak-signature-algorithm', 'server-eku-missing', 'expiring-soon'],
    );
  });

  it('ignores an issuer that did not issue the certificate', () => {
    const f = lintCertificate(pki.leaf({ days: 3000 }), { now: NOW, issuer: o.read('ca.pem'), expiry: false });
    assert.equal(findingOf(f, 'validity-exceeds-issuer'), undefined);
  });

  function indexLine(c: ParsedCertificate, subject: string): IndexEntry {
    return { status: 'V', expires: c.notAfter, serialHex: c.serialHex, file: 'unknown', subject };
  }
});

describe('lint: lintFile', function () {
  this.timeout(30_000);
  it('lints each certificate of a chain file against the next one, with line ranges', () => {
    const pki = new Pki();
    const leaf = pki.leaf({ days: 900 });
    const pem = ['# a chain\n', toPem(leaf), toPem(pki.inter), toPem(pki.root)].join('');
    const r = lintFile(Buffer.from(pem), { now: new Date(NOW.getTime() + DAY) });
    assert.equal(r.length, 3);
    assert.deepEqual(
      r.map((x) => [x.index, x.label, x.startLine, x.findings.map((f) => f.code)]),
      [
        [0, 'www.example.com', 1, ['server-validity-over-825-days']],
        [1, 'Lint Intermediate', r[1].startLine, []],
        [2, 'Lint Root', r[2].startLine, []],
      ],
    );
    assert.ok(r[1].startLine! > r[0].endLine!);
  });

  it('uses the name-matching issuer for name constraints, and refuses a file without certificates', () => {
    const pki = new Pki();
    const bad = pki.leaf({ subject: { CN: 'x.example.net' }, sans: [{ type: 'dns', value: 'x.example.net' }] });
    const r = lintFile(Buffer.from(toPem(bad)), { now: NOW, issuers: [pki.inter, pki.root] });
    assert.deepEqual(r[0].findings.map((f) => f.code), ['name-constraints-violated']);
    assert.throws(() => lintFile(Buffer.from('hello'), { now: NOW }), (e: unknown) => e instanceof PkiError && e.code === 'malformed');
  });
});

function toPem(c: ParsedCertificate): string {
  return `-----BEGIN CERTIFICATE-----\n${c.der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
}

describe('lint: lintIssueRequest (pre-issuance)', function () {
  this.timeout(30_000);
  const pki = new Pki();
  const base: IssueRequest = {
    profile: 'server',
    subject: { CN: 'www.example.com' },
    publicKey: spkiOf(pki.leafKey),
    sans: [{ type: 'dns', value: 'www.example.com' }],
    notBefore: NOW,
    notAfter: addDays(NOW, 375),
  };
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
  interface ReqCase {
    name: string;
    req: Partial<IssueRequest>;
    issuer?: () => ParsedCertificate;
    index?: IndexEntry[];
    want: [LintCode, Severity, RegExp][];
  }
  const cases: ReqCase[] = [
    { name: 'a good server request', req: {}, want: [] },
    { name: 'server without SAN', req: { sans: [] }, want: [['server-san-missing', 'error', /The requested TLS server certificate 'www\.example\.com' has no DNS or IP subject alternative name/]] },
    { name: 'client without SAN is fine', req: { profile: 'client', sans: [] }, want: [] },
    { name: 'RSA 1024 key', req: { publicKey: rsa1024 }, want: [['rsa-key-too-small', 'error', /has a 1024-bit RSA key/]] },
    { name: '900 days', req: { notAfter: addDays(NOW, 900) }, want: [['server-validity-over-825-days', 'error', /would be valid for 900 days: Apple platforms/]] },
    { name: '825 days exactly is allowed, with the 398 note', req: { notAfter: addDays(NOW, 825) }, want: [['server-validity-over-398-days', 'info', /would be valid for 825 days, more than 398/]] },
    { name: 'client certificates may live longer', req: { profile: 'client', notAfter: addDays(NOW, 900) }, want: [] },
    {
      name: 'beyond the issuer: a warning, and the 825-day rule uses the clamped validity',
      req: { notAfter: addDays(NOW, 4000) },
      issuer: () => pki.inter,
      want: [['server-validity-over-825-days', 'error', /would be valid for 1825 days/], ['validity-exceeds-issuer', 'warning', /after the issuing CA 'Lint Intermediate' expires \(2030-12-31\): it will end with the CA's validity/]],
    },
    { name: 'name inside the constraints', req: {}, issuer: () => pki.inter, want: [] },
    {
      name: 'name outside the constraints',
      req: { subject: { CN: 'api.example.org' }, sans: [{ type: 'dns', value: 'api.example.org' }, { type: 'ip', value: '10.0.0.1' }] },
      issuer: () => pki.inter,
      want: [['name-constraints-violated', 'error', /would have names the issuing CA 'Lint Intermediate' may not certify: DNS:api\.example\.org is outside the permitted subtrees/]],
    },
    { name: 'zero serial', req: { serialHex: '00' }, want: [['serial-not-positive', 'error', /has a zero serial number/]] },
    {
      name: 'serial already in index.txt',
      req: { serialHex: '1000' },
      index: parseIndex('V\t270101000000Z\t\t1000\tunknown\t/CN=old.example.com\n'),
      want: [['duplicate-serial', 'error', /has serial 1000, which index\.txt already gives to \/CN=old\.example\.com/]],
    },
    { name: 'fresh serial', req: { serialHex: '1001' }, index: parseIndex('V\t270101000000Z\t\t1000\tunknown\t/CN=old.example.com\n'), want: [] },
    { name: 'issuer that is not a CA', req: {}, issuer: () => pki.leaf(), want: [['issuer-not-ca', 'error', /The issuing certificate 'www\.example\.com' is not a CA \(no basicConstraints CA:TRUE\)/]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = lintIssueRequest({ ...base, ...c.req }, c.issuer?.(), { index: c.index });
      assert.deepEqual(
        got.map((f) => [f.code, f.severity]),
        c.want.map(([code, sev]) => [code, sev]),
        got.map((f) => f.message).join('\n'),
      );
      c.want.forEach(([, , re], i) => assert.match(got[i].message, re));
    });
  }

  it('works without the public key (lint before the key is generated)', () => {
    const { publicKey: _unused, ...noKey } = base;
    assert.deepEqual(lintIssueRequest({ ...noKey, sans: [] }, pki.inter).map((f) => f.code), ['server-san-missing']);
  });

  it('enforceIssueLint: errors throw a LintError unless allowed; warnings pass through', () => {
    const findings = lintIssueRequest({ ...base, notAfter: addDays(NOW, 4000) }, pki.inter);
    assert.throws(
      () => enforceIssueLint(findings),
      (e: unknown) => e instanceof LintError && e.code === 'policy' && /^The certificate was not issued: .*825 days.*--allow-lint-errors/.test(e.message) && e.findings.length === 2,
    );
    const msgs = enforceIssueLint(findings, true);
    assert.equal(msgs.length, 2);
    assert.match(msgs.find((m) => m.startsWith('Lint error overridden'))!, /^Lint error overridden \(server-validity-over-825-days\): /);
    assert.deepEqual(enforceIssueLint(lintIssueRequest({ ...base, notAfter: addDays(NOW, 500) }, pki.inter)), [lintIssueRequest({ ...base, notAfter: addDays(NOW, 500) }, pki.inter)[0].message]);
  });
});

describe('lint: enforced by issue(), signCsr() and the CLI', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = tmpDir('wca-lint-ca-');
    await initRoot(ctx(), path.join(dir, 'ca'), { subject: { CN: 'Lint Test Root' }, keyType: 'p256' });
  });
  after(() => rm(dir));

  it('issue() refuses a 900-day server certificate and writes nothing', async () => {
    await assert.rejects(
      issue(ctx(), path.join(dir, 'ca'), { profile: 'server', subject: { CN: 'long.example.com' }, keyType: 'p256', days: 900, policy: 'none' }),
      (e: unknown) => e instanceof LintError && e.code === 'policy' && /valid for 900 days: Apple platforms/.test(e.message),
    );
    assert.equal(fs.existsSync(path.join(dir, 'ca', 'private', 'long.example.com.key.pem')), false);
    assert.equal(fs.readFileSync(path.join(dir, 'ca', 'index.txt'), 'utf8'), '');
  });

  it('issue() with allowLintErrors issues and reports the overridden error; notes come back as warnings', async () => {
    const r = await issue(ctx(), path.join(dir, 'ca'), { profile: 'server', subject: { CN: 'long.example.com' }, keyType: 'p256', days: 900, policy: 'none', allowLintErrors: true });
    assert.ok(r.warnings.some((w) => /^Lint error overridden \(server-validity-over-825-days\)/.test(w)), r.warnings.join('\n'));
    const r2 = await issue(ctx(), path.join(dir, 'ca'), { profile: 'server', subject: { CN: 'mid.example.com' }, keyType: 'p256', days: 500, policy: 'none' });
    assert.ok(r2.warnings.some((w) => /valid for 500 days, more than 398/.test(w)), r2.warnings.join('\n'));
  });

  it('signCsr() refuses an RSA-1024 CSR before asking for the CA passphrase', async () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const csr = createCsr({ privateKey: key, subject: { CN: 'weak.example.com' }, sans: [{ type: 'dns', value: 'weak.example.com' }] });
    let asked = false;
    const c = { ...ctx(), caPassphrase: async () => ((asked = true), undefined) };
    await assert.rejects(signCsr(c, path.join(dir, 'ca'), Buffer.from(csr.pem), { profile: 'server', policy: 'none' }), (e: unknown) => e instanceof LintError && /1024-bit RSA key/.test(e.message));
    assert.equal(asked, false);
    const r = await signCsr(ctx(), path.join(dir, 'ca'), Buffer.from(csr.pem), { profile: 'server', policy: 'none', allowLintErrors: true });
    assert.ok(r.warnings.some((w) => /rsa-key-too-small/.test(w)));
  });

  it('workspace-ca issue: exit 1 with the reason; --allow-lint-errors issues', async () => {
    const refused = await cli(['issue', 'ca', '--cn', 'cli.example.com', '--days', '1000', '--key-type', 'p256', '--policy', 'none'], { cwd: dir });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /workspace-ca issue: The certificate was not issued: .*valid for 1000 days/);
    const ok = await cli(['issue', 'ca', '--cn', 'cli.example.com', '--days', '1000', '--key-type', 'p256', '--policy', 'none', '--allow-lint-errors'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /warning: Lint error overridden \(server-validity-over-825-days\)/);
  });
});

describe('lint: workspace-ca lint', function () {
  this.timeout(60_000);
  let dir: string;
  let pki: Pki;
  before(() => {
    dir = tmpDir('wca-lint-cli-');
    pki = new Pki();
    fs.writeFileSync(path.join(dir, 'good.pem'), toPem(pki.leaf()));
    fs.writeFileSync(path.join(dir, 'chain.pem'), toPem(pki.leaf({ days: 900 })) + toPem(pki.inter) + toPem(pki.root));
    fs.writeFileSync(path.join(dir, 'inter.pem'), toPem(pki.inter));
    fs.writeFileSync(path.join(dir, 'good.der'), pki.leaf().der);
    fs.writeFileSync(path.join(dir, 'junk.txt'), 'not a certificate');
  });
  after(() => rm(dir));
  const at = ['--at', '2026-01-02T00:00:00Z'];

  it('exit 0 and "no findings" for a good certificate (PEM and DER)', async () => {
    for (const f of ['good.pem', 'good.der']) {
      const r = await cli(['lint', f, ...at, '--issuer', 'inter.pem'], { cwd: dir });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /ok: no findings/);
      assert.match(r.stdout, /0 errors, 0 warnings, 0 notes in 1 certificate\n$/);
    }
  });

  it('exit 1 when a certificate of the file has an error; each certificate is listed', async () => {
    const r = await cli(['lint', 'chain.pem', ...at], { cwd: dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^chain\.pem #1 \(lines 1-\d+\): CN=www\.example\.com\n {2}error {3}server-validity-over-825-days: /m);
    assert.match(r.stdout, /^chain\.pem #3 \(lines \d+-\d+\): CN=Lint Root\n {2}ok: no findings/m);
    assert.match(r.stdout, /1 error, 0 warnings, 0 notes in 3 certificates/);
  });

  it('--json gives the findings as data', async () => {
    const r = await cli(['lint', 'chain.pem', '--json', ...at], { cwd: dir });
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout);
    assert.equal(j.at, '2026-01-02T00:00:00.000Z');
    assert.equal(j.files[0].certificates.length, 3);
    assert.equal(j.files[0].certificates[0].findings[0].code, 'server-validity-over-825-days');
    assert.deepEqual(j.summary, { errors: 1, warnings: 0, infos: 0 });
  });

  it('--at decides expiry; --no-expiry leaves it out', async () => {
    const late = await cli(['lint', 'good.pem', '--at', '2027-03-01'], { cwd: dir });
    assert.equal(late.code, 1);
    assert.match(late.stdout, /error {3}expired: The certificate 'www\.example\.com' expired 49 days ago/);
    assert.equal((await cli(['lint', 'good.pem', '--at', '2027-03-01', '--no-expiry'], { cwd: dir })).code, 0);
  });

  it('exit 2 for unreadable input or a missing file', async () => {
    const junk = await cli(['lint', 'junk.txt'], { cwd: dir });
    assert.equal(junk.code, 2);
    assert.match(junk.stderr, /junk\.txt: Neither PEM text nor a DER structure/);
    const missing = await cli(['lint', 'nope.pem'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read the certificate file nope\.pem: no such file/);
    assert.equal((await cli(['lint'], { cwd: dir })).code, 2);
  });
});

describe('expiryStatus', () => {
  const cert = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2026-12-31T00:00:00Z') };
  const table: { at: string; warn?: number; want: [string, number, string] }[] = [
    { at: '2025-12-25T00:00:00Z', want: ['notYetValid', 7, 'not valid until 2026-01-01 (in 7 days)'] },
    { at: '2025-12-31T23:00:00Z', want: ['notYetValid', 0, 'not valid until 2026-01-01 (in less than a day)'] },
    { at: '2026-01-01T00:00:00Z', want: ['valid', 364, 'expires in 364 days'] },
    { at: '2026-12-01T00:00:00Z', want: ['expiring', 30, 'expires in 30 days'] },
    { at: '2026-12-01T00:00:00Z', warn: 10, want: ['valid', 30, 'expires in 30 days'] },
    { at: '2026-12-30T00:00:00Z', want: ['expiring', 1, 'expires in 1 day'] },
    { at: '2026-12-30T12:00:00Z', want: ['expiring', 0, 'expires in less than a day'] },
    { at: '2026-12-31T00:00:00Z', want: ['expiring', 0, 'expires in less than a day'] },
    { at: '2026-12-31T00:00:01Z', want: ['expired', 0, 'expired less than a day ago'] },
    { at: '2027-01-01T00:00:00Z', want: ['expired', 1, 'expired 1 day ago'] },
    { at: '2027-02-10T00:00:00Z', want: ['expired', 41, 'expired 41 days ago'] },
  ];
  for (const t of table) {
    it(`${t.at}${t.warn !== undefined ? ` (warn ${t.warn})` : ''}: ${t.want[2]}`, () => {
      const s = expiryStatus(cert, new Date(t.at), t.warn);
      assert.deepEqual([s.state, s.days, s.message], t.want);
      assert.equal(s.notAfter, '2026-12-31T00:00:00.000Z');
    });
  }
  it('accepts ISO strings (DTOs)', () => {
    assert.equal(expiryStatus({ notBefore: '2026-01-01T00:00:00Z', notAfter: '2026-12-31T00:00:00Z' }, new Date('2026-06-01T00:00:00Z')).state, 'valid');
  });
});

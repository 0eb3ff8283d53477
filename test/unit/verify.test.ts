/**
 * Path validation, check by check: each row builds a small PKI at a fixed clock and asserts the
 * verdict and the user-facing message of the check that decides it.
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ParsedName, formatName, nameKey } from '../../src/core/der/name';
import { OID } from '../../src/core/der/oids';
import { parseIp } from '../../src/core/verify/names';
import { Check, CheckId, TrustStore, VerifyResult, verifyChain, verifyFiles } from '../../src/core/verify';
import { DAY, NOW, TestCert, makeCert, standardChain, testKey } from './verify-helpers';

interface Case {
  name: string;
  build: () => { leaf: TestCert; anchors: TestCert[]; intermediates?: TestCert[]; host?: string; purpose?: 'serverAuth' | 'clientAuth'; now?: Date };
  /** Expected verdict. */
  valid: boolean;
  /** For failures: the check id and a pattern its message must match. */
  fail?: { id: CheckId; message: RegExp; fix?: RegExp };
}

function run(c: Case): VerifyResult {
  const b = c.build();
  return verifyChain({
    leaf: b.leaf.der,
    anchors: b.anchors.map((a) => a.der),
    intermediates: b.intermediates?.map((i) => i.der),
    now: b.now ?? NOW,
    host: b.host,
    purpose: b.purpose,
  });
}

function failures(r: VerifyResult): Check[] {
  return r.checks.filter((c) => c.status === 'fail');
}

const std = () => {
  const { root, inter, leaf } = standardChain();
  return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
};

const cases: Case[] = [
  { name: 'valid leaf -> intermediate -> root', build: std, valid: true },
  {
    name: 'missing intermediate',
    build: () => ({ ...std(), intermediates: [] }),
    valid: false,
    fail: { id: 'path', message: /^The issuer 'Example Intermediate CA' of 'www.example.com' is missing/, fix: /add the certificate of 'Example Intermediate CA'.*chain file/ },
  },
  {
    name: 'expired leaf',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { notBefore: new Date(NOW.getTime() - 400 * DAY), notAfter: new Date(NOW.getTime() - DAY) } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'validity', message: /^The certificate 'www.example.com' expired on 2025-05-31T12:00:00.000Z/, fix: /renew it/ },
  },
  {
    name: 'not yet valid leaf',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { notBefore: new Date(NOW.getTime() + 1000) } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'validity', message: /is not valid until 2025-06-01T12:00:01.000Z/ },
  },
  {
    name: 'notAfter is inclusive (RFC 5280 §4.1.2.5)',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { notAfter: NOW } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com', now: new Date(NOW.getTime() + 999) };
    },
    valid: true,
  },
  {
    name: 'expired intermediate',
    build: () => {
      const { root, inter, leaf } = standardChain({ inter: { notAfter: new Date(NOW.getTime() - DAY) } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'validity', message: /^The intermediate 'Example Intermediate CA' expired/, fix: /renew the intermediate/ },
  },
  {
    name: 'wrong host',
    build: () => ({ ...std(), host: 'example.com' }),
    valid: false,
    fail: { id: 'host', message: /names www.example.com but you asked for example.com$/, fix: /^reissue it with a SAN for example.com$/ },
  },
  {
    name: 'host names compare case-insensitively',
    build: () => ({ ...std(), host: 'WWW.Example.COM' }),
    valid: true,
  },
  ...wildcardCases(),
  {
    name: 'IP SAN matches the IP',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { cn: 'server', san: [{ ip: '192.0.2.10' }, { ip: '2001:db8::1' }] } });
      return { leaf, anchors: [root], intermediates: [inter], host: '192.0.2.10' };
    },
    valid: true,
  },
  {
    name: 'IPv6 SAN matches the IPv6 literal in any spelling',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { cn: 'server', san: [{ ip: '2001:db8::1' }] } });
      return { leaf, anchors: [root], intermediates: [inter], host: '2001:DB8:0:0::1' };
    },
    valid: true,
  },
  {
    name: 'IP SAN does not match another IP',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { cn: 'server', san: [{ ip: '192.0.2.10' }] } });
      return { leaf, anchors: [root], intermediates: [inter], host: '192.0.2.11' };
    },
    valid: false,
    fail: { id: 'host', message: /names 192.0.2.10 but you asked for the IP address 192.0.2.11/, fix: /SAN IP:192.0.2.11/ },
  },
  {
    name: 'an IP written as a DNS SAN does not match the IP',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { cn: 'server', san: [{ dns: '192.0.2.10' }] } });
      return { leaf, anchors: [root], intermediates: [inter], host: '192.0.2.10' };
    },
    valid: false,
    fail: { id: 'host', message: /names no IP address but you asked for the IP address 192.0.2.10 \(IP addresses match only IP SAN entries\)/ },
  },
  {
    name: 'CN-only certificate is refused for a host (no CN fallback)',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { san: undefined } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'host', message: /has no subjectAltName; the common name is not used for host names/, fix: /SAN for www.example.com/ },
  },
  {
    name: 'pathLenConstraint exceeded',
    build: () => {
      const root = makeCert({ cn: 'Example Root CA', key: testKey('p256', 'root') });
      const inter = makeCert({ cn: 'Example Intermediate CA', key: testKey('p256', 'inter'), issuer: root, ca: { pathLen: 0 } });
      const sub = makeCert({ cn: 'Example Sub CA', key: testKey('p256', 'sub'), issuer: inter, ca: true });
      const leaf = makeCert({ cn: 'www.example.com', key: testKey('p256', 'leaf'), issuer: sub, san: [{ dns: 'www.example.com' }] });
      return { leaf, anchors: [root], intermediates: [sub, inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'path-length', message: /^The intermediate 'Example Intermediate CA' allows 0 intermediate CAs below it \(pathLenConstraint 0\) but the chain has 1$/ },
  },
  {
    name: 'issuer with CA:FALSE',
    build: () => {
      const { root, inter, leaf } = standardChain({ inter: { ca: false } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'basic-constraints', message: /^The intermediate 'Example Intermediate CA' is not a CA \(basicConstraints CA:FALSE\)/, fix: /CA:TRUE/ },
  },
  {
    name: 'issuer without basicConstraints',
    build: () => {
      const { root, inter, leaf } = standardChain({ inter: { ca: null } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'basic-constraints', message: /has no basicConstraints extension/ },
  },
  {
    name: 'issuer without keyCertSign',
    build: () => {
      const { root, inter, leaf } = standardChain({ inter: { ku: ['digitalSignature', 'cRLSign'] } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'key-usage', message: /^The intermediate 'Example Intermediate CA' does not have keyCertSign/, fix: /keyUsage keyCertSign/ },
  },
  {
    name: 'EKU mismatch (clientAuth leaf asked for serverAuth)',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { eku: [OID.clientAuth] } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com', purpose: 'serverAuth' };
    },
    valid: false,
    fail: { id: 'extended-key-usage', message: /is not for TLS server authentication \(serverAuth\): its extendedKeyUsage is clientAuth/, fix: /extendedKeyUsage serverAuth/ },
  },
  {
    name: 'EKU clientAuth for a client certificate',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { cn: 'alice', san: [{ email: 'alice@example.com' }], eku: [OID.clientAuth] } });
      return { leaf, anchors: [root], intermediates: [inter], purpose: 'clientAuth' };
    },
    valid: true,
  },
  {
    name: 'intermediate EKU restricts the purpose',
    build: () => {
      const { root, inter, leaf } = standardChain({ inter: { eku: [OID.clientAuth] } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'extended-key-usage', message: /^The intermediate 'Example Intermediate CA' restricts its certificates to clientAuth/ },
  },
  {
    name: 'name constraints: permitted DNS subtree satisfied',
    build: () => {
      const { root, inter, leaf } = standardChain({ inter: { nc: { permitted: [{ dns: 'example.com' }] } } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: true,
  },
  {
    name: 'name constraints: outside the permitted DNS subtree',
    build: () => {
      const { root, inter, leaf } = standardChain({ inter: { nc: { permitted: [{ dns: 'example.org' }] } } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'name-constraints', message: /has DNS:www.example.com, which is outside the permitted subtrees \(DNS:example.org\) of the intermediate 'Example Intermediate CA'/ },
  },
  {
    name: 'name constraints: excluded DNS subtree',
    build: () => {
      const { root, inter, leaf } = standardChain({ inter: { nc: { excluded: [{ dns: 'www.example.com' }] } } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'name-constraints', message: /which falls in the excluded subtree DNS:www.example.com/ },
  },
  {
    name: 'name constraints: excluded name overlapping a wildcard SAN',
    build: () => {
      const { root, inter, leaf } = standardChain({ inter: { nc: { excluded: [{ dns: 'admin.example.com' }] } }, leaf: { cn: 'web', san: [{ dns: '*.example.com' }] } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'name-constraints', message: /DNS:\*.example.com, which falls in the excluded subtree DNS:admin.example.com/ },
  },
  {
    name: 'name constraints: permitted IP range',
    build: () => {
      const { root, inter, leaf } = standardChain({ inter: { nc: { permitted: [{ ip: '10.0.0.0/8' }] } }, leaf: { cn: 'srv', san: [{ ip: '10.1.2.3' }] } });
      return { leaf, anchors: [root], intermediates: [inter], host: '10.1.2.3' };
    },
    valid: true,
  },
  {
    name: 'name constraints: IP outside the permitted range',
    build: () => {
      const { root, inter, leaf } = standardChain({ inter: { nc: { permitted: [{ ip: '10.0.0.0/8' }] } }, leaf: { cn: 'srv', san: [{ ip: '192.168.1.1' }] } });
      return { leaf, anchors: [root], intermediates: [inter], host: '192.168.1.1' };
    },
    valid: false,
    fail: { id: 'name-constraints', message: /has IP:192.168.1.1, which is outside the permitted subtrees \(IP:10.0.0.0\/255.0.0.0\)/ },
  },
  {
    name: 'name constraints: email and directoryName',
    build: () => {
      const { root, inter, leaf } = standardChain({
        inter: { nc: { permitted: [{ email: 'example.com' }, { dir: 'alice' }] } },
        leaf: { cn: 'alice', san: [{ email: 'alice@example.org' }], eku: [OID.clientAuth] },
      });
      return { leaf, anchors: [root], intermediates: [inter], purpose: 'clientAuth' };
    },
    valid: false,
    fail: { id: 'name-constraints', message: /has email:alice@example.org, which is outside the permitted subtrees \(email:example.com\)/ },
  },
  {
    name: 'name constraints must be critical (RFC 5280 §4.2.1.10)',
    build: () => {
      const { root, inter, leaf } = standardChain({ inter: { nc: { permitted: [{ dns: 'example.com' }], critical: false } } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'name-constraints', message: /has a non-critical nameConstraints extension/ },
  },
  {
    name: 'unknown critical extension',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { extra: [{ oid: '1.3.6.1.4.1.55738.666.1', critical: true, der: Buffer.from([5, 0]) }] } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'critical-extensions', message: /has the critical extension 1.3.6.1.4.1.55738.666.1, which this validator does not understand/ },
  },
  {
    name: 'unknown non-critical extension is fine',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { extra: [{ oid: '1.3.6.1.4.1.55738.666.1', critical: false, der: Buffer.from([5, 0]) }] } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: true,
  },
  {
    name: 'SHA-1 signature refused',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { hash: 'sha1' } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'algorithm', message: /is signed with ecdsa-with-SHA1: ecdsa-with-SHA1 uses SHA1, which is broken for signatures/, fix: /SHA-256/ },
  },
  {
    name: 'RSA-1024 leaf key refused',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { key: testKey('rsa1024') } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'public-key', message: /^The certificate 'www.example.com': the RSA key has 1024 bits; at least 2048 are required$/ },
  },
  {
    name: 'RSA-1024 intermediate refused',
    build: () => {
      const { root, inter, leaf } = standardChain({ inter: { key: testKey('rsa1024') } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'public-key', message: /^The intermediate 'Example Intermediate CA': the RSA key has 1024 bits/ },
  },
  {
    name: 'bad signature',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { corruptSignature: true } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'signature', message: /names 'Example Intermediate CA' as issuer but its signature does not verify/ },
  },
  {
    name: 'RSA PKCS#1 v1.5 and RSA-PSS signatures',
    build: () => {
      const root = makeCert({ cn: 'RSA Root', key: testKey('rsa2048', 'root') });
      const inter = makeCert({ cn: 'PSS Intermediate', key: testKey('rsa2048', 'inter'), issuer: root, ca: { pathLen: 0 } });
      const leaf = makeCert({ cn: 'www.example.com', key: testKey('p256', 'leaf'), issuer: inter, san: [{ dns: 'www.example.com' }], pss: true });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: true,
  },
  {
    name: 'Ed25519 signatures',
    build: () => {
      const root = makeCert({ cn: 'Ed Root', key: testKey('ed25519', 'root') });
      const leaf = makeCert({ cn: 'www.example.com', key: testKey('ed25519', 'leaf'), issuer: root, san: [{ dns: 'www.example.com' }] });
      return { leaf, anchors: [root], host: 'www.example.com' };
    },
    valid: true,
  },
  {
    name: 'a cycle of cross-signed intermediates that never reaches the root',
    build: () => {
      const root = makeCert({ cn: 'Example Root CA', key: testKey('p256', 'root') });
      const other = makeCert({ cn: 'Unrelated Root', key: testKey('p256', 'other') });
      const a = makeCert({ cn: 'CA A', key: testKey('p256', 'a'), issuer: makeCert({ cn: 'CA B', key: testKey('p256', 'b') }), ca: true });
      const b = makeCert({ cn: 'CA B', key: testKey('p256', 'b'), issuer: a, ca: true });
      const leaf = makeCert({ cn: 'www.example.com', key: testKey('p256', 'leaf'), issuer: a, san: [{ dns: 'www.example.com' }] });
      return { leaf, anchors: [root, other], intermediates: [a, b, a, b], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'path', message: /No usable chain|is missing/ },
  },
  {
    name: 'duplicates and any order in the untrusted set',
    build: () => {
      const { root, inter, leaf } = standardChain();
      return { leaf, anchors: [root, root], intermediates: [root, inter, inter, leaf], host: 'www.example.com' };
    },
    valid: true,
  },
  {
    name: 'backtracking across two intermediates with the same name',
    build: () => {
      const { root, inter, leaf } = standardChain();
      const impostorRoot = makeCert({ cn: 'Impostor Root', key: testKey('p256', 'imp-root') });
      const impostor = makeCert({ cn: 'Example Intermediate CA', key: testKey('p256', 'imp'), issuer: impostorRoot, ca: { pathLen: 0 } });
      // Same subject, the wrong key: its signature check fails and the builder goes on.
      return { leaf, anchors: [root], intermediates: [impostor, inter], host: 'www.example.com' };
    },
    valid: true,
  },
  {
    name: 'cross-signed intermediate: the expired cross-sign is skipped',
    build: () => {
      const { root, inter, leaf } = standardChain();
      const oldRoot = makeCert({ cn: 'Old Root', key: testKey('p256', 'old-root') });
      const cross = makeCert({ cn: 'Example Intermediate CA', key: testKey('p256', 'inter'), issuer: oldRoot, ca: { pathLen: 0 }, notAfter: new Date(NOW.getTime() - DAY) });
      return { leaf, anchors: [oldRoot, root], intermediates: [cross, inter], host: 'www.example.com' };
    },
    valid: true,
  },
  {
    name: 'an intermediate as trust anchor (ca-chain file passed as --ca)',
    build: () => {
      const { inter, leaf } = standardChain();
      return { leaf, anchors: [inter], host: 'www.example.com' };
    },
    valid: true,
  },
  {
    name: 'CA certificate used as the leaf',
    build: () => {
      const { root, inter } = standardChain({ inter: { san: [{ dns: 'ca.example.com' }] } });
      return { leaf: inter, anchors: [root], host: 'ca.example.com' };
    },
    valid: false,
    fail: { id: 'basic-constraints', message: /is a CA certificate \(CA:TRUE\) used as an end-entity certificate/ },
  },
  {
    name: 'leaf without authorityKeyIdentifier',
    build: () => {
      const { root, inter, leaf } = standardChain({ leaf: { noAki: true } });
      return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
    },
    valid: false,
    fail: { id: 'profile', message: /has no authorityKeyIdentifier keyIdentifier/ },
  },
];

function wildcardCases(): Case[] {
  const wild = (host: string) => () => {
    const { root, inter, leaf } = standardChain({ leaf: { cn: 'web', san: [{ dns: '*.example.com' }] } });
    return { leaf, anchors: [root], intermediates: [inter], host };
  };
  return [
    { name: 'wildcard matches one left-most label', build: wild('api.example.com'), valid: true },
    { name: 'wildcard does not match two labels', build: wild('a.b.example.com'), valid: false, fail: { id: 'host', message: /names \*.example.com but you asked for a.b.example.com/ } },
    { name: 'wildcard does not match the bare domain', build: wild('example.com'), valid: false, fail: { id: 'host', message: /names \*.example.com but you asked for example.com/ } },
    {
      name: 'wildcard only in the left-most label, as the whole label',
      build: () => {
        const { root, inter, leaf } = standardChain({ leaf: { cn: 'web', san: [{ dns: 'w*.example.com' }, { dns: 'www.*.com' }] } });
        return { leaf, anchors: [root], intermediates: [inter], host: 'www.example.com' };
      },
      valid: false,
      fail: { id: 'host', message: /names w\*.example.com, www.\*.com but you asked for www.example.com/ },
    },
    {
      name: 'wildcard directly under a TLD is refused',
      build: () => {
        const { root, inter, leaf } = standardChain({ leaf: { cn: 'web', san: [{ dns: '*.com' }] } });
        return { leaf, anchors: [root], intermediates: [inter], host: 'example.com' };
      },
      valid: false,
      fail: { id: 'host', message: /has the wildcard \*.com, which covers a whole public suffix/ },
    },
  ];
}

describe('verifyChain', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = run(c);
      const fails = failures(r);
      assert.equal(r.valid, c.valid, `valid: got ${r.valid}; failures: ${fails.map((f) => f.message).join(' | ')}`);
      if (c.valid) {
        assert.deepEqual(fails, []);
        assert.equal(r.chain[r.chain.length - 1].trusted, true);
      }
      if (c.fail) {
        const hit = fails.find((f) => f.id === c.fail!.id && c.fail!.message.test(f.message));
        assert.ok(hit, `no ${c.fail.id} failure matching ${c.fail.message}; got: ${fails.map((f) => `[${f.id}] ${f.message}`).join(' | ')}`);
        assert.ok(hit.fix && hit.fix.length > 0, 'every failure names a fix');
        if (c.fail.fix) assert.match(hit.fix!, c.fail.fix);
      }
    });
  }

  it('returns the chain as small DTOs, leaf first', () => {
    const { root, inter, leaf } = standardChain();
    const r = verifyChain({ leaf: leaf.der, anchors: [root.der], intermediates: [inter.der], now: NOW, host: 'www.example.com' });
    assert.deepEqual(
      r.chain.map((c) => [c.role, c.subject, c.issuer, c.trusted]),
      [
        ['leaf', 'CN=www.example.com', 'CN=Example Intermediate CA', false],
        ['intermediate', 'CN=Example Intermediate CA', 'CN=Example Root CA', false],
        ['root', 'CN=Example Root CA', 'CN=Example Root CA', true],
      ],
    );
    assert.match(r.chain[0].sha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(r.chain[0].notAfter, leaf.spec.notAfter?.toISOString() ?? new Date(NOW.getTime() + 365 * DAY).toISOString());
    assert.equal(r.purpose, 'serverAuth', 'a host implies serverAuth');
    assert.equal(r.at, NOW.toISOString());
    assert.ok(r.checks.every((c) => c.status !== 'fail'));
    assert.ok(r.checks.some((c) => c.id === 'host' && c.status === 'pass' && c.message.includes('(SAN www.example.com)')));
  });

  it('reports an unreadable leaf as a failed parse check, not an exception', () => {
    const { root } = standardChain();
    const r = verifyChain({ leaf: Buffer.from('not a certificate'), anchors: [root.der], now: NOW });
    assert.equal(r.valid, false);
    assert.equal(r.checks[0].id, 'parse');
    assert.match(r.checks[0].message, /^The certificate to verify cannot be read/);
  });

  it('bounds hostile inputs: 60 same-name intermediates sharing one key', () => {
    const root = makeCert({ cn: 'Example Root CA', key: testKey('p256', 'root') });
    const key = testKey('p256', 'loop');
    let prev = makeCert({ cn: 'Loop CA', key, ca: true });
    const inters = [prev];
    for (let i = 0; i < 60; i++) inters.push((prev = makeCert({ cn: 'Loop CA', key, issuer: prev, ca: true })));
    const leaf = makeCert({ cn: 'www.example.com', key: testKey('p256', 'leaf'), issuer: prev, san: [{ dns: 'www.example.com' }] });
    const r = verifyChain({ leaf: leaf.der, anchors: [root.der], intermediates: inters.map((x) => x.der), now: NOW, host: 'www.example.com' });
    assert.equal(r.valid, false);
    assert.ok(failures(r).some((f) => f.id === 'path'));
  });
});

describe('TrustStore', () => {
  it('gives the same verdict on repeated use (cached keys and signatures)', () => {
    const { root, inter, leaf } = standardChain();
    const store = new TrustStore([root.der]);
    const a = store.verify({ leaf: leaf.der, intermediates: [inter.der], now: NOW, host: 'www.example.com' });
    const b = store.verify({ leaf: leaf.der, intermediates: [inter.der], now: NOW, host: 'www.example.com' });
    assert.equal(a.valid, true);
    assert.deepEqual(b, a);
    const c = store.verify({ leaf: leaf.der, intermediates: [inter.der], now: new Date(NOW.getTime() + 400 * DAY), host: 'www.example.com' });
    assert.equal(c.valid, false, 'the clock is a parameter, not cached');
  });

  it('never answers from the cache for a reused buffer whose bytes changed', () => {
    // Ed25519 signatures have a fixed length, so both intermediates encode to the same size.
    const good = standardChain({ root: { key: testKey('ed25519', 'cache-root') }, inter: { key: testKey('ed25519', 'cache-inter') } });
    const otherRoot = makeCert({ cn: 'Example Root CA', key: testKey('ed25519', 'cache-other-root'), notAfter: new Date(NOW.getTime() + 3650 * DAY) });
    const otherInter = makeCert({ cn: 'Example Intermediate CA', key: testKey('ed25519', 'cache-other-inter'), issuer: otherRoot, ca: { pathLen: 0 } });
    assert.equal(otherInter.der.length, good.inter.der.length);
    const store = new TrustStore([good.root.der]);
    const buf = Buffer.from(good.inter.der);
    assert.equal(store.verify({ leaf: good.leaf.der, intermediates: [buf], now: NOW, host: 'www.example.com' }).valid, true);
    otherInter.der.copy(buf); // the caller reuses its buffer for another certificate
    const r = store.verify({ leaf: good.leaf.der, intermediates: [buf], now: NOW, host: 'www.example.com' });
    assert.equal(r.valid, false, 'the intermediate that made it valid is gone from the buffer');
  });
});

describe('name chaining and identifiers (RFC 5280 §7.1)', () => {
  const name = (...rdns: [string, string][][]): ParsedName => ({
    rdns: rdns.map((rdn) => rdn.map(([oid, value]) => ({ oid, type: oid, value, tag: 0x0c }))),
    der: Buffer.from(JSON.stringify(rdns)),
  });

  it('matches issuer to subject case-insensitively with whitespace folded', () => {
    const root = makeCert({ cn: 'Example Root CA', key: testKey('p256', 'fold-root'), notAfter: new Date(NOW.getTime() + 3650 * DAY) });
    const inter = makeCert({ cn: 'Example Intermediate CA', key: testKey('p256', 'fold-inter'), issuer: root, ca: { pathLen: 0 } });
    const leaf = makeCert({ cn: 'www.example.com', key: testKey('p256', 'fold-leaf'), issuer: inter, issuerCn: '  example\tINTERMEDIATE   ca ', san: [{ dns: 'www.example.com' }] });
    const r = verifyChain({ leaf: leaf.der, anchors: [root.der], intermediates: [inter.der], now: NOW, host: 'www.example.com' });
    assert.equal(r.valid, true, failures(r).map((f) => f.message).join(' | '));
    assert.deepEqual(r.chain.map((c) => c.subject), ['CN=www.example.com', 'CN=Example Intermediate CA', 'CN=Example Root CA']);
    const other = makeCert({ cn: 'www.example.com', key: testKey('p256', 'fold-leaf'), issuer: inter, issuerCn: 'Example Intermediate CA 2', san: [{ dns: 'www.example.com' }] });
    const r2 = verifyChain({ leaf: other.der, anchors: [root.der], intermediates: [inter.der], now: NOW, host: 'www.example.com' });
    assert.equal(r2.valid, false);
    assert.match(failures(r2).find((f) => f.id === 'path')!.message, /The issuer 'Example Intermediate CA 2' of 'www.example.com' is missing/);
  });

  it('keys names by folded values, RDN order kept, attributes of one RDN in any order', () => {
    const cn = OID.commonName;
    const o = OID.organizationName;
    assert.equal(nameKey(name([[cn, 'Example  CA']])), nameKey(name([[cn, ' example ca']])));
    assert.equal(nameKey(name([[cn, 'A']])), `${cn}=a`);
    // Two RDNs: order matters.
    assert.equal(nameKey(name([[o, 'X']], [[cn, 'Y']])), `${o}=x/${cn}=y`);
    assert.notEqual(nameKey(name([[o, 'X']], [[cn, 'Y']])), nameKey(name([[cn, 'Y']], [[o, 'X']])));
    // One multi-valued RDN: a SET, any order.
    assert.equal(nameKey(name([[o, 'X'], [cn, 'Y']], [[cn, 'Z']])), nameKey(name([[cn, 'y'], [o, 'x']], [[cn, 'z']])));
    assert.notEqual(nameKey(name([[cn, 'ab']])), nameKey(name([[cn, 'a b']])));
  });

  it('formats names most specific first, with RFC 4514 escapes', () => {
    assert.equal(formatName(name([[OID.countryName, 'GB']], [[OID.organizationName, 'Acme, Ltd']], [[OID.commonName, 'a'], [OID.organizationalUnitName, 'b']])), `${OID.commonName}=a + ${OID.organizationalUnitName}=b, ${OID.organizationName}=Acme\\, Ltd, ${OID.countryName}=GB`);
    assert.equal(formatName(name()), '');
  });

  it('tells IP literals from host names (canonical forms only)', () => {
    assert.equal(parseIp('www.example.com'), undefined);
    assert.equal(parseIp('1.2.3'), undefined);
    assert.equal(parseIp('01.2.3.4'), undefined, 'leading zeros are not an IP literal');
    assert.deepEqual(parseIp('127.0.0.1'), Buffer.from([127, 0, 0, 1]));
    assert.deepEqual(parseIp('::1'), Buffer.from([...Array(15).fill(0), 1]));
    assert.deepEqual(parseIp('::ffff:192.0.2.1'), Buffer.from([...Array(10).fill(0), 0xff, 0xff, 192, 0, 2, 1]));
    assert.equal(parseIp('fe80::1%eth0'), undefined, 'a zone index is not part of an address a certificate can name');
  });

  it('gives every chain entry the SHA-256 fingerprint as openssl prints it', () => {
    const { root, inter, leaf } = standardChain();
    const r = new TrustStore([root.der]).verify({ leaf: leaf.der, intermediates: [inter.der], now: NOW, host: 'www.example.com' });
    const colon = (der: Buffer) => createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
    assert.deepEqual(r.chain.map((c) => c.sha256), [colon(leaf.der), colon(inter.der), colon(root.der)]);
  });

  it('caches a CA signature per issuer: a same-named impostor is still refused after the real one passed', () => {
    const { root, inter, leaf } = standardChain();
    const fake = makeCert({ cn: 'Example Intermediate CA', key: testKey('p256', 'impostor-inter'), issuer: root, ca: { pathLen: 0 }, corruptSignature: true });
    const store = new TrustStore([root.der]);
    assert.equal(store.verify({ leaf: leaf.der, intermediates: [inter.der], now: NOW, host: 'www.example.com' }).valid, true);
    const r = store.verify({ leaf: leaf.der, intermediates: [fake.der], now: NOW, host: 'www.example.com' });
    assert.equal(r.valid, false);
    assert.ok(failures(r).some((f) => f.id === 'signature' || f.id === 'path'), failures(r).map((f) => `${f.id}: ${f.message}`).join(' | '));
  });
});

describe('verifyFiles', () => {
  it('takes a chain file in any order and a leaf file holding extra certificates', () => {
    const { root, inter, leaf } = standardChain();
    const r = verifyFiles({
      leaf: Buffer.from(leaf.pem + root.pem + inter.pem),
      anchors: Buffer.from(root.pem),
      now: NOW,
      host: 'www.example.com',
    });
    assert.equal(r.valid, true, failures(r).map((f) => f.message).join(' | '));
    assert.equal(r.notes[0], 'The certificate file holds 3 certificates: the first is verified, the other 2 were used as untrusted intermediates');
  });

  it('trusts every certificate of a ca-chain file given as anchors', () => {
    const { root, inter, leaf } = standardChain();
    const r = verifyFiles({ leaf: leaf.der, anchors: Buffer.from(inter.pem + root.pem), now: NOW, host: 'www.example.com' });
    assert.equal(r.valid, true);
    assert.equal(r.chain.length, 2);
  });

  it('refuses a file without certificates with a clear error', () => {
    assert.throws(() => verifyFiles({ leaf: Buffer.from('hello'), anchors: Buffer.from('x'), now: NOW }), /Neither PEM text nor a DER structure/);
  });
});

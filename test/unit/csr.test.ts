/** CSRs: created from key + DN + SANs for every key type, verified by `openssl req -verify`. */
import * as assert from 'node:assert/strict';
import { createCsr, csrSignatureValid, readVerifiedCsr } from '../../src/core/csr';
import { parseCsr } from '../../src/core/der/x509';
import { PkiError } from '../../src/core/errors';
import { KEY_TYPES, generateKeyPair } from '../../src/core/keys';
import { parseSans } from '../../src/core/san';
import { openssl, opensslOk } from './support/pki';

describe('CSR creation', function () {
  this.timeout(60_000);
  for (const kt of KEY_TYPES.filter((k) => k !== 'rsa4096' && k !== 'rsa3072')) {
    it(`${kt}: openssl req -verify accepts it and shows the subject and every SAN type`, async () => {
      const { privateKey } = await generateKeyPair(kt);
      const csr = createCsr({
        privateKey,
        subject: { C: 'GB', ST: 'England', L: 'London', O: 'Zoë & Co', OU: 'Ops', CN: 'www.example.com', emailAddress: 'ops@example.com' },
        sans: parseSans('DNS:www.example.com,IP:127.0.0.1,IP:2001:db8::1,email:ops@example.com,URI:https://example.com/x'),
      });
      const v = openssl(['req', '-verify', '-noout'], { input: csr.pem });
      assert.equal(v.code, 0, v.stderr);
      assert.match(v.stderr + v.stdout, /verify OK/);
      const text = opensslOk(['req', '-noout', '-text', '-nameopt', 'utf8'], { input: csr.pem });
      assert.match(text, /Subject: C ?= ?GB, ST ?= ?England, L ?= ?London, O ?= ?Zoë & Co, OU ?= ?Ops, CN ?= ?www.example.com, emailAddress ?= ?ops@example.com/);
      assert.match(text, /DNS:www.example.com, IP Address:127.0.0.1, IP Address:2001:DB8:0:0:0:0:0:1, email:ops@example.com, URI:https:\/\/example.com\/x/);
      assert.equal(csrSignatureValid(parseCsr(csr.der)), true);
    });
  }

  it('a CSR made by openssl verifies with our check; a tampered one is refused as bad-signature', () => {
    const pem = opensslOk(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=openssl.example.com']);
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    assert.equal(readVerifiedCsr(der).subject.rdns[0][0].value, 'openssl.example.com');
    const bad = Buffer.from(der);
    bad[bad.indexOf(Buffer.from('openssl'))] = 'O'.charCodeAt(0);
    assert.throws(() => readVerifiedCsr(bad), (e: unknown) => e instanceof PkiError && e.code === 'bad-signature' && /does not verify/.test(e.message));
  });
});

describe('SAN input is validated where it is typed', () => {
  const table: { input: string; want?: string[]; error?: RegExp }[] = [
    { input: 'DNS:www.example.com, IP:10.0.0.1', want: ['dns:www.example.com', 'ip:10.0.0.1'] },
    { input: 'www.example.com,192.168.1.1,::1', want: ['dns:www.example.com', 'ip:192.168.1.1', 'ip:::1'] },
    { input: 'DNS:*.example.com', want: ['dns:*.example.com'] },
    { input: 'DNS:WWW.Example.COM,dns:www.example.com', want: ['dns:www.example.com'] },
    { input: 'email:a@example.com,URI:spiffe://example.com/a', want: ['email:a@example.com', 'uri:spiffe://example.com/a'] },
    { input: 'IP:300.1.1.1', error: /Invalid subject alternative name IP:300.1.1.1: not an IPv4 or IPv6 address/ },
    { input: 'DNS:www..example.com', error: /empty label/ },
    { input: 'DNS:a.*.example.com', error: /wildcard may only be the whole left-most label/ },
    { input: 'DNS:*.com', error: /wildcard needs at least two labels/ },
    { input: 'DNS:-bad.example.com', error: /not a valid DNS label/ },
    { input: 'DNS:10.0.0.1', error: /is an IP address: use IP:10.0.0.1/ },
    { input: 'DNS:bücher.example', error: /punycode/ },
    { input: 'email:nobody', error: /needs a local part and a domain/ },
    { input: 'URI:example.com', error: /needs a scheme/ },
    { input: 'XYZ:foo', error: /the type must be DNS, IP, email or URI/ },
  ];
  for (const t of table) {
    it(`${t.input} → ${t.want ? t.want.join(' ') : 'refused'}`, () => {
      if (t.want) assert.deepEqual(parseSans(t.input).map((s) => `${s.type}:${s.value}`), t.want);
      else assert.throws(() => parseSans(t.input), (e: unknown) => e instanceof PkiError && e.code === 'usage' && t.error!.test(e.message));
    });
  }
});

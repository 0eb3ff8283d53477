/**
 * Certificates embedded in text: a Kubernetes Secret (base64 of PEM), JSON with "\n" escapes,
 * .env values, base64 DER, wrapped base64, YAML block scalars, source-code string concatenation;
 * exact editor ranges; summaries; unreadable blocks; the limits. Fixed clock.
 */
import * as assert from 'node:assert/strict';
import { KeyObject, generateKeyPairSync } from 'node:crypto';
import { ParsedCertificate, parseCertificate } from '../../src/core/der/x509';
import { EmbeddedScan, TextRange, findEmbeddedCertificates, summarizeCertificate } from '../../src/core/embedded';
import { addDays, issueCertificate } from '../../src/core/issue';
import { spkiOf } from '../../src/core/keys';
import { toPem } from '../../src/core/pem';

const NOW = new Date('2026-01-01T00:00:00Z');

function ecKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

const rootKey = ecKey();
const interKey = ecKey();
const leafKey = ecKey();
const root = parseCertificate(issueCertificate({ profile: 'root-ca', subject: { CN: 'Embedded Root' }, publicKey: spkiOf(rootKey), notBefore: NOW, notAfter: addDays(NOW, 3650) }, { privateKey: rootKey }).der);
const inter = parseCertificate(
  issueCertificate({ profile: 'intermediate-ca', subject: { CN: 'Embedded Intermediate', O: 'Example' }, publicKey: spkiOf(interKey), notBefore: NOW, notAfter: addDays(NOW, 1825) }, { cert: root, privateKey: rootKey }).der,
);
const leaf = parseCertificate(
  issueCertificate(
    { profile: 'server', subject: { CN: 'www.example.com' }, publicKey: spkiOf(leafKey), sans: [{ type: 'dns', value: 'www.example.com' }, { type: 'ip', value: '10.0.0.1' }], notBefore: NOW, notAfter: addDays(NOW, 375) },
    { cert: inter, privateKey: interKey },
  ).der,
);
const pem = (c: ParsedCertificate) => toPem('CERTIFICATE', c.der);
const keyPem = leafKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

/** Range of the first occurrence of `needle` (which must not span lines unless `end` is given). */
function rangeOf(text: string, start: string, end?: string): TextRange {
  const s = text.indexOf(start);
  assert.ok(s >= 0, `"${start.slice(0, 30)}" not in text`);
  const e = end === undefined ? s + start.length : text.indexOf(end, s) + end.length;
  const pos = (o: number) => {
    const before = text.slice(0, o);
    const line = before.split('\n').length - 1;
    return { line, character: o - (before.lastIndexOf('\n') + 1) };
  };
  const a = pos(s);
  const b = pos(e);
  return { startLine: a.line, startCharacter: a.character, endLine: b.line, endCharacter: b.character };
}

function shape(r: EmbeddedScan) {
  return r.certificates.map((c) => [c.encoding, c.index, c.summary.commonName, c.range]);
}

describe('embedded certificates', () => {
  it('Kubernetes Secret: tls.crt is base64 of a PEM chain, ca.crt of the root; tls.key is ignored', () => {
    const crt = b64(pem(leaf) + pem(inter));
    const ca = b64(pem(root));
    const yaml = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: web-tls', 'type: kubernetes.io/tls', 'data:', `  tls.crt: ${crt}`, `  tls.key: ${b64(keyPem)}`, `  ca.crt: ${ca}`, ''].join('\n');
    const r = findEmbeddedCertificates(yaml, { now: NOW });
    assert.deepEqual(shape(r), [
      ['base64-pem', 0, 'www.example.com', { startLine: 6, startCharacter: 11, endLine: 6, endCharacter: 11 + crt.length }],
      ['base64-pem', 1, 'Embedded Intermediate', { startLine: 6, startCharacter: 11, endLine: 6, endCharacter: 11 + crt.length }],
      ['base64-pem', 0, 'Embedded Root', { startLine: 8, startCharacter: 10, endLine: 8, endCharacter: 10 + ca.length }],
    ]);
    assert.deepEqual(r.problems, []);
    assert.equal(r.truncated, false);
    assert.equal(Buffer.from(r.certificates[0].derBase64, 'base64').equals(leaf.der), true);
  });

  it('summary: subject, issuer, SANs, fingerprint and the one-line text', () => {
    const s = summarizeCertificate(leaf, addDays(NOW, 1));
    assert.equal(s.text, 'CN=www.example.com, expires 2027-01-11 (in 374 days), issued by CN=Embedded Intermediate');
    assert.deepEqual(s.sans, ['DNS:www.example.com', 'IP:10.0.0.1']);
    assert.equal(s.issuer, 'CN=Embedded Intermediate, O=Example');
    assert.equal(s.isCa, false);
    assert.equal(s.key, 'EC P-256');
    assert.match(s.sha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(s.expiry?.state, 'valid');
    assert.equal(summarizeCertificate(root).text, 'CN=Embedded Root, expires 2035-12-30, self-issued');
    assert.equal(summarizeCertificate(leaf, addDays(NOW, 400)).text, 'CN=www.example.com, expired 2027-01-11 (25 days ago), issued by CN=Embedded Intermediate');
    assert.equal(summarizeCertificate(leaf, addDays(NOW, -2)).text, 'CN=www.example.com, not valid until 2026-01-01 (in 2 days), expires 2027-01-11, issued by CN=Embedded Intermediate');
    assert.equal(summarizeCertificate(inter, addDays(NOW, 1)).isCa, true);
  });

  it('JSON string with \\n escapes', () => {
    const json = JSON.stringify({ name: 'api', tls: { cert: pem(leaf), key: keyPem } }, null, 2);
    const r = findEmbeddedCertificates(json);
    assert.deepEqual(shape(r), [['pem', 0, 'www.example.com', rangeOf(json, '-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----')]]);
    assert.equal(r.certificates[0].range.startLine, 3);
    assert.equal(r.certificates[0].range.endLine, 3);
  });

  it('.env values: escaped on one line, and quoted over several lines', () => {
    const one = pem(leaf).trimEnd().replace(/\n/g, '\\n');
    const env = ['# service', 'PORT=8443', `TLS_CERT="${one}"`, `CA_CERT="${pem(root).trimEnd()}"`, 'DEBUG=1', ''].join('\n');
    const r = findEmbeddedCertificates(env);
    assert.deepEqual(shape(r), [
      ['pem', 0, 'www.example.com', rangeOf(env, '-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----')],
      ['pem', 0, 'Embedded Root', { ...rangeOf(env.slice(0), `CA_CERT="-----BEGIN`, '-----END CERTIFICATE-----'), startCharacter: 9 }],
    ]);
    assert.equal(r.certificates[0].range.startLine, 2);
    assert.equal(r.certificates[1].range.startLine, 3);
    assert.ok(r.certificates[1].range.endLine > 3);
  });

  it('base64 of DER, and base64 wrapped at 76 columns in a YAML block scalar', () => {
    const der = b64(root.der);
    const wrapped = b64(pem(inter)).replace(/(.{76})/g, '$1\n    ').trimEnd();
    const yaml = `ca_der: ${der}\nbundle: |\n    ${wrapped}\nnext: value\n`;
    const r = findEmbeddedCertificates(yaml);
    const lines = yaml.split('\n');
    const lastBundleLine = lines.findIndex((l) => l.startsWith('next:')) - 1;
    assert.deepEqual(shape(r), [
      ['base64-der', 0, 'Embedded Root', { startLine: 0, startCharacter: 8, endLine: 0, endCharacter: 8 + der.length }],
      ['base64-pem', 0, 'Embedded Intermediate', { startLine: 2, startCharacter: 4, endLine: lastBundleLine, endCharacter: lines[lastBundleLine].length }],
    ]);
  });

  it('PEM in a YAML block scalar, CRLF line ends, and JavaScript string concatenation', () => {
    const indented = pem(leaf).trimEnd().split('\n').map((l) => `    ${l}`).join('\r\n');
    const yaml = `server:\r\n  cert: |\r\n${indented}\r\n  port: 443\r\n`;
    const r1 = findEmbeddedCertificates(yaml);
    assert.deepEqual(shape(r1), [['pem', 0, 'www.example.com', { startLine: 2, startCharacter: 4, endLine: 2 + pem(leaf).trimEnd().split('\n').length - 1, endCharacter: 4 + '-----END CERTIFICATE-----'.length }]]);

    const js = 'const ca =\n' + pem(root).trimEnd().split('\n').map((l) => `  "${l}\\n"`).join(' +\n') + ';\n';
    const r2 = findEmbeddedCertificates(js);
    assert.deepEqual(shape(r2), [['pem', 0, 'Embedded Root', rangeOf(js, '-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----')]]);
  });

  it('a plain PEM bundle: one entry per block with its own range', () => {
    const text = `subject=CN = www.example.com\n${pem(leaf)}\n${pem(inter)}`;
    const r = findEmbeddedCertificates(text);
    assert.deepEqual(
      r.certificates.map((c) => [c.summary.commonName, c.range.startLine, c.range.startCharacter]),
      [
        ['www.example.com', 1, 0],
        ['Embedded Intermediate', r.certificates[0].range.endLine + 2, 0],
      ],
    );
  });

  it('unreadable certificate blocks are problems with a range; keys and random base64 are not reported', () => {
    const broken = pem(leaf).replace(/^M.{10}/m, 'M!!!!!!!!!!');
    const truncated = '-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAK\n-----END CERTIFICATE-----\n';
    const text = `a: 1\n${broken}${truncated}${keyPem}random: ${b64(Buffer.alloc(300, 7))}\nnoend: -----BEGIN CERTIFICATE-----\nMIIB\n`;
    const r = findEmbeddedCertificates(text);
    assert.equal(r.certificates.length, 0);
    assert.deepEqual(
      r.problems.map((p) => [p.range.startLine, p.message.replace(/:.*/, '')]),
      [
        [1, 'The CERTIFICATE block has invalid base64'],
        [rangeOf(text, truncated).startLine, 'Not a valid certificate'],
        [rangeOf(text, 'noend').startLine, 'The CERTIFICATE block has no END line'],
      ],
    );
  });

  it('limits: maxCertificates and maxChars cut the scan and say so', () => {
    const text = pem(leaf) + pem(inter) + pem(root);
    const two = findEmbeddedCertificates(text, { maxCertificates: 2 });
    assert.equal(two.certificates.length, 2);
    assert.equal(two.truncated, true);
    const cut = findEmbeddedCertificates(text, { maxChars: pem(leaf).length + 10 });
    assert.equal(cut.certificates.length, 1);
    assert.equal(cut.truncated, true);
    const skip = findEmbeddedCertificates(`x: ${b64(pem(leaf))}\n`, { maxValueChars: 100 });
    assert.equal(skip.certificates.length, 0);
  });

  it('a large file costs one bounded pass', () => {
    const noise = ('x'.repeat(90) + ' MIIB' + 'A'.repeat(200) + '\n').repeat(20_000); // ~6 MB, base64-looking runs that are not certificates
    const text = `first: ${b64(pem(leaf))}\n${noise}last: ${b64(pem(root))}\n`;
    const t0 = Date.now();
    const r = findEmbeddedCertificates(text);
    const ms = Date.now() - t0;
    assert.equal(r.truncated, true);
    assert.deepEqual(r.certificates.map((c) => c.summary.commonName), ['www.example.com']);
    assert.ok(ms < 3000, `took ${ms} ms`);
  });
});

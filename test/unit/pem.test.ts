/** PEM splitting and DER detection (src/core/pem.ts): table-driven, synthetic inputs only. */
import * as assert from 'node:assert/strict';
import { PkiError } from '../../src/core/errors';
import { isPemBlockError, looksLikeDer, looksLikePem, readBlocks, scanPem, splitPem, toPem } from '../../src/core/pem';

// Small DER values: SEQUENCE { INTEGER 5 } and SEQUENCE { INTEGER 7, NULL }.
const DER_A = Buffer.from('3003020105', 'hex');
const DER_B = Buffer.from('30050201070500', 'hex');
const PEM_A = toPem('CERTIFICATE', DER_A);
const PEM_B = toPem('X509 CRL', DER_B);
// A body long enough to wrap over several lines.
const DER_LONG = Buffer.concat([Buffer.from('308200c8', 'hex'), Buffer.alloc(200, 0x41)]);

const OPENSSL_TEXT = `Certificate:
    Data:
        Version: 3 (0x2)
        Serial Number:
            04:00:00:00:00:01:15:4b:5a:c3:94
        Signature Algorithm: sha1WithRSAEncryption
        Issuer: C = BE, O = GlobalSign nv-sa, OU = Root CA, CN = GlobalSign Root CA
        Subject Public Key Info:
            Public Key Algorithm: rsaEncryption
                Modulus:
                    00:da:0e:e6:99:8d:ce:a3:e3:4f:8a:7e:fb:f1:8b:
    Signature Value:
        d6:73:e7:7c:4f:76:d0:8d:bf:ec:ba:a2:be:34:c5:28:32:b5:
`;

describe('pem: splitPem', () => {
  const ok: { name: string; input: string; want: { label: string; der: Buffer; startLine: number; endLine: number; kind: string }[] }[] = [
    { name: 'one block, LF', input: PEM_A, want: [{ label: 'CERTIFICATE', der: DER_A, startLine: 0, endLine: 2, kind: 'certificate' }] },
    { name: 'one block, CRLF', input: PEM_A.replace(/\n/g, '\r\n'), want: [{ label: 'CERTIFICATE', der: DER_A, startLine: 0, endLine: 2, kind: 'certificate' }] },
    { name: 'old Mac CR line ends', input: PEM_A.replace(/\n/g, '\r'), want: [{ label: 'CERTIFICATE', der: DER_A, startLine: 0, endLine: 0, kind: 'certificate' }] },
    {
      name: 'openssl x509 -text output before the block',
      input: OPENSSL_TEXT + PEM_A,
      want: [{ label: 'CERTIFICATE', der: DER_A, startLine: 13, endLine: 15, kind: 'certificate' }],
    },
    {
      name: 'several blocks of different types with text between',
      input: `subject=CN = a\n${PEM_A}\nissuer=CN = b\n\n${PEM_B}trailing words\n`,
      want: [
        { label: 'CERTIFICATE', der: DER_A, startLine: 1, endLine: 3, kind: 'certificate' },
        { label: 'X509 CRL', der: DER_B, startLine: 7, endLine: 9, kind: 'crl' },
      ],
    },
    {
      name: 'multi-line body with indentation and trailing spaces',
      input: toPem('PUBLIC KEY', DER_LONG)
        .split('\n')
        .map((l) => (l.startsWith('-----') ? l : `  ${l}  `))
        .join('\n'),
      want: [{ label: 'PUBLIC KEY', der: DER_LONG, startLine: 0, endLine: 6, kind: 'publicKey' }],
    },
    {
      // 'V' instead of 'U' only changes the unused low bits: valid base64, decoded as openssl does.
      name: 'non-canonical last base64 character',
      input: '-----BEGIN CERTIFICATE-----\nMAMCAQV=\n-----END CERTIFICATE-----\n',
      want: [{ label: 'CERTIFICATE', der: DER_A, startLine: 0, endLine: 2, kind: 'certificate' }],
    },
    {
      name: 'legacy label NEW CERTIFICATE REQUEST',
      input: toPem('NEW CERTIFICATE REQUEST', DER_A),
      want: [{ label: 'NEW CERTIFICATE REQUEST', der: DER_A, startLine: 0, endLine: 2, kind: 'csr' }],
    },
  ];
  for (const c of ok) {
    it(c.name, () => {
      const got = splitPem(c.input);
      assert.deepEqual(
        got.map((b) => ({ label: b.label, der: b.der, startLine: b.startLine, endLine: b.endLine, kind: b.kind })),
        c.want,
      );
    });
  }

  it('keeps the RFC 1421 headers of a legacy encrypted key', () => {
    const text = `${'-'.repeat(5)}BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0F36E2E68D0D1915384F899BB41AC651\n\n${DER_B.toString('base64')}\n-----END RSA PRIVATE KEY-----\n`;
    const [b] = splitPem(text);
    assert.deepEqual(b.headers, { 'Proc-Type': '4,ENCRYPTED', 'DEK-Info': 'AES-128-CBC,0F36E2E68D0D1915384F899BB41AC651' });
    assert.deepEqual(b.der, DER_B);
    assert.equal(b.kind, 'privateKey');
  });

  it('reports offsets that cut the block out of the text', () => {
    const text = `junk\n${PEM_A}more`;
    const [b] = splitPem(text);
    assert.equal(text.slice(b.startOffset, b.endOffset), PEM_A.trimEnd());
  });

  const bad: { name: string; input: string; message: RegExp }[] = [
    { name: 'broken base64 (a space inside a line)', input: '-----BEGIN CERTIFICATE-----\nBad Certificate Request\n-----END CERTIFICATE-----\n', message: /^PEM block "CERTIFICATE" starting on line 1 has invalid base64$/ },
    { name: 'non-base64 characters', input: 'x\n-----BEGIN CERTIFICATE-----\nMIIB*x==\n-----END CERTIFICATE-----\n', message: /starting on line 2 has invalid base64/ },
    { name: 'truncated base64 (length not a multiple of 4)', input: '-----BEGIN CERTIFICATE-----\nMAMCAQ\n-----END CERTIFICATE-----\n', message: /has truncated or invalid base64/ },
    { name: 'padding in the middle', input: '-----BEGIN CERTIFICATE-----\nMA==MCAQ\n-----END CERTIFICATE-----\n', message: /has truncated or invalid base64/ },
    { name: 'missing END line', input: '-----BEGIN CERTIFICATE-----\nMAMCAQU=\n', message: /^PEM block "CERTIFICATE" starting on line 1 has no END line$/ },
    { name: 'END of a different label', input: '-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END X509 CRL-----\n', message: /has no END line/ },
    { name: 'empty block', input: '-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n', message: /is empty/ },
  ];
  for (const c of bad) {
    it(`rejects ${c.name}`, () => {
      assert.throws(
        () => splitPem(c.input),
        (e: unknown) => e instanceof PkiError && e.code === 'malformed' && c.message.test(e.message),
      );
    });
  }
});

describe('pem: scanPem keeps going after a broken block', () => {
  it('3 good blocks and a broken one: the 3 are still returned, the broken one names its line', () => {
    const broken = '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n';
    const text = PEM_A + PEM_B + broken + PEM_A;
    const items = scanPem(text);
    assert.equal(items.length, 4);
    assert.deepEqual(
      items.map((b) => (isPemBlockError(b) ? `error@${b.startLine}: ${b.error.message}` : `${b.label}@${b.startLine}`)),
      ['CERTIFICATE@0', 'X509 CRL@3', 'error@6: PEM block "CERTIFICATE" starting on line 7 has invalid base64', 'CERTIFICATE@9'],
    );
  });

  it('a block without END followed by a good block: both reported, the good one decoded', () => {
    const text = `-----BEGIN CERTIFICATE-----\nMAMCAQU=\n${PEM_B}`;
    const items = scanPem(text);
    assert.equal(items.length, 2);
    assert.ok(isPemBlockError(items[0]));
    assert.match(items[0].error.message, /starting on line 1 has no END line/);
    assert.ok(!isPemBlockError(items[1]));
    assert.deepEqual((items[1] as { der: Buffer }).der, DER_B);
  });

  it('text without any block gives nothing', () => {
    assert.deepEqual(scanPem('hello\nworld\n'), []);
  });
});

describe('pem: DER detection and readBlocks', () => {
  const cases: { name: string; input: Buffer; der: boolean; pem: boolean }[] = [
    { name: 'exact SEQUENCE', input: DER_A, der: true, pem: false },
    { name: 'long-form length', input: DER_LONG, der: true, pem: false },
    { name: 'trailing byte', input: Buffer.concat([DER_A, Buffer.from([0])]), der: false, pem: false },
    { name: 'truncated', input: DER_A.subarray(0, 4), der: false, pem: false },
    { name: 'not a SEQUENCE', input: Buffer.from('020105', 'hex'), der: false, pem: false },
    { name: 'PEM text', input: Buffer.from(PEM_A), der: false, pem: true },
    { name: 'one byte', input: Buffer.from([0x30]), der: false, pem: false },
  ];
  for (const c of cases) {
    it(`${c.name}: der=${c.der} pem=${c.pem}`, () => {
      assert.equal(looksLikeDer(c.input), c.der);
      assert.equal(looksLikePem(c.input), c.pem);
    });
  }

  it('readBlocks: DER becomes one block labelled DER', () => {
    const [b] = readBlocks(DER_B);
    assert.equal(b.label, 'DER');
    assert.deepEqual(b.der, DER_B);
  });

  it('readBlocks: PEM is split', () => {
    assert.deepEqual(
      readBlocks(Buffer.from(PEM_A + PEM_B)).map((b) => b.label),
      ['CERTIFICATE', 'X509 CRL'],
    );
  });

  const unreadable: { name: string; input: Buffer; message: RegExp }[] = [
    { name: 'empty file', input: Buffer.alloc(0), message: /^The file is empty$/ },
    { name: 'plain text', input: Buffer.from('hello world\n'), message: /Neither PEM text nor a DER structure/ },
    { name: 'truncated DER', input: DER_LONG.subarray(0, 100), message: /Neither PEM text nor a DER structure/ },
  ];
  for (const c of unreadable) {
    it(`readBlocks rejects ${c.name}`, () => {
      assert.throws(
        () => readBlocks(c.input),
        (e: unknown) => e instanceof PkiError && e.code === 'malformed' && c.message.test(e.message),
      );
    });
  }

  it('toPem writes 64-character lines and round-trips', () => {
    const pem = toPem('CERTIFICATE', DER_LONG);
    const lines = pem.trimEnd().split('\n');
    assert.equal(lines[0], '-----BEGIN CERTIFICATE-----');
    assert.equal(lines[lines.length - 1], '-----END CERTIFICATE-----');
    for (const l of lines.slice(1, -2)) assert.equal(l.length, 64);
    assert.deepEqual(splitPem(pem)[0].der, DER_LONG);
  });
});

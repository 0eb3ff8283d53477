/**
 * Live TLS probe against Node TLS servers started by the test on 127.0.0.1 (port 0): full chain,
 * leaf alone, another certificate, a renewed certificate not yet deployed, plus connection
 * refused, a timeout, and a port that does not speak TLS. No network beyond 127.0.0.1; fixed
 * clock; every server and temp dir is closed.
 */
import * as assert from 'node:assert/strict';
import { KeyObject, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { ParsedCertificate, parseCertificate } from '../../src/core/der/x509';
import { PkiError } from '../../src/core/errors';
import { addDays, issueCertificate } from '../../src/core/issue';
import { spkiOf } from '../../src/core/keys';
import { toPem } from '../../src/core/pem';
import { ProbeOptions, describeProbeError, parseProbeTarget, probeTls } from '../../src/core/probe';
import { cli, rm, tmpDir } from './support/pki';

const NOW = new Date('2026-01-01T00:00:00Z');
const AT = addDays(NOW, 1);

function ecKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

const rootKey = ecKey();
const interKey = ecKey();
const leafKey = ecKey();
const otherKey = ecKey();
const root = parseCertificate(issueCertificate({ profile: 'root-ca', subject: { CN: 'Probe Root' }, publicKey: spkiOf(rootKey), notBefore: NOW, notAfter: addDays(NOW, 3650) }, { privateKey: rootKey }).der);
const inter = parseCertificate(issueCertificate({ profile: 'intermediate-ca', subject: { CN: 'Probe Intermediate' }, publicKey: spkiOf(interKey), notBefore: NOW, notAfter: addDays(NOW, 1825) }, { cert: root, privateKey: rootKey }).der);
function server(key: KeyObject, cn: string, serialHex?: string): ParsedCertificate {
  return parseCertificate(
    issueCertificate(
      { profile: 'server', subject: { CN: cn }, publicKey: spkiOf(key), sans: [{ type: 'dns', value: cn }, { type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }], notBefore: NOW, notAfter: addDays(NOW, 375), serialHex },
      { cert: inter, privateKey: interKey },
    ).der,
  );
}
const leaf = server(leafKey, 'localhost', '1001');
const renewed = server(leafKey, 'localhost', '1002');
const other = server(otherKey, 'other.localhost');
const pem = (...certs: ParsedCertificate[]) => certs.map((c) => toPem('CERTIFICATE', c.der)).join('');
const keyPem = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }) as string;

interface Running {
  port: number;
  close(): Promise<void>;
  sni: (string | undefined)[];
}

/** A TLS server on 127.0.0.1:0 serving `certPem` (leaf first, then whatever chain is given). */
function tlsServer(key: KeyObject, certPem: string): Promise<Running> {
  const sni: (string | undefined)[] = [];
  const sockets = new Set<net.Socket>();
  const srv = tls.createServer({
    key: keyPem(key),
    cert: certPem,
    // Called during the handshake, only when the client sends SNI.
    SNICallback: (name, cb) => {
      sni.push(name);
      cb(null, undefined);
    },
  });
  srv.on('secureConnection', (s) => s.on('error', () => undefined));
  srv.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  srv.on('tlsClientError', () => undefined);
  return listen(srv, sockets, sni);
}

function listen(srv: net.Server, sockets: Set<net.Socket>, sni: (string | undefined)[] = []): Promise<Running> {
  return new Promise((resolve) => {
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      resolve({
        port,
        sni,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            srv.close(() => r());
          }),
      });
    });
  });
}

/** A TCP server that accepts and then says nothing (or `reply`, then nothing). */
function silentServer(reply?: string): Promise<Running> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    if (reply) s.end(reply);
  });
  return listen(srv, sockets);
}

function probe(port: number, extra: Partial<ProbeOptions> = {}) {
  return probeTls({ host: '127.0.0.1', port, now: AT, timeoutMs: 5000, anchors: [root.der], ...extra });
}

describe('probe: served chains', function () {
  this.timeout(30_000);
  const running: Running[] = [];
  after(async () => {
    for (const r of running) await r.close();
  });
  async function start(key: KeyObject, certPem: string): Promise<Running> {
    const r = await tlsServer(key, certPem);
    running.push(r);
    return r;
  }

  it('full chain: valid, complete, the expected certificate', async () => {
    const s = await start(leafKey, pem(leaf, inter));
    const r = await probe(s.port, { expect: leaf.der });
    assert.equal(r.target, `127.0.0.1:${s.port}`);
    assert.equal(r.valid, true, JSON.stringify(r.verify.checks.filter((c) => c.status === 'fail')));
    assert.equal(r.complete, true);
    assert.equal(r.completeness, "The server sends the chain up to 'Probe Intermediate', issued by the trusted root 'Probe Root'");
    assert.deepEqual(r.chain.map((c) => c.commonName), ['localhost', 'Probe Intermediate']);
    assert.equal(r.chain[0].text, 'CN=localhost, expires 2027-01-11 (in 374 days), issued by CN=Probe Intermediate');
    assert.equal(r.trust, 'given');
    assert.match(r.protocol ?? '', /^TLSv1\.[23]$/);
    assert.deepEqual(r.expect, { matches: true, sameKey: true, message: "The server serves the expected certificate 'localhost' (serial 1001)" });
    assert.deepEqual(r.findings.map((f) => [f.severity, f.code]), [['info', 'expected-certificate']]);
    assert.equal(r.servername, undefined, 'no SNI for an IP address (RFC 6066 §3)');
    assert.deepEqual(r.chain[0].pem, pem(leaf));
  });

  it('leaf alone: the chain is incomplete (and does not validate against the root)', async () => {
    const s = await start(leafKey, pem(leaf));
    const r = await probe(s.port, { expect: leaf.der });
    assert.deepEqual(r.chain.map((c) => c.commonName), ['localhost']);
    assert.equal(r.complete, false);
    assert.equal(r.valid, false);
    const inc = r.findings.find((f) => f.code === 'chain-incomplete');
    assert.ok(inc);
    assert.equal(inc.severity, 'error');
    assert.match(inc.message, /ends at 'localhost', and no certificate sent by the server or trusted here issued it \('Probe Intermediate'\)/);
    assert.ok(r.findings.some((f) => f.code === 'verify-failed'));
    assert.equal(r.expect?.matches, true);

    // Trusting the whole ca-chain file hides the gap from validation, not from the probe.
    const r2 = await probe(s.port, { anchors: [inter.der, root.der] });
    assert.equal(r2.valid, true);
    assert.equal(r2.complete, false);
    assert.equal(r2.completeness, "The server does not send the intermediate CA 'Probe Intermediate' that issued 'localhost': clients that trust only the root cannot build a chain");
  });

  it('another certificate: not the expected one; a renewal not yet deployed: same key', async () => {
    const s = await start(otherKey, pem(other, inter));
    const r = await probe(s.port, { expect: leaf.der });
    assert.equal(r.valid, true, JSON.stringify(r.verify.checks.filter((c) => c.status === 'fail')));
    assert.deepEqual(r.expect && [r.expect.matches, r.expect.sameKey], [false, false]);
    assert.equal(r.findings[0].code, 'unexpected-certificate');
    assert.equal(r.findings[0].severity, 'error');
    assert.match(r.findings[0].message, /^The server serves 'other\.localhost' \(serial [0-9A-F]+\), not the expected certificate 'localhost' \(serial 1001\)$/);

    const r2 = await probe(s.port, { expect: parseCertificate(other.der) });
    assert.equal(r2.expect?.matches, true);

    const s2 = await start(leafKey, pem(leaf, inter));
    const r3 = await probe(s2.port, { expect: renewed });
    assert.deepEqual(r3.expect && [r3.expect.matches, r3.expect.sameKey], [false, true]);
    assert.deepEqual(r3.findings.map((f) => [f.severity, f.code]), [['warning', 'stale-certificate']]);
    assert.match(r3.findings[0].message, /different certificate for the same key: serial 1001, .* instead of serial 1002/);
  });

  it('sends SNI, checks the leaf against it, and uses the socket factory given', async () => {
    const s = await start(leafKey, pem(leaf, inter, root));
    const seen: tls.ConnectionOptions[] = [];
    const r = await probe(s.port, { servername: 'localhost', connect: (o) => (seen.push(o), tls.connect(o)) });
    assert.equal(r.servername, 'localhost');
    assert.deepEqual(s.sni, ['localhost']);
    assert.equal(seen[0].rejectUnauthorized, false);
    assert.deepEqual(seen[0].ca, []);
    assert.equal(r.valid, true);
    assert.equal(r.complete, true);
    assert.deepEqual(r.findings.map((f) => f.code), ['root-served']);

    const wrong = await probe(s.port, { servername: 'www.example.com' });
    assert.equal(wrong.valid, false);
    assert.ok(wrong.verify.checks.some((c) => c.id === 'host' && c.status === 'fail'));
  });

  it("without --ca, Node's bundled roots are used (and a private CA is not among them)", async () => {
    const s = await start(leafKey, pem(leaf, inter));
    const r = await probe(s.port, { anchors: undefined });
    assert.equal(r.trust, 'system');
    assert.equal(r.valid, false);
    assert.equal(r.complete, false);
  });

  it('expiring-soon for a served certificate close to its end', async () => {
    const s = await start(leafKey, pem(leaf, inter));
    const r = await probe(s.port, { now: addDays(NOW, 370) });
    assert.deepEqual(r.findings.map((f) => [f.severity, f.code]), [['warning', 'expiring-soon']]);
    assert.match(r.findings[0].message, /^The served certificate 'localhost' expires in 5 days$/);
  });
});

describe('probe: connection failures in words', function () {
  this.timeout(30_000);
  const isIo = (re: RegExp) => (e: unknown) => e instanceof PkiError && e.code === 'io' && re.test(e.message);

  it('connection refused', async () => {
    const s = await silentServer();
    const port = s.port;
    await s.close();
    await assert.rejects(probe(port), isIo(new RegExp(`^Nothing is listening on 127\\.0\\.0\\.1:${port} \\(connection refused\\)$`)));
  });

  it('timeout: no answer within the time given', async () => {
    const s = await silentServer();
    try {
      const t0 = Date.now();
      await assert.rejects(probe(s.port, { timeoutMs: 300 }), isIo(new RegExp(`^No answer from 127\\.0\\.0\\.1:${s.port} within 0\\.3 s$`)));
      assert.ok(Date.now() - t0 < 3000);
    } finally {
      await s.close();
    }
  });

  it('a port that does not speak TLS', async () => {
    const s = await silentServer('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    try {
      await assert.rejects(probe(s.port), isIo(new RegExp(`^127\\.0\\.0\\.1:${s.port} (does not speak TLS on this port|closed the connection during the TLS handshake)`)));
    } finally {
      await s.close();
    }
  });

  it('TLS alerts and resolver errors are described', () => {
    const table: [string, RegExp][] = [
      ['ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', /^h:443 refused the handshake \(protocol_version alert\): no TLS version in common/],
      ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', /^h:443 refused the handshake \(handshake_failure alert\)/],
      ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', /^h:443 requires a client certificate/],
      ['ERR_SSL_SOMETHING_NEW', /^h:443 failed the TLS handshake \(something new\)$/],
      ['ENOTFOUND', /^The host name h cannot be resolved/],
      ['EHOSTUNREACH', /^h cannot be reached from here/],
    ];
    for (const [code, re] of table) assert.match(describeProbeError(Object.assign(new Error('x'), { code }), 'h', 443), re);
    assert.equal(describeProbeError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), '::1', 8443), 'Nothing is listening on [::1]:8443 (connection refused)');
  });

  it('parseProbeTarget', () => {
    const table: [string, string, number][] = [
      ['www.example.com', 'www.example.com', 443],
      ['www.example.com:8443', 'www.example.com', 8443],
      ['https://www.example.com:9443/path?q', 'www.example.com', 9443],
      ['[::1]:8443', '::1', 8443],
      ['::1', '::1', 443],
      ['127.0.0.1:1', '127.0.0.1', 1],
    ];
    for (const [text, host, port] of table) assert.deepEqual(parseProbeTarget(text), { host, port }, text);
    for (const bad of ['host:0', 'host:70000', 'host:http', ':443']) assert.throws(() => parseProbeTarget(bad), (e: unknown) => e instanceof PkiError && e.code === 'usage', bad);
  });
});

describe('probe: workspace-ca probe', function () {
  this.timeout(30_000);
  let dir: string;
  let full: Running;
  let bare: Running;
  before(async () => {
    dir = tmpDir('wca-probe-');
    fs.writeFileSync(path.join(dir, 'root.pem'), pem(root));
    fs.writeFileSync(path.join(dir, 'leaf.pem'), pem(leaf));
    full = await tlsServer(leafKey, pem(leaf, inter));
    bare = await tlsServer(leafKey, pem(leaf));
  });
  after(async () => {
    await full?.close();
    await bare?.close();
    rm(dir);
  });
  const run = (argv: string[]) => cli(['probe', ...argv], { cwd: dir, now: AT });

  it('exit 0 for a valid, complete chain serving the expected certificate', async () => {
    const r = await run([`127.0.0.1:${full.port}`, '--ca', 'root.pem', '--expect', 'leaf.pem']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^Probed 127\\.0\\.0\\.1:${full.port} \\(TLSv1\\.[23]`));
    assert.match(r.stdout, /^ {2}0\. CN=localhost, expires 2027-01-11 \(in 374 days\), issued by CN=Probe Intermediate/m);
    assert.match(r.stdout, /^OK: valid against the given CA certificates, expected certificate served$/m);
  });

  it('exit 1 for a leaf-only server, with the reason; --json carries the result', async () => {
    const r = await run([`127.0.0.1:${bare.port}`, '--ca', 'root.pem']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /error {3}chain-incomplete: /);
    const j = await run([`127.0.0.1:${bare.port}`, '--ca', 'root.pem', '--json']);
    assert.equal(j.code, 1);
    const o = JSON.parse(j.stdout);
    assert.equal(o.complete, false);
    assert.equal(o.chain.length, 1);
  });

  it('exit 1 with the words for a closed port; exit 2 for usage and unreadable files', async () => {
    const s = await silentServer();
    const port = s.port;
    await s.close();
    const r = await run([`127.0.0.1:${port}`, '--ca', 'root.pem', '--timeout', '2']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `workspace-ca probe: Nothing is listening on 127.0.0.1:${port} (connection refused)\n`);
    assert.equal((await run([])).code, 2);
    assert.equal((await run(['127.0.0.1:1', '--timeout', 'soon'])).code, 2);
    assert.equal((await run(['127.0.0.1:1', '--ca', 'missing.pem'])).code, 2);
  });
});

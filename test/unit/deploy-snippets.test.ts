/**
 * Deploy (issue 6), fast half: snippet texts and the files they need, trust steps, the upload
 * bundle. The real servers run in test/servers/ (npm run test:servers); openssl is the oracle here.
 */
import * as assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createIntermediate, initRoot, issue } from '../../src/core/ca/ca';
import { PkiError } from '../../src/core/errors';
import { SNIPPET_TARGETS, SnippetTarget, generateSnippet, loadDeployInputs, platformBundle, relativePath, writeDeployFiles } from '../../src/core/snippets';
import { parseTrustTargets, readTrustAnchor, trustPlan } from '../../src/core/trust';
import { NodeFilePort } from '../../src/node/nodeFilePort';
import { AT, cli, ctx, mode, opensslOk, rm, tmpDir } from './support/pki';

const PASS = 'server-pass';
const port = new NodeFilePort();

describe('deploy: snippets, trust, bundle', function () {
  this.timeout(60_000);
  let dir: string;
  let ca: string;
  let server: string;
  let client: string;
  before(async () => {
    dir = tmpDir('wca-deploy-');
    ca = path.join(dir, 'ca');
    await initRoot(ctx(), ca, { subject: { CN: 'Example Root CA' }, keyType: 'p256' });
    await createIntermediate(ctx(), ca, { subject: { CN: 'Example Intermediate CA' }, keyType: 'p256' });
    server = (await issue(ctx(), ca, { profile: 'server', subject: { CN: 'www.example.com' }, sans: [{ type: 'dns', value: 'www.example.com' }, { type: 'dns', value: '*.api.example.com' }, { type: 'ip', value: '127.0.0.1' }], keyType: 'p256', keyPassphrase: PASS })).certPath;
    client = (await issue(ctx(), ca, { profile: 'client', subject: { CN: 'alice' }, keyType: 'p256' })).certPath;
  });
  after(() => rm(dir));

  const table: { target: SnippetTarget; languageId: string; want: RegExp[] }[] = [
    { target: 'tornado', languageId: 'python', want: [/load_cert_chain\(CERT_CHAIN, KEY_FILE, password=os\.environ\["KEY_PASSPHRASE"\]\)/, /fullchain\.pem/, /ssl\.CERT_REQUIRED/, /cafile=CA_FILE/] },
    { target: 'apache', languageId: 'apacheconf', want: [/SSLCertificateFile .*www\.example\.com\.fullchain\.pem/, /SSLCertificateKeyFile .*www\.example\.com\.nopass\.key\.pem/, /SSLVerifyClient require/, /SSLVerifyDepth 2/, /AddType application\/x-x509-ca-cert \.crt/, /ServerAlias \*\.api\.example\.com 127\.0\.0\.1/] },
    { target: 'nginx', languageId: 'nginx', want: [/server_name www\.example\.com \*\.api\.example\.com 127\.0\.0\.1;/, /ssl_certificate +.*fullchain\.pem;/, /ssl_verify_client on;/, /ssl_verify_depth 2;/] },
    { target: 'stunnel', languageId: 'ini', want: [/cert = .*www\.example\.com\.combined\.pem/, /verifyChain = yes/, /CAfile = .*ca-chain\.cert\.pem/] },
    { target: 'haproxy', languageId: 'haproxy', want: [/bind :443 ssl crt .*combined\.pem .*ca-file .*ca-chain\.cert\.pem verify required/] },
    { target: 'node', languageId: 'javascript', want: [/passphrase: process\.env\["KEY_PASSPHRASE"\]/, /requestCert: true/] },
    { target: 'requests', languageId: 'python', want: [/URL = "https:\/\/www\.example\.com:443\/"/, /cert=\(CLIENT_CERT, CLIENT_KEY\)/] },
    { target: 'node-client', languageId: 'javascript', want: [/host: "www\.example\.com"/, /cert: fs\.readFileSync/] },
    { target: 'curl', languageId: 'shellscript', want: [/--cacert "\$CA_FILE" --cert "\$CLIENT_CERT"/, /-verify_hostname "\$HOST" -verify_return_error/] },
  ];
  for (const t of table) {
    it(`${t.target}: mTLS snippet, paths relative to the workspace`, async () => {
      const inputs = await loadDeployInputs(port, server, { clientCertPath: client });
      const r = generateSnippet(t.target, inputs, { mtls: true, relativeTo: dir, keyPassphrase: PASS });
      assert.equal(r.languageId, t.languageId);
      for (const w of t.want) assert.match(r.text, w);
      assert.doesNotMatch(r.text, new RegExp(dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')), 'relative paths only');
      assert.ok(r.files.every((f) => f.shownPath.startsWith('./')), JSON.stringify(r.files.map((f) => f.shownPath)));
    });
  }

  it('covers every target in the table', () => assert.deepEqual(table.map((t) => t.target).sort(), [...SNIPPET_TARGETS].sort()));

  it('writes the derived files: full chain, combined PEM and unencrypted key (0600) that openssl reads', async () => {
    const inputs = await loadDeployInputs(port, server);
    for (const target of ['nginx', 'haproxy'] as const) {
      const r = generateSnippet(target, inputs, { keyPassphrase: PASS, absolute: true });
      await writeDeployFiles(port, r.files);
      assert.ok(r.files.some((f) => f.created));
    }
    const base = path.join(ca, 'intermediate');
    const full = path.join(base, 'certs/www.example.com.fullchain.pem');
    opensslOk(['verify', '-attime', AT, '-CAfile', path.join(ca, 'certs/ca.cert.pem'), '-untrusted', full, full]);
    const combined = path.join(base, 'private/www.example.com.combined.pem');
    const nopass = path.join(base, 'private/www.example.com.nopass.key.pem');
    assert.equal(mode(combined), '600');
    assert.equal(mode(nopass), '600');
    const text = fs.readFileSync(combined, 'utf8');
    assert.equal((text.match(/BEGIN CERTIFICATE/g) ?? []).length, 2, 'leaf + intermediate, no root');
    assert.ok(new X509Certificate(text).checkPrivateKey(createPrivateKey(text)));
    opensslOk(['pkey', '-in', nopass, '-noout']);
    // Written files are up to date: a second run has nothing left to write.
    const again = generateSnippet('haproxy', await loadDeployInputs(port, server), { keyPassphrase: PASS });
    assert.equal(again.files.filter((f) => f.contents).length, 0);
  });

  it('an encrypted key without its passphrase: the snippet names the file and warns, nothing to write', async () => {
    const dir2 = tmpDir('wca-deploy2-');
    try {
      const inputs = await loadDeployInputs(port, server);
      inputs.existing = {};
      inputs.privateDir = dir2;
      const r = generateSnippet('stunnel', inputs, {});
      assert.match(r.text, /cert = .*combined\.pem/);
      assert.ok(r.warnings.some((w) => /encrypted.*passphrase/.test(w)), r.warnings.join('\n'));
      assert.equal(r.files.find((f) => f.role === 'combined')?.contents, undefined);
    } finally {
      rm(dir2);
    }
  });

  it('refusals: mTLS client without a client certificate; a host the certificate does not name is a warning', async () => {
    const inputs = await loadDeployInputs(port, server);
    assert.throws(() => generateSnippet('curl', inputs, { mtls: true }), (e) => e instanceof PkiError && e.code === 'usage' && /client certificate/.test(e.message));
    const r = generateSnippet('requests', inputs, { host: 'wrong.example.com' });
    assert.ok(r.warnings.some((w) => /wrong\.example\.com is not one of the certificate's names/.test(w)));
    assert.ok(!generateSnippet('requests', inputs, { host: 'x.api.example.com' }).warnings.length, 'wildcard covers one label');
  });

  it('relativePath', () => {
    for (const [from, to, want] of [
      ['/a/b', '/a/b/c/d.pem', './c/d.pem'],
      ['/a/b/', '/a/x.pem', '../x.pem'],
      ['/a/b', '/c/d.pem', '../../c/d.pem'],
    ]) assert.equal(relativePath(from, to), want);
  });

  it('CLI: snippet --json carries {target, languageId, text, files}; passphrases only from env/file', async () => {
    const r = await cli(['snippet', 'nginx', server, '--json', '--write-files', '--passphrase-env', 'P'], { cwd: dir, env: { P: PASS } });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.target, 'nginx');
    assert.equal(j.languageId, 'nginx');
    assert.ok(j.files.every((f: { path: string; purpose: string; created: boolean }) => f.path && f.purpose && typeof f.created === 'boolean'));
    const bad = await cli(['snippet', 'nginx', server, '--passphrase', PASS], { cwd: dir });
    assert.equal(bad.code, 2);
    const unknown = await cli(['snippet', 'lighttpd', server], { cwd: dir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown target "lighttpd"/);
  });

  it('trust: steps per OS and the files they need (PEM .crt, DER .crt, policies.json); nothing executed', async () => {
    const root = readTrustAnchor(fs.readFileSync(path.join(ca, 'certs/ca.cert.pem')));
    const plan = trustPlan(root, parseTrustTargets(['all']), { outDir: '/tmp/out' });
    const by = Object.fromEntries(plan.sections.map((s) => [s.target, s.text]));
    assert.match(by.debian, /\/usr\/local\/share\/ca-certificates\/example-root-ca\.crt[\s\S]*update-ca-certificates/);
    assert.match(by.rhel, /\/etc\/pki\/ca-trust\/source\/anchors\/[\s\S]*update-ca-trust/);
    assert.match(by.macos, /security add-trusted-cert -d -r trustRoot -k \/Library\/Keychains\/System\.keychain/);
    assert.match(by.windows, /certutil -addstore -f Root '\.\\example-root-ca\.der\.crt'/);
    assert.match(by.java, /keytool -importcert/);
    assert.match(by.node, /NODE_EXTRA_CA_CERTS=\/tmp\/out\/example-root-ca\.crt/);
    assert.match(by.python, /REQUESTS_CA_BUNDLE[\s\S]*SSL_CERT_FILE/);
    assert.match(by.docker, /COPY example-root-ca\.crt \/usr\/local\/share\/ca-certificates\//);
    const der = plan.files.find((f) => f.name === 'example-root-ca.der.crt')!;
    assert.equal(new X509Certificate(Buffer.from(der.contents)).fingerprint256, plan.sha256);
    const policies = JSON.parse(Buffer.from(plan.files.find((f) => f.name === 'policies.json')!.contents).toString());
    assert.deepEqual(policies.policies.Certificates.Install, ['/tmp/out/example-root-ca.crt']);
    assert.deepEqual(parseTrustTargets(['linux']), ['debian', 'rhel']);
    assert.throws(() => parseTrustTargets(['beos']), /Unknown trust target "beos"/);
    const inter = readTrustAnchor(fs.readFileSync(path.join(ca, 'intermediate/certs/intermediate.cert.pem')));
    assert.ok(trustPlan(inter, ['debian'], { outDir: '/x' }).warnings.some((w) => /intermediate CA, not a root/.test(w)));
  });

  it('bundle: certificate, unencrypted key (0600, warned) and CA chain that openssl accepts', async () => {
    const out = path.join(dir, 'upload');
    const r = await cli(['bundle', server, '--out', out, '--passphrase-env', 'P', '--key-format', 'traditional'], { cwd: dir, env: { P: PASS } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /without a passphrase/);
    assert.match(fs.readFileSync(path.join(out, 'www.example.com.key'), 'utf8'), /BEGIN EC PRIVATE KEY/);
    assert.equal(mode(path.join(out, 'www.example.com.key')), '600');
    opensslOk(['verify', '-attime', AT, '-CAfile', path.join(out, 'www.example.com.ca-bundle.crt'), path.join(out, 'www.example.com.crt')]);
    const again = await cli(['bundle', server, '--out', out, '--passphrase-env', 'P'], { cwd: dir, env: { P: PASS } });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists: use --force/);
    const inputs = await loadDeployInputs(port, server);
    assert.throws(() => platformBundle(inputs, { outDir: out }), (e) => e instanceof PkiError && e.code === 'passphrase-required');
  });
});

/**
 * Issue 6, proven by real servers: for every server target the generated snippet goes into a
 * minimal configuration, the server starts on 127.0.0.1 with a free port, and verifying clients
 * (the generated curl/openssl script, the Python requests and Node.js client snippets) connect:
 * success for www.example.com, failure for wrong.example.com, mTLS accepted with the issued client
 * certificate and refused without one. Servers are stopped by PID after every test, also on failure.
 *
 * Run: npm run test:servers (installs the Debian packages first: bash test/servers/install.sh).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createIntermediate, initRoot, issue, CaContext } from '../../src/core/ca/ca';
import { runCli } from '../../src/cli/main';
import { CliIo } from '../../src/cli/io';
import { NodeFilePort } from '../../src/node/nodeFilePort';
import { NODE_RESOLVE_SHIM, PY_RESOLVE_SHIM, RunResult, freePort, python, requireBinary, run, start, stopAll, tempDir, waitForPort } from './harness';

const SERVER_PASS = 'server-key-passphrase';
const CLIENT_PASS = 'client-key-passphrase';
const RESOLVE_MAP = JSON.stringify({ 'www.example.com': '127.0.0.1', 'wrong.example.com': '127.0.0.1' });
const isRoot = process.getuid?.() === 0;

let work: string;
let caDir: string;
let serverCert: string;
let clientCert: string;
let rootCert: string;

/** Runs the CLI in-process and returns its --json output. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ text: string; files: { path: string; created: boolean }[]; warnings: string[] }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), env, cwd: work, now: () => new Date() };
  const code = await runCli(args, io);
  if (code !== 0) throw new Error(`workspace-ca ${args.join(' ')} exited ${code}\n${err}`);
  return JSON.parse(out);
}

/** The snippet for a server target, files written, absolute paths, bound to 127.0.0.1:port. */
async function serverSnippet(target: string, port: number, o: { mtls?: boolean; backend?: number } = {}): Promise<string> {
  const args = ['snippet', target, serverCert, '--absolute', '--write-files', '--json', '--port', String(port), '--address', '127.0.0.1', '--passphrase-env', 'SERVER_KEY_PASS'];
  if (o.mtls) args.push('--mtls');
  if (o.backend) args.push('--backend', `127.0.0.1:${o.backend}`);
  const r = await cli(args, { SERVER_KEY_PASS: SERVER_PASS });
  return r.text;
}

async function writeClient(target: 'curl' | 'requests' | 'node-client', port: number, o: { mtls?: boolean; host?: string }): Promise<string> {
  const args = ['snippet', target, serverCert, '--absolute', '--json', '--port', String(port)];
  if (o.mtls) args.push('--mtls', '--client-cert', clientCert);
  if (o.host) args.push('--host', o.host);
  const r = await cli(args);
  const file = path.join(work, `${target}-${port}-${o.mtls ? 'mtls' : 'plain'}-${o.host ?? 'default'}.${target === 'curl' ? 'sh' : target === 'requests' ? 'py' : 'js'}`);
  fs.writeFileSync(file, r.text);
  return file;
}

/** The generated curl + openssl s_client script against 127.0.0.1:port for `host`. */
async function curlCheck(port: number, host: string, mtls = false): Promise<RunResult> {
  const script = await writeClient('curl', port, { mtls });
  return run('sh', [script], { cwd: work, env: { CHECK_HOST: host, CHECK_PORT: String(port), CHECK_ADDR: '127.0.0.1', KEY_PASSPHRASE: CLIENT_PASS } });
}

async function requestsCheck(ctx: Mocha.Context, port: number, host: string, mtls: boolean): Promise<RunResult> {
  const py = python(ctx, ['requests']);
  const script = await writeClient('requests', port, { mtls, host });
  return run(py, ['-c', PY_RESOLVE_SHIM, script], { cwd: work, env: { RESOLVE_MAP, KEY_PASSPHRASE: CLIENT_PASS } });
}

async function nodeClientCheck(port: number, host: string, mtls: boolean): Promise<RunResult> {
  const script = await writeClient('node-client', port, { mtls, host });
  const shim = path.join(work, 'resolve-shim.js');
  fs.writeFileSync(shim, NODE_RESOLVE_SHIM);
  return run(process.execPath, ['--require', shim, script], { cwd: work, env: { RESOLVE_MAP, KEY_PASSPHRASE: CLIENT_PASS } });
}

function ok(r: RunResult, what: string, body?: RegExp): void {
  assert.equal(r.status, 0, `${what} should succeed:\n${r.stdout}\n${r.stderr}`);
  if (body) assert.match(r.stdout, body, `${what}: unexpected response`);
}

function refused(r: RunResult, what: string, reason: RegExp): void {
  assert.notEqual(r.status, 0, `${what} should fail:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout + r.stderr, reason, `${what}: failed for another reason:\n${r.stdout}\n${r.stderr}`);
  if (process.env.DEPLOY_VERBOSE) console.log(`      ${what}: ${(r.stderr.trim().split("\n").pop() ?? "").slice(0, 160)}`);
}

const WRONG_NAME = /no alternative certificate subject name|subject name|hostname mismatch|does not match|doesn't match|Hostname\/IP does not match/i;
// TLS 1.3: the server's "certificate required" alert reaches the client after its handshake ends.
// Servers that close the connection instead (Tornado, stunnel) show up as a dropped connection, nginx answers 400.
const NO_CLIENT_CERT = /certificate required|alert|handshake failure|SSL_read|peer did not return a certificate|reset|closed|Empty reply|EOF|socket hang up|ECONNRESET|not connected|Recv failure|400/i;

/** Backend for stunnel and HAProxy: Python's http.server on 127.0.0.1. */
async function startBackend(ctx: Mocha.Context): Promise<number> {
  const py = python(ctx, []);
  const port = await freePort();
  const root = tempDir('backend');
  fs.writeFileSync(path.join(root, 'index.html'), 'Hello from the backend\n');
  const r = start('backend', py, ['-m', 'http.server', '--bind', '127.0.0.1', String(port)], { cwd: root });
  await waitForPort(r, port);
  return port;
}

/** The checks every server target passes, without and with mutual TLS. */
function serverSuite(name: string, launch: (ctx: Mocha.Context, port: number, mtls: boolean) => Promise<void>, body: RegExp, extra?: (port: number) => Promise<void>): void {
  describe(name, function () {
    afterEach(stopAll);

    it('verifies for www.example.com and refuses wrong.example.com', async function () {
      const port = await freePort();
      await launch(this, port, false);
      ok(await curlCheck(port, 'www.example.com'), 'curl + openssl s_client for www.example.com', body);
      refused(await curlCheck(port, 'wrong.example.com'), 'curl for wrong.example.com', WRONG_NAME);
      const sclient = await run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'wrong.example.com', '-verify_hostname', 'wrong.example.com', '-verify_return_error', '-CAfile', path.join(caDir, 'intermediate/certs/ca-chain.cert.pem'), '-brief'], { timeoutMs: 10000 });
      refused(sclient, 'openssl s_client -verify_hostname wrong.example.com', /hostname mismatch|verify error/i);
      ok(await requestsCheck(this, port, 'www.example.com', false), 'Python requests snippet', body);
      refused(await requestsCheck(this, port, 'wrong.example.com', false), 'Python requests snippet for wrong.example.com', /doesn't match|does not match|hostname mismatch|CERTIFICATE_VERIFY_FAILED/i);
      ok(await nodeClientCheck(port, 'www.example.com', false), 'Node https client snippet', body);
      refused(await nodeClientCheck(port, 'wrong.example.com', false), 'Node https client snippet for wrong.example.com', /Hostname\/IP does not match|altnames/i);
      await extra?.(port);
    });

    it('mTLS: accepts the issued client certificate, refuses a client without one', async function () {
      const port = await freePort();
      await launch(this, port, true);
      ok(await curlCheck(port, 'www.example.com', true), 'curl with the client certificate', body);
      refused(await curlCheck(port, 'www.example.com', false), 'curl without a client certificate', NO_CLIENT_CERT);
      ok(await requestsCheck(this, port, 'www.example.com', true), 'Python requests snippet with the client certificate');
      ok(await nodeClientCheck(port, 'www.example.com', true), 'Node https client snippet with the client certificate');
      refused(await nodeClientCheck(port, 'www.example.com', false), 'Node https client without a client certificate', NO_CLIENT_CERT);
    });
  });
}

describe('deploy: generated snippets on real servers', function () {
  this.timeout(60000);

  before(async function () {
    work = tempDir('deploy');
    caDir = path.join(work, 'ca');
    // TLS peers check validity against the wall clock, so these CAs use real time (the one place
    // where tests do; STYLE.md §10 otherwise fixes the clock).
    const ctx: CaContext = { fs: new NodeFilePort(), now: () => new Date(), caPassphrase: async () => undefined };
    await initRoot(ctx, caDir, { subject: { CN: 'Deploy Test Root CA', O: 'Example' }, keyType: 'p256' });
    await createIntermediate(ctx, caDir, { subject: { CN: 'Deploy Test Intermediate CA', O: 'Example' }, keyType: 'p256' });
    const s = await issue(ctx, caDir, { profile: 'server', subject: { CN: 'www.example.com' }, sans: [{ type: 'dns', value: 'www.example.com' }, { type: 'ip', value: '127.0.0.1' }], keyType: 'p256', keyPassphrase: SERVER_PASS });
    const c = await issue(ctx, caDir, { profile: 'client', subject: { CN: 'alice' }, keyType: 'p256', keyPassphrase: CLIENT_PASS });
    serverCert = s.certPath;
    clientCert = c.certPath;
    rootCert = path.join(caDir, 'certs/ca.cert.pem');
  });

  after(async function () {
    await stopAll();
    if (work && !process.env.KEEP_DEPLOY_TMP) fs.rmSync(work, { recursive: true, force: true });
  });

  serverSuite(
    'tornado',
    async (ctx, port, mtls) => {
      const py = python(ctx, ['tornado']);
      const file = path.join(work, `tornado-${port}.py`);
      fs.writeFileSync(file, await serverSnippet('tornado', port, { mtls }));
      await waitForPort(start('tornado', py, [file], { cwd: work, env: { KEY_PASSPHRASE: SERVER_PASS } }), port);
    },
    /Hello .*www\.example\.com over TLS/,
  );

  serverSuite(
    'node https',
    async (_ctx, port, mtls) => {
      const file = path.join(work, `node-${port}.js`);
      fs.writeFileSync(file, await serverSnippet('node', port, { mtls }));
      await waitForPort(start('node', process.execPath, [file], { cwd: work, env: { KEY_PASSPHRASE: SERVER_PASS } }), port);
    },
    /Hello .*www\.example\.com over TLS/,
  );

  serverSuite(
    'nginx',
    async (ctx, port, mtls) => {
      const bin = requireBinary(ctx, ['/usr/sbin/nginx', 'nginx'], 'nginx');
      const dir = tempDir('nginx');
      const conf = [
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log warn;`,
        'daemon off;',
        'worker_processes 1;',
        'events { worker_connections 64; }',
        'http {',
        '    access_log off;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${dir}/${t};`),
        await serverSnippet('nginx', port, { mtls }),
        '}',
      ].join('\n');
      fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
      await waitForPort(start('nginx', bin, ['-p', dir, '-c', `${dir}/nginx.conf`, '-e', `${dir}/error.log`], { cwd: dir, logFiles: [`${dir}/error.log`] }), port);
    },
    /Hello from www\.example\.com over TLS/,
  );

  serverSuite(
    'apache',
    async (ctx, port, mtls) => {
      const bin = requireBinary(ctx, ['/usr/sbin/apache2', 'httpd'], 'apache2');
      const dir = tempDir('apache');
      const docroot = path.join(dir, 'htdocs');
      fs.mkdirSync(docroot, { mode: 0o755 });
      fs.writeFileSync(path.join(docroot, 'index.html'), 'Hello from Apache over TLS\n');
      // The root CA published for download (the AddType line of the snippet).
      fs.copyFileSync(rootCert, path.join(docroot, 'ca.crt'));
      const mods = '/usr/lib/apache2/modules';
      const conf = [
        `ServerRoot ${dir}`,
        'ServerName localhost',
        `PidFile ${dir}/apache.pid`,
        `ErrorLog ${dir}/error.log`,
        'LogLevel warn',
        `DefaultRuntimeDir ${dir}`,
        ...['mpm_event', 'authz_core', 'mime', 'dir', 'socache_shmcb', 'ssl'].map((m) => `LoadModule ${m}_module ${mods}/mod_${m}.so`),
        ...(isRoot ? ['User www-data', 'Group www-data'] : []),
        'TypesConfig /etc/mime.types',
        `DocumentRoot ${docroot}`,
        `<Directory ${docroot}>`,
        '    Require all granted',
        '</Directory>',
        'DirectoryIndex index.html',
        `SSLSessionCache shmcb:${dir}/ssl_scache(512000)`,
        await serverSnippet('apache', port, { mtls }),
      ].join('\n');
      fs.writeFileSync(path.join(dir, 'httpd.conf'), conf);
      await waitForPort(start('apache', bin, ['-f', `${dir}/httpd.conf`, '-DFOREGROUND'], { cwd: dir, logFiles: [`${dir}/error.log`] }), port);
    },
    /Hello from Apache over TLS/,
    async (port) => {
      // The snippet's AddType line: the published root CA is served as application/x-x509-ca-cert.
      const r = await run('curl', ['-sS', '--max-time', '10', '-o', '/dev/null', '-w', '%{content_type}', '--cacert', path.join(caDir, 'intermediate/certs/ca-chain.cert.pem'), '--resolve', `www.example.com:${port}:127.0.0.1`, `https://www.example.com:${port}/ca.crt`]);
      ok(r, 'download of the published root CA');
      assert.equal(r.stdout.trim(), 'application/x-x509-ca-cert');
    },
  );

  serverSuite(
    'stunnel',
    async (ctx, port, mtls) => {
      const bin = requireBinary(ctx, ['/usr/bin/stunnel4', '/usr/bin/stunnel', 'stunnel'], 'stunnel4');
      const backend = await startBackend(ctx);
      const dir = tempDir('stunnel');
      const conf = ['foreground = yes', `pid = ${dir}/stunnel.pid`, 'debug = warning', await serverSnippet('stunnel', port, { mtls, backend })].join('\n');
      fs.writeFileSync(path.join(dir, 'stunnel.conf'), conf);
      await waitForPort(start('stunnel', bin, [`${dir}/stunnel.conf`], { cwd: dir }), port);
    },
    /Hello from the backend/,
  );

  serverSuite(
    'haproxy',
    async (ctx, port, mtls) => {
      const bin = requireBinary(ctx, ['/usr/sbin/haproxy', 'haproxy'], 'haproxy');
      const backend = await startBackend(ctx);
      const dir = tempDir('haproxy');
      const conf = ['global', `    pidfile ${dir}/haproxy.pid`, 'defaults', '    mode http', '    timeout connect 5s', '    timeout client 10s', '    timeout server 10s', await serverSnippet('haproxy', port, { mtls, backend })].join('\n');
      fs.writeFileSync(path.join(dir, 'haproxy.cfg'), conf);
      await waitForPort(start('haproxy', bin, ['-f', `${dir}/haproxy.cfg`, '-db'], { cwd: dir }), port);
    },
    /Hello from the backend/,
  );
});

describe('deploy: trust files and the upload bundle on a real server', function () {
  this.timeout(60000);
  let dir: string;
  afterEach(stopAll);
  after(() => {
    if (dir && !process.env.KEEP_DEPLOY_TMP) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('nginx serves the bundle files; Node (NODE_EXTRA_CA_CERTS) and Python (SSL_CERT_FILE) trust the written root .crt', async function () {
    const bin = requireBinary(this, ['/usr/sbin/nginx', 'nginx'], 'nginx');
    const py = python(this, []);
    dir = tempDir('trust');
    const ca = path.join(dir, 'ca');
    const ctx: CaContext = { fs: new NodeFilePort(), now: () => new Date(), caPassphrase: async () => undefined };
    await initRoot(ctx, ca, { subject: { CN: 'Trust Test Root CA' }, keyType: 'p256' });
    await createIntermediate(ctx, ca, { subject: { CN: 'Trust Test Intermediate CA' }, keyType: 'p256' });
    const s = await issue(ctx, ca, { profile: 'server', subject: { CN: 'www.example.com' }, sans: [{ type: 'dns', value: 'www.example.com' }], keyType: 'p256', keyPassphrase: SERVER_PASS });
    let err = '';
    const io: CliIo = { out: () => undefined, err: (t) => (err += t), env: { PASS: SERVER_PASS }, cwd: dir, now: () => new Date() };
    assert.equal(await runCli(['bundle', s.certPath, '--out', 'upload', '--passphrase-env', 'PASS'], io), 0, err);
    assert.equal(await runCli(['trust', ca, '--os', 'node,python', '--write', 'trust'], io), 0, err);
    const crt = path.join(dir, 'trust/trust-test-root-ca.crt');
    assert.ok(fs.existsSync(crt), `trust --write did not create ${crt}`);

    const port = await freePort();
    const conf = [
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'daemon off;',
      'events { worker_connections 64; }',
      'http {',
      '    access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${dir}/${t};`),
      '    server {',
      `        listen 127.0.0.1:${port} ssl;`,
      '        server_name www.example.com;',
      `        ssl_certificate ${dir}/upload/www.example.com.fullchain.crt;`,
      `        ssl_certificate_key ${dir}/upload/www.example.com.key;`,
      '        location / { return 200 "bundle ok\\n"; }',
      '    }',
      '}',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
    await waitForPort(start('nginx', bin, ['-p', dir, '-c', `${dir}/nginx.conf`, '-e', `${dir}/error.log`], { cwd: dir, logFiles: [`${dir}/error.log`] }), port);

    const shim = path.join(dir, 'resolve-shim.js');
    fs.writeFileSync(shim, NODE_RESOLVE_SHIM);
    const nodeGet = `require('node:https').get('https://www.example.com:${port}/', { timeout: 10000 }, (r) => { r.pipe(process.stdout); }).on('error', (e) => { console.error(e.message); process.exitCode = 1; });`;
    ok(await run(process.execPath, ['--require', shim, '-e', nodeGet], { env: { RESOLVE_MAP, NODE_EXTRA_CA_CERTS: crt } }), 'Node with NODE_EXTRA_CA_CERTS', /bundle ok/);
    refused(await run(process.execPath, ['--require', shim, '-e', nodeGet], { env: { RESOLVE_MAP, NODE_EXTRA_CA_CERTS: '' } }), 'Node without the root CA', /unable to get local issuer|self.signed|unable to verify/i);

    const pyFile = path.join(dir, 'get.py');
    fs.writeFileSync(pyFile, `import urllib.request\nprint(urllib.request.urlopen("https://www.example.com:${port}/", timeout=10).read().decode())\n`);
    ok(await run(py, ['-c', PY_RESOLVE_SHIM, pyFile], { env: { RESOLVE_MAP, SSL_CERT_FILE: crt } }), 'Python with SSL_CERT_FILE', /bundle ok/);
  });
});

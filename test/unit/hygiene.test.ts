/**
 * Issue 9.5 and 9.6: key hygiene (modes after every command, passphrases never on the command
 * line, in output or in debug traces, a warning for an unencrypted CA key) and path safety (a
 * typed name never writes outside the folder it is meant for).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { safeFileBase } from '../../src/core/ca/layout';
import { PkiError } from '../../src/core/errors';
import { VERBS } from '../../src/cli/verbs';
import { cli, cliProcess, mode, rm, snapshot, tmpDir } from './support/pki';

const SECRET = 'Corr3ct-Horse-Battery';
const WRONG = 'Wr0ng-Staple-9147';
const ENV = { KP: SECRET, WP: WRONG, P12: 'p12-Secret-55' };

/** Every private key file (by content) and p12 is 0600; every private/ folder is 0700. */
function checkModes(root: string, after: string): void {
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name === 'private') assert.equal(mode(p), '700', `${after}: ${path.relative(root, p)}/`);
        walk(p);
      } else if (/\.(p12|pfx)$/.test(e.name) || fs.readFileSync(p, 'latin1').includes('PRIVATE KEY-----')) {
        assert.equal(mode(p), '600', `${after}: ${path.relative(root, p)}`);
      }
    }
  };
  walk(root);
}

describe('key hygiene (issue 9.5)', function () {
  this.timeout(120_000);
  let dir: string;
  let umask: number;
  before(() => {
    dir = tmpDir('wca-hyg-');
    umask = process.umask(0); // modes must come from chmod, not from a kind umask
  });
  after(() => {
    process.umask(umask);
    rm(dir);
  });

  const steps: [string, string[]][] = [
    ['init', ['init', 'ca', '--cn', 'Hygiene Root', '--org', 'Example', '--key-type', 'p256', '--passphrase-env', 'KP']],
    ['intermediate', ['intermediate', 'ca', '--cn', 'Hygiene Intermediate', '--key-type', 'p256', '--ca-passphrase-env', 'KP', '--passphrase-env', 'KP']],
    ['issue', ['issue', 'ca', '--cn', 'www.example.com', '--key-type', 'p256', '--ca-passphrase-env', 'KP']],
    ['key', ['key', 'loose.key.pem', '--key-type', 'p256']],
    ['export --format pem', ['export', 'ca/intermediate/certs/www.example.com.cert.pem', '--format', 'pem', '--out', 'www.pem']],
    ['export --format p12', ['export', 'ca/intermediate/certs/www.example.com.cert.pem', '--format', 'p12', '--out', 'www.p12', '--password-env', 'P12']],
    ['renew', ['renew', 'ca', 'ca/intermediate/certs/www.example.com.cert.pem', '--ca-passphrase-env', 'KP']],
    ['bundle', ['bundle', 'ca/intermediate/certs/www.example.com.cert.pem', '--out', 'upload']],
    ['snippet --write-files', ['snippet', 'haproxy', 'ca/intermediate/certs/www.example.com.cert.pem', '--write-files']],
  ];
  for (const [name, argv] of steps) {
    it(`after ${name}: keys 0600, private folders 0700 (umask 0); the passphrase is in no output`, async () => {
      const r = await cli(argv, { cwd: dir, env: { ...ENV, WORKSPACE_CA_DEBUG: '1' } });
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
      checkModes(dir, name);
      assert.ok(!(r.stdout + r.stderr).includes(SECRET), 'passphrase not echoed');
    });
  }

  it('an unencrypted CA key is written with a warning', async () => {
    const d = tmpDir('wca-hyg-plain-');
    try {
      const r = await cli(['init', 'ca', '--cn', 'Plain Root', '--key-type', 'p256'], { cwd: d });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /warning: The private key .*ca\.key\.pem is not encrypted/);
    } finally {
      rm(d);
    }
  });

  it('a wrong passphrase is refused without echoing it, also with WORKSPACE_CA_DEBUG stack traces (real process)', () => {
    const r = cliProcess(['issue', 'ca', '--cn', 'wrong.example.com', '--key-type', 'p256', '--ca-passphrase-env', 'WP'], { cwd: dir, env: { ...ENV, WORKSPACE_CA_DEBUG: '1' } });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /passphrase/i);
    assert.ok(!(r.stdout + r.stderr).includes(WRONG), r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes(SECRET));
  });

  it('no verb takes a passphrase on the command line (it would be visible in /proc/<pid>/cmdline and shell history)', async () => {
    for (const v of VERBS) {
      for (const opt of ['--passphrase', '--password', '--pass', '--ca-passphrase', '--passin']) {
        const r = await cli([v.name, opt, SECRET], { cwd: dir });
        assert.equal(r.code, 2, `${v.name} ${opt}`);
        assert.match(r.stderr, /unknown option/, `${v.name} ${opt}`);
      }
      // Options that take a secret take where to find it (a variable name or a file), never the secret.
      for (const m of v.help.matchAll(/--([a-z-]*pass[a-z-]*[a-z])\b(?!-\*)/g)) assert.match(m[1], /-(env|file|var)$/, `${v.name} --${m[1]}`);
    }
  });

  it('the CLI and core never start a process (nothing could carry a passphrase in its argv)', () => {
    const src = path.resolve(__dirname, '../../../src');
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && /child_process/.test(fs.readFileSync(p, 'utf8'))) offenders.push(path.relative(src, p));
      }
    };
    for (const d of ['core', 'cli', 'node']) walk(path.join(src, d));
    assert.deepEqual(offenders, []);
  });
});

describe('path safety (issue 9.6)', function () {
  this.timeout(60_000);

  const refused = (e: unknown) => e instanceof PkiError && e.code === 'usage';
  const table: { input: string; want: string | 'refused' }[] = [
    { input: '../../etc/x', want: 'refused' },
    { input: '..', want: 'refused' },
    { input: '/etc/passwd', want: 'refused' },
    { input: 'C:\\Windows\\x', want: 'refused' },
    { input: 'a/../../b', want: 'refused' },
    { input: '', want: 'refused' },
    { input: 'nul\u0000byte', want: 'nul_byte' },
    { input: 'CON', want: '_CON' },
    { input: 'con.example', want: '_con.example' },
    { input: 'LPT1', want: '_LPT1' },
    { input: 'console.example.com', want: 'console.example.com' },
    { input: '.hidden', want: '_hidden' },
    { input: '*.example.com', want: 'wildcard.example.com' },
    { input: 'a<b>c:"d|e?f*', want: 'a_b_c_d_e_f_' },
    { input: 'x'.repeat(10_000), want: 'x'.repeat(100) },
  ];
  for (const t of table) {
    it(`safeFileBase(${JSON.stringify(t.input.length > 40 ? t.input.slice(0, 20) + '…' : t.input)}) → ${t.want.length > 40 ? t.want.slice(0, 20) + '…' : t.want}`, () => {
      if (t.want === 'refused') assert.throws(() => safeFileBase(t.input), refused);
      else assert.equal(safeFileBase(t.input), t.want);
    });
  }

  it('the CLI refuses names that would leave the CA folder, and writes nothing anywhere', async () => {
    const outer = tmpDir('wca-path-');
    try {
      const dir = path.join(outer, 'work');
      fs.mkdirSync(dir);
      assert.equal((await cli(['init', 'ca', '--cn', 'Path Root', '--key-type', 'p256'], { cwd: dir })).code, 0);
      const before = snapshot(outer);
      for (const argv of [
        ['issue', 'ca', '--cn', 'ok.example.com', '--name', '../../escape', '--key-type', 'p256'],
        ['issue', 'ca', '--cn', 'ok.example.com', '--name', '/tmp/escape', '--key-type', 'p256'],
        ['issue', 'ca', '--cn', '../../escape', '--key-type', 'p256'],
      ]) {
        const r = await cli(argv, { cwd: dir });
        assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /cannot be used as a file name/);
      }
      assert.deepEqual(snapshot(outer), before, 'no file written or changed');
      // bundle --name is a base name inside --out, never a path.
      assert.equal((await cli(['issue', 'ca', '--cn', 'www.example.com', '--key-type', 'p256'], { cwd: dir })).code, 0);
      const r = await cli(['bundle', 'ca/certs/www.example.com.cert.pem', '--out', 'upload', '--name', '../../escaped'], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.ok(!fs.existsSync(path.join(outer, 'escaped.key')) && !fs.existsSync(path.join(dir, 'escaped.key')));
      const ok = await cli(['bundle', 'ca/certs/www.example.com.cert.pem', '--out', 'upload', '--name', 'CON'], { cwd: dir });
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(fs.readdirSync(path.join(dir, 'upload')).sort(), ['_CON.ca-bundle.crt', '_CON.crt', '_CON.fullchain.crt', '_CON.key']);
    } finally {
      rm(outer);
    }
  });
});

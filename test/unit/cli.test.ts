/** The CLI contract: verbs listed, --help per verb, exit codes 0/1/2, --json output. */
import * as assert from 'node:assert/strict';
import { VERBS } from '../../src/cli/verbs';
import { cli, cliProcess, rm, tmpDir } from './support/pki';

describe('CLI contract', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = tmpDir('wca-cli-')));
  after(() => rm(dir));

  it('lists every verb, and each has its own --help with a usage line', async () => {
    const top = await cli(['--help'], { cwd: dir });
    assert.equal(top.code, 0);
    for (const v of ['init', 'intermediate', 'key', 'csr', 'sign', 'issue', 'revoke', 'crl', 'renew', 'inspect', 'chain', 'export']) {
      assert.ok(VERBS.some((x) => x.name === v), `verb ${v} exists`);
      assert.match(top.stdout, new RegExp(`\\n  ${v} +\\S`), `verb ${v} listed`);
      const h = await cli([v, '--help'], { cwd: dir });
      assert.equal(h.code, 0);
      assert.match(h.stdout, new RegExp(`^Usage: workspace-ca ${v}`));
    }
  });

  const usage: { argv: string[]; msg: RegExp }[] = [
    { argv: ['frobnicate'], msg: /unknown verb "frobnicate"/ },
    { argv: ['issue', 'ca'], msg: /issue needs --cn/ },
    { argv: ['issue', 'ca', '--cn', 'x', '--key-type', 'rsa1024'], msg: /unknown key type "rsa1024"/ },
    { argv: ['issue', 'ca', '--cn', 'x', '--profile', 'root-ca'], msg: /--profile must be one of/ },
    { argv: ['issue', 'ca', '--cn', 'x', '--days', 'ten'], msg: /--days must be a whole number/ },
    { argv: ['issue', 'ca', '--cn', 'x', '--san', 'IP:1.2.3'], msg: /not an IPv4 or IPv6 address/ },
    { argv: ['init'], msg: /init needs the CA folder/ },
    { argv: ['revoke', 'ca', 'x.pem', '--reason', 'boredom'], msg: /Unknown revocation reason "boredom"/ },
    { argv: ['init', 'ca', '--cn', 'x', '-p', 'secret'], msg: /unknown option -p/ },
    { argv: ['init', 'ca', '--cn', 'x', '--passphrase-env', 'NOT_SET_ANYWHERE'], msg: /environment variable NOT_SET_ANYWHERE is not set/ },
  ];
  for (const u of usage) {
    it(`exit 2 for: workspace-ca ${u.argv.join(' ')}`, async () => {
      const r = await cli(u.argv, { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, u.msg);
    });
  }

  it('the bundled dist/cli.js runs as a process: --version, exit 2 on usage, --json on success', () => {
    const v = cliProcess(['--version'], { cwd: dir });
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
    assert.equal(cliProcess(['issue'], { cwd: dir }).code, 2);
    const init = cliProcess(['init', 'pca', '--cn', 'Process Root', '--key-type', 'ed25519', '--json'], { cwd: dir });
    assert.equal(init.code, 0, init.stderr);
    const out = JSON.parse(init.stdout) as { files: string[]; warnings: string[] };
    assert.equal(out.files.length, 3);
    assert.match(out.warnings[0], /is not encrypted/);
  });
});

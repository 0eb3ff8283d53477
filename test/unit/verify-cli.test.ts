/** `workspace-ca verify`: exit codes 0/1/2, the text report, the --json shape, io.now() as the clock. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { CliIo } from '../../src/cli/io';
import { parseAt } from '../../src/cli/verbs/verify';
import { DAY, NOW, standardChain } from './verify-helpers';

function fakeIo(cwd: string, now = NOW): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    env: {},
    cwd,
    now: () => now,
  };
  return io;
}

describe('workspace-ca verify', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wca-verify-'));
    const { root, inter, leaf } = standardChain();
    writeFileSync(path.join(dir, 'root.pem'), root.pem);
    writeFileSync(path.join(dir, 'inter.pem'), inter.pem);
    writeFileSync(path.join(dir, 'ca-chain.pem'), inter.pem + root.pem);
    writeFileSync(path.join(dir, 'leaf.pem'), leaf.pem);
    writeFileSync(path.join(dir, 'fullchain.pem'), leaf.pem + inter.pem);
    writeFileSync(path.join(dir, 'leaf.der'), leaf.der);
    writeFileSync(path.join(dir, 'junk.pem'), 'hello\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const table: { name: string; argv: string[]; code: number; out?: RegExp; err?: RegExp; now?: Date }[] = [
    { name: 'valid chain via --untrusted', argv: ['leaf.pem', '--ca', 'root.pem', '--untrusted', 'inter.pem', '--host', 'www.example.com'], code: 0, out: /^OK: 'CN=www.example.com' is valid for www.example.com \(serverAuth\) at 2025-06-01T12:00:00.000Z/ },
    { name: 'ca-chain file as --ca', argv: ['leaf.pem', '--ca', 'ca-chain.pem'], code: 0, out: /\[root, trusted\]|\[intermediate/ },
    { name: 'DER leaf', argv: ['leaf.der', '--ca', 'ca-chain.pem'], code: 0 },
    { name: 'leaf file with its intermediate says so', argv: ['fullchain.pem', '--ca', 'root.pem'], code: 0, out: /note: The certificate file holds 2 certificates: the first is verified, the other 1 were used as untrusted intermediates/ },
    {
      name: 'missing intermediate: exit 1 with the reason and the fix',
      argv: ['leaf.pem', '--ca', 'root.pem'],
      code: 1,
      out: /INVALID[\s\S]*The issuer 'Example Intermediate CA' of 'www.example.com' is missing[\s\S]*fix: add the certificate of 'Example Intermediate CA'/,
    },
    { name: 'wrong host: exit 1', argv: ['leaf.pem', '--ca', 'ca-chain.pem', '--host', 'example.com'], code: 1, out: /names www.example.com but you asked for example.com/ },
    { name: 'io.now() is the clock when --at is absent', argv: ['leaf.pem', '--ca', 'ca-chain.pem'], code: 1, now: new Date(NOW.getTime() + 400 * DAY), out: /expired/ },
    { name: '--at overrides the clock', argv: ['leaf.pem', '--ca', 'ca-chain.pem', '--at', '2025-06-01T12:00:00Z'], code: 0, now: new Date(NOW.getTime() + 400 * DAY) },
    { name: 'clientAuth purpose', argv: ['leaf.pem', '--ca', 'ca-chain.pem', '--purpose', 'clientAuth'], code: 0 },
    { name: 'usage: no --ca', argv: ['leaf.pem'], code: 2, err: /--ca <trusted.pem> is required/ },
    { name: 'usage: no certificate', argv: ['--ca', 'root.pem'], code: 2, err: /which certificate\?/ },
    { name: 'usage: bad --purpose', argv: ['leaf.pem', '--ca', 'root.pem', '--purpose', 'codeSigning'], code: 2, err: /--purpose must be serverAuth or clientAuth/ },
    { name: 'usage: bad --at', argv: ['leaf.pem', '--ca', 'root.pem', '--at', 'yesterday'], code: 2, err: /--at must be an ISO 8601 time/ },
    { name: 'unreadable: missing file', argv: ['nope.pem', '--ca', 'root.pem'], code: 2, err: /cannot read the certificate nope.pem: no such file/ },
    { name: 'unreadable: not a certificate', argv: ['junk.pem', '--ca', 'root.pem'], code: 2, err: /Neither PEM text nor a DER structure/ },
    { name: 'unknown option', argv: ['leaf.pem', '--ca', 'root.pem', '--crl', 'x'], code: 2, err: /unknown option --crl/ },
  ];

  for (const t of table) {
    it(t.name, async () => {
      const io = fakeIo(dir, t.now);
      const code = await runCli(['verify', ...t.argv], io);
      assert.equal(code, t.code, `stdout: ${io.stdout}\nstderr: ${io.stderr}`);
      if (t.out) assert.match(io.stdout, t.out);
      if (t.err) assert.match(io.stderr, t.err);
    });
  }

  it('--json prints one object whose valid matches the exit code', async () => {
    for (const [argv, code] of [
      [['leaf.pem', '--ca', 'ca-chain.pem', '--host', 'www.example.com', '--json'], 0],
      [['leaf.pem', '--ca', 'root.pem', '--json'], 1],
    ] as const) {
      const io = fakeIo(dir);
      assert.equal(await runCli(['verify', ...argv], io), code);
      const j = JSON.parse(io.stdout);
      assert.equal(j.valid, code === 0);
      assert.ok(Array.isArray(j.chain) && j.chain.length >= 1);
      assert.deepEqual(Object.keys(j.chain[0]).sort(), ['issuer', 'notAfter', 'notBefore', 'role', 'serial', 'sha256', 'subject', 'trusted']);
      assert.ok(j.checks.every((c: { id: string; status: string; message: string }) => typeof c.id === 'string' && ['pass', 'fail', 'skip'].includes(c.status) && c.message.length > 0));
      if (code === 1) assert.equal(j.checks[0].status, 'fail');
    }
  });

  it('parses --at forms', () => {
    assert.equal(parseAt('2025-01-31').toISOString(), '2025-01-31T00:00:00.000Z');
    assert.equal(parseAt('2025-01-31T10:20:30+02:00').toISOString(), '2025-01-31T08:20:30.000Z');
    assert.throws(() => parseAt('2025-02-30T00:00:00Z'), /not a valid date/);
  });
});

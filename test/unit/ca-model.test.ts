import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createIntermediate, initRoot, issue } from '../../src/core/ca/ca';
import { FilePort } from '../../src/core/ca/fileport';
import { formatIndexLine } from '../../src/core/ca/indexTxt';
import { FLAT_LIMIT, GROUP_LIMIT, CertGroup, CertModel, groupCerts, loadCa, loadCertDetail } from '../../src/core/ca/model';
import { parseSans } from '../../src/core/san';
import { NodeFilePort } from '../../src/node/nodeFilePort';

const NOW = new Date('2026-03-02T10:00:00Z');
const DAY = 86_400_000;

/** A NodeFilePort that counts reads, so a test can tell whether certificate files were parsed. */
class CountingPort extends NodeFilePort {
  reads: string[] = [];
  override async readFile(p: string): Promise<Uint8Array> {
    this.reads.push(p);
    return super.readFile(p);
  }
}

describe('core/ca/model (the CA tree model)', function () {
  this.timeout(60000);
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-model-'));
    const ctx = { fs: new NodeFilePort() as FilePort, now: () => NOW, caPassphrase: async () => undefined };
    await initRoot(ctx, dir, { subject: { CN: 'Model Root CA' }, keyType: 'p256', days: 3650 });
    await createIntermediate(ctx, dir, { subject: { CN: 'Model Intermediate CA' }, keyType: 'p256', days: 1825 });
    await issue(ctx, dir, { profile: 'server', subject: { CN: 'real.test' }, sans: parseSans('real.test'), keyType: 'p256', days: 90 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('places index lines on files by name without parsing them; parses one on demand', async () => {
    const port = new CountingPort();
    const ca = await loadCa(port, dir, [`${dir}/intermediate`], NOW);
    const inter = ca.children[0];
    assert.equal(inter.cert?.label, 'Model Intermediate CA');
    assert.deepEqual(inter.issued.map((c) => [c.label, c.path, c.parsed, c.state.kind]), [['real.test', `${dir}/intermediate/certs/real.test.cert.pem`, false, 'valid']]);
    assert.ok(!port.reads.includes(`${dir}/intermediate/certs/real.test.cert.pem`), 'the leaf file is not read to build the tree');
    const detail = await loadCertDetail(port, inter.issued[0], NOW);
    assert.equal(detail.parsed, true);
    assert.equal(detail.issuer, 'CN=Model Intermediate CA');
    assert.equal(detail.notBefore?.toISOString(), NOW.toISOString());
  });

  it('loads a 10,000-line index.txt with newcerts/ quickly, reading only a handful of files', async () => {
    const big = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-model-big-'));
    try {
      fs.cpSync(dir, big, { recursive: true });
      const inter = path.join(big, 'intermediate');
      const pem = fs.readFileSync(path.join(inter, 'certs/real.test.cert.pem'));
      const lines: string[] = [];
      for (let i = 0; i < 10_000; i++) {
        const serialHex = (0x100000 + i).toString(16).toUpperCase();
        const expires = new Date(NOW.getTime() + ((i % 700) - 200) * DAY);
        const revoked = i % 50 === 0 ? { revoked: new Date(NOW.getTime() - DAY), reason: 'keyCompromise' as const } : {};
        lines.push(formatIndexLine({ status: revoked.revoked ? 'R' : 'V', expires, serialHex, file: 'unknown', subject: `/CN=host${i}.bulk.test`, ...revoked }));
        // openssl ca keeps a copy named after the serial (content is irrelevant: it is not read)
        fs.writeFileSync(path.join(inter, 'newcerts', `${serialHex}.pem`), pem);
      }
      fs.appendFileSync(path.join(inter, 'index.txt'), lines.join('\n') + '\n');
      const port = new CountingPort();
      const ca = await loadCa(port, big, [inter], NOW);
      const issued = ca.children[0].issued;
      assert.equal(issued.length, 10_001);
      assert.ok(port.reads.length < 20, `read ${port.reads.length} files`);
      // (Its speed is a row of `npm run bench`, not an assertion here.)
      assert.equal(issued.find((c) => c.label === 'host7.bulk.test')?.path, `${inter}/newcerts/100007.pem`);
      assert.equal(issued.filter((c) => c.state.kind === 'revoked').length, 200);

      // grouping: no level lists more than GROUP_LIMIT items
      const top = groupCerts(issued, 'ca') as CertGroup[];
      assert.deepEqual(top.map((g) => g.label), ['Expiring soon', 'Valid', 'Expired', 'Revoked']);
      const walk = (certs: CertModel[], level: 'ca' | CertGroup['level'], depth: number): number => {
        const groups = groupCerts(certs, level);
        if (!groups) {
          assert.ok(certs.length <= (level === 'ca' ? FLAT_LIMIT : GROUP_LIMIT), `${certs.length} items at depth ${depth}`);
          return certs.length;
        }
        assert.ok(groups.length <= GROUP_LIMIT, `${groups.length} groups at depth ${depth}`);
        return groups.reduce((n, g) => n + walk(g.certs, g.level, depth + 1), 0);
      };
      assert.equal(walk(issued, 'ca', 0), 10_001);
    } finally {
      fs.rmSync(big, { recursive: true, force: true });
    }
  });

  it('lists up to FLAT_LIMIT certificates without groups', () => {
    const certs = Array.from({ length: FLAT_LIMIT }, (_, i): CertModel => ({ label: `c${i}`, subject: '', serialHex: '01', state: { kind: 'valid', daysLeft: 9 }, isCa: false, parsed: false }));
    assert.equal(groupCerts(certs, 'ca'), undefined);
  });
});

describe('core/ca/model: a root self-signed with `openssl ca -selfsign`', () => {
  it('does not list the root as a certificate it issued (it records itself in its own index.txt)', async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wca-selfsign-'));
    try {
      for (const d of ['certs', 'newcerts', 'private']) fs.mkdirSync(path.join(dir, d));
      fs.writeFileSync(path.join(dir, 'index.txt'), '');
      fs.writeFileSync(path.join(dir, 'serial'), '1000\n');
      fs.writeFileSync(path.join(dir, 'openssl.cnf'), `[ ca ]\ndefault_ca = d\n[ d ]\ndir = ${dir}\nnew_certs_dir = $dir/newcerts\ndatabase = $dir/index.txt\nserial = $dir/serial\ndefault_md = sha256\npolicy = p\n[ p ]\ncommonName = supplied\n[ req ]\ndistinguished_name = n\n[ n ]\n[ v3_ca ]\nbasicConstraints = critical, CA:true\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n`);
      const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
      run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'private/ca.key.pem']);
      run(['req', '-config', 'openssl.cnf', '-new', '-key', 'private/ca.key.pem', '-subj', '/CN=Selfsigned Root', '-out', 'root.csr']);
      run(['ca', '-batch', '-config', 'openssl.cnf', '-selfsign', '-keyfile', 'private/ca.key.pem', '-extensions', 'v3_ca', '-startdate', '20250101000000Z', '-enddate', '20450101000000Z', '-in', 'root.csr', '-out', 'certs/ca.cert.pem', '-notext']);
      assert.match(fs.readFileSync(path.join(dir, 'index.txt'), 'utf8'), /\t1000\tunknown\t\/CN=Selfsigned Root\n/, 'openssl recorded the root in its own index');
      const ca = await loadCa(new NodeFilePort(), dir, [], NOW);
      assert.equal(ca.cert?.label, 'Selfsigned Root');
      assert.deepEqual(ca.issued.map((c) => c.label), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BACK, ScriptedAnswer, ScriptedPrompter } from '../../src/extension/prompter';
import type { WorkspaceCaApi } from '../../src/extension/extension';
import type { CaTreeNode } from '../../src/extension/tree/caTreeProvider';
import { ATTIME, INTER_PASS, NOW, ROOT_PASS, api, child, issueLeaf, lines, makeCa, openssl, show, untilTree, workspaceDir } from './helpers';

// Every command driven through executeCommand, every prompt answered through the Prompter seam (the
// same questions a user sees, in order), every file checked by openssl at the pinned time (-attime).
// Each suite makes its own CA(s) with core at the fixed NOW in before()/beforeEach(): no test reads
// the wall clock or depends on what an earlier test left behind.
describe('commands', function () {
  this.timeout(60000);
  let a: WorkspaceCaApi;
  let prompter: ScriptedPrompter = new ScriptedPrompter();
  const ws = () => workspaceDir();

  /** Installs a prompter that answers with `answers` in order. */
  function script(...answers: (ScriptedAnswer | string | typeof BACK | undefined)[]): ScriptedPrompter {
    prompter = new ScriptedPrompter().answer(...answers);
    a.setPrompter(prompter);
    return prompter;
  }
  const node = (...labels: string[]): CaTreeNode => {
    let n: CaTreeNode | undefined;
    for (const l of labels) n = child(a.tree, n, l);
    return n as CaTreeNode;
  };
  const errors = () => prompter.messages.filter((m) => m.startsWith('error:'));
  const verify = (chain: string, file: string, ...extra: string[]) => openssl(['verify', '-attime', ATTIME, '-x509_strict', ...extra, '-CAfile', chain, file]);

  before(async () => {
    a = await api();
    a.setClock(() => NOW);
  });
  after(() => a.setClock(undefined));
  afterEach(function () {
    a.setPrompter(undefined);
    // a test that failed already says why; otherwise every scripted answer must have been used
    if (this.currentTest?.state === 'passed') assert.equal(prompter.pending, 0, `unused answers; asked: ${JSON.stringify(prompter.asked.map((q) => q.text))}`);
  });

  describe('createCa', () => {
    it('cancelling the first prompt writes nothing and shows no error', async () => {
      script(undefined);
      const result = await vscode.commands.executeCommand('workspaceCa.createCa');
      assert.equal(result, undefined);
      assert.deepEqual(errors(), []);
      assert.equal(fs.existsSync(path.join(ws(), 'ca')), false);
    });

    it('root only: folder, name, subject, key type, validity, passphrase; encrypted key 0600, shown in the tree', async () => {
      const dir = path.join(ws(), 'made-root');
      script(
        { expect: 'folder', answer: 'made-root' },
        { expect: 'common name', answer: 'Made Root CA' },
        { expect: 'subject fields', answer: 'O=Test Org, C=GB' },
        { expect: 'key type', answer: 'ECDSA P-256' },
        { expect: 'validity in days', answer: '3650' },
        { expect: 'Passphrase for the root CA key', answer: ROOT_PASS },
        { expect: 'Repeat', answer: ROOT_PASS },
        { expect: 'intermediate CA', answer: 'Root CA only' },
      );
      await vscode.commands.executeCommand('workspaceCa.createCa');
      assert.deepEqual(errors(), []);
      const cert = path.join(dir, 'certs/ca.cert.pem');
      assert.match(openssl(['x509', '-in', cert, '-noout', '-subject']), /C\s*=\s*GB, O\s*=\s*Test Org, CN\s*=\s*Made Root CA/);
      assert.match(openssl(['x509', '-in', cert, '-noout', '-startdate']), /Mar {2}2 10:00:00 2026 GMT/);
      assert.match(openssl(['x509', '-in', cert, '-noout', '-enddate']), /Feb 28 10:00:00 2036 GMT/);
      verify(cert, cert);
      assert.throws(() => openssl(['pkey', '-in', path.join(dir, 'private/ca.key.pem'), '-passin', 'pass:wrong', '-noout']));
      openssl(['pkey', '-in', path.join(dir, 'private/ca.key.pem'), '-passin', `pass:${ROOT_PASS}`, '-noout']);
      assert.equal(fs.statSync(path.join(dir, 'private/ca.key.pem')).mode & 0o777, 0o600);
      assert.deepEqual(lines(a.tree, node('made-root')), ['Made Root CA — valid [rootCa]']);
      assert.match(prompter.messages.join('\n'), /info: Created the root CA "Made Root CA" in made-root/);
      // steps are numbered and Back is offered from the second one
      assert.deepEqual(prompter.asked.map((q) => q.step), ['1/12', '2/12', '3/12', '4/12', '5/12', '6/12', '7/12', '8/12']);
    });

    it('root + intermediate in one flow; Back returns to the previous step with its answer kept', async () => {
      const dir = path.join(ws(), 'made-pair');
      script(
        { expect: 'folder', answer: 'made-pair' },
        { expect: 'common name', answer: 'Pair Root CA' },
        { expect: 'subject fields', answer: BACK },
        { expect: 'common name', answer: (req) => (req.value === 'Pair Root CA' ? 'Pair Root CA' : `kept value lost: ${req.value}`) },
        { expect: 'subject fields', answer: '' },
        { expect: 'key type', answer: 'ECDSA P-384' },
        { expect: 'validity in days', answer: '7300' },
        { expect: 'Passphrase for the root CA key', answer: ROOT_PASS },
        { expect: 'Repeat', answer: ROOT_PASS },
        { expect: 'intermediate CA', answer: 'Root and intermediate CA' },
        { expect: 'intermediate common name', answer: (req) => req.value ?? '' },
        { expect: 'validity in days', answer: '1825' },
        { expect: 'Passphrase for the intermediate CA key', answer: INTER_PASS },
        { expect: 'Repeat', answer: INTER_PASS },
      );
      await vscode.commands.executeCommand('workspaceCa.createCa');
      assert.deepEqual(errors(), []);
      const inter = path.join(dir, 'intermediate/certs/intermediate.cert.pem');
      assert.match(verify(path.join(dir, 'certs/ca.cert.pem'), inter), /: OK/);
      assert.match(openssl(['x509', '-in', inter, '-noout', '-subject']), /CN\s*=\s*Pair Intermediate CA/);
      assert.match(fs.readFileSync(path.join(dir, 'intermediate/certs/ca-chain.cert.pem'), 'utf8'), /(BEGIN CERTIFICATE[\s\S]*){2}/);
      openssl(['pkey', '-in', path.join(dir, 'intermediate/private/intermediate.key.pem'), '-passin', `pass:${INTER_PASS}`, '-noout']);
      assert.deepEqual(lines(a.tree, node('made-pair', 'Pair Root CA')), ['Pair Intermediate CA — valid [intermediateCa]']);
    });

    it('refuses a bad country code where it is typed and writes nothing', async () => {
      script('refused', 'Refused Root CA', 'C=Great Britain');
      await vscode.commands.executeCommand('workspaceCa.createCa');
      assert.equal(errors().length, 1);
      assert.match(errors()[0], /rejected: .*C must be a two-letter country code/);
      assert.equal(fs.existsSync(path.join(ws(), 'refused')), false);
    });
  });

  describe('createIntermediateCa', () => {
    let ca: { dir: string; name: string };
    before(async () => {
      ca = await makeCa('ica');
    });

    it('signed by the root after asking the root passphrase; chain accepted by openssl', async () => {
      script(
        { expect: 'common name', answer: 'ica Intermediate CA' },
        { expect: 'subject fields', answer: 'O=Test Org' },
        { expect: 'key type', answer: 'ECDSA P-384' },
        { expect: 'validity in days', answer: '1000' },
        { expect: 'Passphrase for the intermediate CA key', answer: INTER_PASS },
        { expect: 'Repeat', answer: INTER_PASS },
        { expect: /root CA key/, answer: ROOT_PASS },
      );
      await vscode.commands.executeCommand('workspaceCa.createIntermediateCa', node(ca.name, 'ica Root CA'));
      assert.deepEqual(errors(), []);
      const inter = path.join(ca.dir, 'intermediate/certs/intermediate.cert.pem');
      assert.match(verify(path.join(ca.dir, 'certs/ca.cert.pem'), inter), /: OK/);
      assert.match(openssl(['x509', '-in', inter, '-noout', '-enddate']), /Nov 26 10:00:00 2028 GMT/);
      assert.deepEqual(lines(a.tree, node(ca.name, 'ica Root CA')), ['ica Intermediate CA — valid [intermediateCa]']);
    });
  });

  describe('issueCertificate', () => {
    let ca: { dir: string; name: string };
    const inter = () => node(ca.name, 'issue Root CA', 'issue Intermediate CA');
    beforeEach(async () => {
      ca = await makeCa('issue', { intermediate: true });
    });

    it('TLS server certificate with DNS and IP names, key + CSR + cert in the layout, verified by openssl', async () => {
      script(
        { expect: 'profile', answer: 'TLS server' },
        { expect: 'common name', answer: 'www.test' },
        { expect: 'alternative names', answer: 'www.test, IP:127.0.0.1, email:ops@test.example' },
        { expect: 'key type', answer: 'ECDSA P-256' },
        { expect: 'validity in days', answer: '90' },
        { expect: 'Passphrase for the new key', answer: 'leaf-pass' },
        { expect: 'Repeat', answer: 'leaf-pass' },
        { expect: /intermediate CA key/, answer: INTER_PASS },
      );
      const result = (await vscode.commands.executeCommand('workspaceCa.issueCertificate', inter())) as { cert: vscode.Uri; key: vscode.Uri; csr: vscode.Uri };
      assert.deepEqual(errors(), []);
      assert.equal(result.cert.fsPath, path.join(ca.dir, 'intermediate/certs/www.test.cert.pem'));
      assert.match(verify(path.join(ca.dir, 'intermediate/certs/ca-chain.cert.pem'), result.cert.fsPath, '-purpose', 'sslserver'), /: OK/);
      const sans = openssl(['x509', '-in', result.cert.fsPath, '-noout', '-ext', 'subjectAltName']);
      assert.match(sans, /DNS:www\.test/);
      assert.match(sans, /IP Address:127\.0\.0\.1/);
      assert.match(sans, /email:ops@test\.example/);
      assert.match(openssl(['x509', '-in', result.cert.fsPath, '-noout', '-enddate']), /May 31 10:00:00 2026 GMT/);
      openssl(['pkey', '-in', result.key.fsPath, '-passin', 'pass:leaf-pass', '-noout']);
      openssl(['req', '-in', result.csr.fsPath, '-verify', '-noout']);
      assert.deepEqual(lines(a.tree, inter()), ['www.test — valid [cert]']);
    });

    it('refuses a bad IP address where it is typed; nothing is written', async () => {
      script('TLS server', 'bad.test', 'bad.test, IP:300.1.2.3');
      await vscode.commands.executeCommand('workspaceCa.issueCertificate', inter());
      assert.equal(errors().length, 1);
      assert.match(errors()[0], /rejected: Invalid subject alternative name IP:300\.1\.2\.3: not an IPv4 or IPv6 address/);
      assert.equal(fs.existsSync(path.join(ca.dir, 'intermediate/private/bad.test.key.pem')), false);
    });

    it('Back from the key type step to the names step keeps the names typed', async () => {
      script(
        'TLS client',
        'client.test',
        { expect: 'alternative names', answer: 'email:client@test.example' },
        { expect: 'key type', answer: BACK },
        { expect: 'alternative names', answer: (req) => req.value ?? '' },
        'Ed25519',
        '30',
        'leaf-pass',
        'leaf-pass',
        { expect: /intermediate CA key/, answer: INTER_PASS },
      );
      const result = (await vscode.commands.executeCommand('workspaceCa.issueCertificate', inter())) as { cert: vscode.Uri };
      assert.deepEqual(errors(), []);
      assert.match(openssl(['x509', '-in', result.cert.fsPath, '-noout', '-ext', 'subjectAltName']), /email:client@test\.example/);
      assert.match(verify(path.join(ca.dir, 'intermediate/certs/ca-chain.cert.pem'), result.cert.fsPath, '-purpose', 'sslclient'), /: OK/);
    });

    it('a wrong CA passphrase is reported once and writes nothing', async () => {
      script('TLS client', 'client.test', '', 'ECDSA P-256', '30', 'leaf-pass', 'leaf-pass', { expect: /intermediate CA key/, answer: 'not-the-passphrase' });
      await vscode.commands.executeCommand('workspaceCa.issueCertificate', inter());
      assert.equal(errors().length, 1);
      assert.match(errors()[0], /Wrong passphrase/);
      assert.equal(fs.existsSync(path.join(ca.dir, 'intermediate/certs/client.test.cert.pem')), false);
      assert.equal(fs.existsSync(path.join(ca.dir, 'intermediate/private/client.test.key.pem')), false);
    });
  });

  describe('signCsr', () => {
    let ca: { dir: string; name: string };
    before(async () => {
      ca = await makeCa('sign', { intermediate: true });
    });

    it('shows the request, lets the user drop a requested name, signs; openssl verifies and the request is no longer pending', async () => {
      const csr = path.join(ca.dir, 'intermediate/csr/ext.test.csr.pem');
      openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(ca.dir, 'intermediate/private/ext.test.key.pem'),
        '-subj', '/CN=ext.test', '-addext', 'subjectAltName=DNS:ext.test,DNS:unwanted.ext.test', '-out', csr]);
      const inter = () => node(ca.name, 'sign Root CA', 'sign Intermediate CA');
      await untilTree(a.tree, 'the pending request', () => lines(a.tree, inter()).some((l) => l.startsWith('Pending requests')));
      const csrNode = child(a.tree, child(a.tree, inter(), 'Pending requests'), 'ext.test');
      assert.equal(show(a.tree, csrNode).contextValue, 'csr');
      script(
        { expect: 'profile', answer: 'TLS server' },
        { expect: 'requested alternative names', answer: ['DNS:ext.test'] },
        { expect: /Sign the request for "CN=ext\.test".*signature is valid.*Alternative names: DNS:ext\.test\. Dropped: DNS:unwanted\.ext\.test/, answer: 'Sign' },
        { expect: /intermediate CA key/, answer: INTER_PASS },
      );
      const result = (await vscode.commands.executeCommand('workspaceCa.signCsr', csrNode)) as { cert: vscode.Uri };
      assert.deepEqual(errors(), []);
      assert.match(verify(path.join(ca.dir, 'intermediate/certs/ca-chain.cert.pem'), result.cert.fsPath), /: OK/);
      const sans = openssl(['x509', '-in', result.cert.fsPath, '-noout', '-ext', 'subjectAltName']);
      assert.match(sans, /DNS:ext\.test/);
      assert.doesNotMatch(sans, /unwanted/);
      assert.ok(!lines(a.tree, inter()).some((l) => l.startsWith('Pending requests')), 'the request is no longer pending');
    });

    it('refuses a request whose signature does not verify', async () => {
      const csr = path.join(ca.dir, 'intermediate/csr/tampered.test.csr.pem');
      openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=tampered.test', '-outform', 'DER', '-out', csr]);
      const der = fs.readFileSync(csr);
      der[der.length - 3] ^= 0xff; // inside the signature
      fs.writeFileSync(csr, der);
      script();
      await vscode.commands.executeCommand('workspaceCa.signCsr', vscode.Uri.file(csr));
      assert.equal(errors().length, 1);
      assert.match(errors()[0], /signature/i);
      assert.equal(fs.existsSync(path.join(ca.dir, 'intermediate/certs/tampered.test.cert.pem')), false);
    });
  });

  describe('revokeCertificate, generateCrl, renewCertificate', () => {
    let ca: { dir: string; name: string };
    const inter = () => node(ca.name, 'life Root CA', 'life Intermediate CA');
    const chain = () => path.join(ca.dir, 'intermediate/certs/ca-chain.cert.pem');
    beforeEach(async () => {
      ca = await makeCa('life', { intermediate: true });
      await issueLeaf(ca.dir, 'a.test');
      await issueLeaf(ca.dir, 'b.test');
    });

    it('revoke: asks the reason, confirms, marks index.txt; the tree shows it revoked', async () => {
      script({ expect: 'reason', answer: 'keyCompromise' }, { expect: /Revoke "a\.test"/, answer: 'Revoke' });
      await vscode.commands.executeCommand('workspaceCa.revokeCertificate', node(ca.name, 'life Root CA', 'life Intermediate CA', 'a.test'));
      assert.deepEqual(errors(), []);
      assert.match(fs.readFileSync(path.join(ca.dir, 'intermediate/index.txt'), 'utf8'), /^R\t\d+Z\t260302100000Z,keyCompromise\t[0-9A-F]+\tunknown\t.*CN=a\.test$/m);
      assert.ok(lines(a.tree, inter()).includes('a.test — revoked (keyCompromise) [revoked]'));
    });

    it('generateCrl: openssl accepts the CRL and rejects the revoked certificate with it', async () => {
      script({ expect: 'reason', answer: 'superseded' }, 'Revoke');
      await vscode.commands.executeCommand('workspaceCa.revokeCertificate', node(ca.name, 'life Root CA', 'life Intermediate CA', 'b.test'));
      script({ expect: /intermediate CA key/, answer: INTER_PASS });
      const result = (await vscode.commands.executeCommand('workspaceCa.generateCrl', inter())) as { crl: vscode.Uri; count: number };
      assert.deepEqual(errors(), []);
      assert.equal(result.count, 1);
      openssl(['crl', '-in', result.crl.fsPath, '-CAfile', chain(), '-noout']);
      const crlArgs = ['-crl_check', '-CRLfile', result.crl.fsPath];
      assert.throws(() => verify(chain(), path.join(ca.dir, 'intermediate/certs/b.test.cert.pem'), ...crlArgs), /certificate revoked/);
      assert.match(verify(chain(), path.join(ca.dir, 'intermediate/certs/a.test.cert.pem'), ...crlArgs), /: OK/);
      assert.ok(lines(a.tree, inter()).includes('Revocation list — 1 revoked [crl]'));
    });

    it('renew: new serial for the same key, the old one revoked as superseded', async () => {
      const file = path.join(ca.dir, 'intermediate/certs/a.test.cert.pem');
      const oldSerial = openssl(['x509', '-in', file, '-noout', '-serial']).trim();
      script({ expect: /Renew "a\.test"/, answer: 'Renew' }, { expect: /intermediate CA key/, answer: INTER_PASS });
      const result = (await vscode.commands.executeCommand('workspaceCa.renewCertificate', node(ca.name, 'life Root CA', 'life Intermediate CA', 'a.test'))) as { oldSerialHex: string };
      assert.deepEqual(errors(), []);
      assert.notEqual(openssl(['x509', '-in', file, '-noout', '-serial']).trim(), oldSerial);
      assert.match(verify(chain(), file), /: OK/);
      assert.equal(openssl(['x509', '-in', file, '-noout', '-pubkey']), openssl(['pkey', '-in', path.join(ca.dir, 'intermediate/private/a.test.key.pem'), '-pubout']));
      assert.match(fs.readFileSync(path.join(ca.dir, 'intermediate/index.txt'), 'utf8'), new RegExp(`^R\\t\\d+Z\\t\\d+Z,superseded\\t${result.oldSerialHex}\\t`, 'm'));
    });

    it('exportChain: writes leaf + intermediate (no root), which openssl verifies from the root alone', async () => {
      const dest = vscode.Uri.file(path.join(ca.dir, 'a.test.fullchain.pem'));
      script({ expect: 'Export the chain of a.test', answer: dest });
      await vscode.commands.executeCommand('workspaceCa.exportChain', node(ca.name, 'life Root CA', 'life Intermediate CA', 'a.test'));
      assert.deepEqual(errors(), []);
      const text = fs.readFileSync(dest.fsPath, 'utf8');
      assert.equal(text.match(/BEGIN CERTIFICATE/g)?.length, 2);
      assert.match(openssl(['verify', '-attime', ATTIME, '-CAfile', path.join(ca.dir, 'certs/ca.cert.pem'), '-untrusted', dest.fsPath, dest.fsPath]), /: OK/);
    });
  });

  describe('exportCertificate', () => {
    let ca: { dir: string; name: string };
    let leaf: { cert: string; key: string };
    const certNode = () => node(ca.name, 'export Root CA', 'export Intermediate CA', 'exp.test');
    before(async () => {
      ca = await makeCa('export', { intermediate: true });
      leaf = await issueLeaf(ca.dir, 'exp.test', { keyPassphrase: 'leaf-pass' });
    });

    it('PKCS#12: key + certificate + intermediate behind a password (core buildPkcs12), 0600; openssl reads it', async () => {
      const dest = path.join(ca.dir, 'out.p12');
      script(
        { expect: 'format', answer: 'PKCS#12' },
        { expect: /Passphrase for .*exp\.test\.key\.pem/, answer: 'leaf-pass' },
        { expect: 'PKCS#12 password', answer: 'p12-pass' },
        { expect: 'repeat the PKCS#12 password', answer: 'p12-pass' },
        { expect: 'Export exp.test as PKCS#12', answer: vscode.Uri.file(dest) },
      );
      const result = (await vscode.commands.executeCommand('workspaceCa.exportCertificate', certNode())) as { certificates: number };
      assert.deepEqual(errors(), []);
      assert.equal(result.certificates, 2);
      const dump = openssl(['pkcs12', '-in', dest, '-passin', 'pass:p12-pass', '-noenc']);
      assert.equal(dump.match(/BEGIN CERTIFICATE/g)?.length, 2);
      assert.match(dump, /BEGIN PRIVATE KEY/);
      assert.match(dump, /friendlyName: exp\.test/);
      assert.throws(() => openssl(['pkcs12', '-in', dest, '-passin', 'pass:wrong', '-noenc']));
      assert.equal(fs.statSync(dest).mode & 0o777, 0o600);
    });

    it('DER: the certificate alone, byte for byte what openssl writes', async () => {
      const dest = path.join(ca.dir, 'out.cer');
      script({ expect: 'format', answer: 'DER' }, { expect: 'Export exp.test as DER', answer: vscode.Uri.file(dest) });
      await vscode.commands.executeCommand('workspaceCa.exportCertificate', vscode.Uri.file(leaf.cert));
      assert.deepEqual(errors(), []);
      const want = path.join(ca.dir, 'want.der');
      openssl(['x509', '-in', leaf.cert, '-outform', 'DER', '-out', want]);
      assert.deepEqual(fs.readFileSync(dest), fs.readFileSync(want));
    });

    it('full chain PEM: leaf + intermediate, verified from the root alone', async () => {
      const dest = path.join(ca.dir, 'out.fullchain.pem');
      script({ expect: 'format', answer: 'Full chain PEM' }, { expect: 'Export exp.test as Full chain PEM', answer: vscode.Uri.file(dest) });
      await vscode.commands.executeCommand('workspaceCa.exportCertificate', certNode());
      assert.deepEqual(errors(), []);
      assert.equal(fs.readFileSync(dest, 'utf8').match(/BEGIN CERTIFICATE/g)?.length, 2);
      assert.match(openssl(['verify', '-attime', ATTIME, '-CAfile', path.join(ca.dir, 'certs/ca.cert.pem'), '-untrusted', dest, dest]), /: OK/);
    });

    it('key + certificate PEM: the unencrypted key matches the certificate; 0600; warns', async () => {
      const dest = path.join(ca.dir, 'out.key-and-cert.pem');
      script({ expect: 'format', answer: 'Key + certificate PEM' }, { expect: /Passphrase for/, answer: 'leaf-pass' }, { expect: 'Export exp.test as Key', answer: vscode.Uri.file(dest) });
      await vscode.commands.executeCommand('workspaceCa.exportCertificate', certNode());
      assert.deepEqual(errors(), []);
      assert.equal(openssl(['pkey', '-in', dest, '-pubout']), openssl(['x509', '-in', dest, '-noout', '-pubkey']));
      assert.equal(fs.statSync(dest).mode & 0o777, 0o600);
      assert.match(prompter.messages.join('\n'), /warning: .*not encrypted/);
    });
  });

  describe('copyFingerprint', () => {
    it('copies the SHA-256 fingerprint openssl computes to the clipboard', async () => {
      const ca = await makeCa('fp', { intermediate: true });
      const leaf = await issueLeaf(ca.dir, 'fp.test');
      script();
      const fp = await vscode.commands.executeCommand('workspaceCa.copyFingerprint', node(ca.name, 'fp Root CA', 'fp Intermediate CA', 'fp.test'));
      assert.deepEqual(errors(), []);
      const want = openssl(['x509', '-in', leaf.cert, '-noout', '-fingerprint', '-sha256']).trim().replace(/^.*=/, '');
      assert.equal(fp, want);
      assert.equal(await vscode.env.clipboard.readText(), want);
      // on the CA item too
      const caFp = await vscode.commands.executeCommand('workspaceCa.copyFingerprint', node(ca.name, 'fp Root CA'));
      assert.equal(caFp, openssl(['x509', '-in', path.join(ca.dir, 'certs/ca.cert.pem'), '-noout', '-fingerprint', '-sha256']).trim().replace(/^.*=/, ''));
    });
  });

  describe('verifyCertificate', () => {
    let ca: { dir: string; name: string };
    let leaf: { cert: string };
    type Verdict = { valid: boolean; checks: { id: string; status: string; message: string; fix?: string }[]; chain: vscode.Uri; report: string };
    before(async () => {
      ca = await makeCa('verify', { intermediate: true });
      leaf = await issueLeaf(ca.dir, 'v.test', { sans: 'v.test, IP:10.1.2.3' });
    });

    it('from the palette: picks the file, takes the host, finds ca-chain.cert.pem next to it; valid', async () => {
      script({ expect: 'Verify a Certificate', answer: vscode.Uri.file(leaf.cert) }, { expect: 'host name', answer: 'v.test' });
      const r = (await vscode.commands.executeCommand('workspaceCa.verifyCertificate')) as Verdict;
      assert.deepEqual(errors(), []);
      assert.equal(r.valid, true);
      assert.equal(r.chain.fsPath, path.join(ca.dir, 'intermediate/certs/ca-chain.cert.pem'));
      assert.ok(r.checks.every((c) => c.status !== 'fail'));
      assert.ok(r.checks.some((c) => c.id === 'host' && c.status === 'pass'));
      assert.match(prompter.messages.join('\n'), /info: ✓ v\.test is valid for v\.test/);
      assert.match(r.report, /✓ pass {2}signature/);
      // openssl agrees
      assert.match(verify(r.chain.fsPath, leaf.cert, '-verify_hostname', 'v.test'), /: OK/);
    });

    it('a host the certificate does not name fails the host check, with its message and fix', async () => {
      script({ expect: 'host name', answer: 'other.test' });
      const r = (await vscode.commands.executeCommand('workspaceCa.verifyCertificate', node(ca.name, 'verify Root CA', 'verify Intermediate CA', 'v.test'))) as Verdict;
      assert.equal(r.valid, false);
      const host = r.checks.find((c) => c.id === 'host');
      assert.equal(host?.status, 'fail');
      assert.ok(host?.fix, 'a failed check says what to do');
      assert.match(r.report, /✗ FAIL {2}host.*\n\s+fix: /);
      assert.equal(errors().length, 1);
      assert.match(errors()[0], /✗ v\.test does not verify for other\.test/);
    });

    it('a file with no ca-chain.cert.pem near it asks for the trusted file; the root alone misses the intermediate', async () => {
      const lonely = path.join(ws(), 'lonely.cert.pem');
      fs.copyFileSync(leaf.cert, lonely);
      script({ expect: 'host name', answer: '' }, { expect: 'no ca-chain.cert.pem found', answer: vscode.Uri.file(path.join(ca.dir, 'certs/ca.cert.pem')) });
      const r = (await vscode.commands.executeCommand('workspaceCa.verifyCertificate', vscode.Uri.file(lonely))) as Verdict;
      assert.equal(r.valid, false);
      assert.ok(r.checks.some((c) => c.id === 'path' && c.status === 'fail'));
      assert.ok(r.checks.some((c) => c.id === 'host' && c.status === 'skip') || !r.checks.some((c) => c.id === 'host'));
      fs.rmSync(lonely);
    });

    it('refuses a host that is neither a DNS name nor an IP where it is typed', async () => {
      script({ expect: 'host name', answer: 'bad host!' });
      await vscode.commands.executeCommand('workspaceCa.verifyCertificate', vscode.Uri.file(leaf.cert));
      assert.match(errors()[0] ?? '', /rejected: "bad host!" is neither a DNS name nor an IP address/);
    });
  });

  describe('createKey', () => {
    it('ECDSA key with a passphrase: encrypted PKCS#8, mode 0600', async () => {
      const dir = path.join(ws(), 'keys');
      fs.mkdirSync(dir, { recursive: true });
      const dest = path.join(dir, 'enc.key.pem');
      script({ expect: 'key type', answer: 'ECDSA P-384' }, { expect: 'Passphrase for the new key', answer: 'key-pass' }, { expect: 'Repeat', answer: 'key-pass' }, { expect: 'save as', answer: vscode.Uri.file(dest) });
      const r = (await vscode.commands.executeCommand('workspaceCa.createKey', vscode.Uri.file(dir))) as { encrypted: boolean };
      assert.deepEqual(errors(), []);
      assert.equal(r.encrypted, true);
      assert.match(fs.readFileSync(dest, 'utf8'), /^-{5}BEGIN ENCRYPTED PRIVATE KEY-{5}/);
      assert.match(openssl(['pkey', '-in', dest, '-passin', 'pass:key-pass', '-noout', '-text']), /secp384r1|P-384/);
      assert.equal(fs.statSync(dest).mode & 0o777, 0o600);
    });

    it('no passphrase (empty answer skips the repeat): plain PKCS#8, still 0600', async () => {
      fs.mkdirSync(path.join(ws(), 'keys2'), { recursive: true });
      const dest = path.join(ws(), 'keys2', 'plain.key.pem');
      script({ expect: 'key type', answer: 'Ed25519' }, { expect: 'Passphrase for the new key', answer: '' }, { expect: 'save as', answer: vscode.Uri.file(dest) });
      await vscode.commands.executeCommand('workspaceCa.createKey');
      assert.deepEqual(errors(), []);
      assert.match(fs.readFileSync(dest, 'utf8'), /^-{5}BEGIN PRIVATE KEY-{5}/);
      assert.match(openssl(['pkey', '-in', dest, '-noout', '-text']), /ED25519/i);
      assert.equal(fs.statSync(dest).mode & 0o777, 0o600);
      assert.match(prompter.messages.join('\n'), /not encrypted/);
    });
  });

  describe('createCsr', () => {
    let ca: { dir: string; name: string };
    before(async () => {
      ca = await makeCa('csr', { intermediate: true });
    });

    it('from an encrypted key in private/: CN from the file name, subject defaults, SANs; lands in csr/ as pending', async () => {
      const key = path.join(ca.dir, 'intermediate/private/req.test.key.pem');
      openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-aes-256-cbc', '-pass', 'pass:k-pass', '-out', key]);
      const dest = path.join(ca.dir, 'intermediate/csr/req.test.csr.pem');
      script(
        { expect: /Passphrase for .*req\.test\.key\.pem/, answer: 'k-pass' },
        { expect: 'common name', answer: (req) => req.value ?? '' },
        { expect: 'subject fields', answer: 'O=Example Ltd, OU=Web, C=GB' },
        { expect: 'alternative names', answer: 'req.test, www.req.test, IP:10.0.0.1' },
        { expect: 'save as', answer: vscode.Uri.file(dest) },
      );
      await vscode.commands.executeCommand('workspaceCa.createCsr', vscode.Uri.file(key));
      assert.deepEqual(errors(), []);
      const text = openssl(['req', '-in', dest, '-verify', '-noout', '-text']);
      assert.match(text, /Subject: C\s*=\s*GB, O\s*=\s*Example Ltd, OU\s*=\s*Web, CN\s*=\s*req\.test/);
      assert.match(text, /DNS:req\.test, DNS:www\.req\.test, IP Address:10\.0\.0\.1/);
      assert.equal(openssl(['req', '-in', dest, '-noout', '-pubkey']), openssl(['pkey', '-in', key, '-passin', 'pass:k-pass', '-pubout']));
      const inter = () => node(ca.name, 'csr Root CA', 'csr Intermediate CA');
      await untilTree(a.tree, 'the new request', () => lines(a.tree, inter()).some((l) => l.startsWith('Pending requests')));
      assert.deepEqual(lines(a.tree, child(a.tree, inter(), 'Pending requests')), ['req.test — awaiting signature [csr]']);
    });

    it('refuses a bad DNS name where it is typed', async () => {
      const key = path.join(ws(), 'keys-csr.key.pem');
      openssl(['genpkey', '-algorithm', 'ED25519', '-out', key]);
      script('x.test', '', 'under_score-.test..');
      await vscode.commands.executeCommand('workspaceCa.createCsr', vscode.Uri.file(key));
      assert.equal(errors().length, 1);
      assert.match(errors()[0], /rejected: Invalid subject alternative name DNS:under_score-\.test\.\./);
      fs.rmSync(key);
    });
  });
});

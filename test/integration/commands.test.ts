import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ScriptedAnswer, ScriptedPrompter } from '../../src/extension/prompter';
import type { WorkspaceCaApi } from '../../src/extension/extension';
import type { CaTreeNode } from '../../src/extension/tree/caTreeProvider';
import { api, child, lines, openssl, show, untilTree, workspaceDir } from './helpers';

// Every command driven through executeCommand, every prompt answered through the Prompter seam (the
// same questions a user sees, in order), every file checked by openssl.
describe('commands', function () {
  this.timeout(60000);
  let a: WorkspaceCaApi;
  let prompter: ScriptedPrompter;
  const ws = () => workspaceDir();
  const pki = (...p: string[]) => path.join(ws(), 'pki', ...p);

  /** Installs a prompter that answers with `answers` in order. */
  function script(...answers: (ScriptedAnswer | string | undefined)[]): ScriptedPrompter {
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

  before(async () => {
    a = await api();
  });
  afterEach(function () {
    a.setPrompter(undefined);
    // a test that failed already says why; otherwise every scripted answer must have been used
    if (this.currentTest?.state === 'passed') assert.equal(prompter.pending, 0, `unused answers; asked: ${JSON.stringify(prompter.asked.map((q) => q.text))}`);
  });

  it('createCa: cancelling the first prompt writes nothing and shows no error', async () => {
    script(undefined);
    const result = await vscode.commands.executeCommand('workspaceCa.createCa');
    assert.equal(result, undefined);
    assert.deepEqual(errors(), []);
    assert.equal(fs.existsSync(pki()), false);
  });

  it('createCa: asks folder, name, key type and passphrase, writes an encrypted root CA and shows it in the tree', async () => {
    script(
      { expect: 'folder', answer: 'pki' },
      { expect: 'common name', answer: 'Test Root CA' },
      { expect: 'key type', answer: 'ECDSA P-256' },
      { expect: 'Passphrase for the root CA key', answer: 'root-pass' },
      { expect: 'Repeat', answer: 'root-pass' },
    );
    await vscode.commands.executeCommand('workspaceCa.createCa');
    assert.deepEqual(errors(), []);
    assert.match(openssl(['x509', '-in', pki('certs/ca.cert.pem'), '-noout', '-subject']), /CN\s*=\s*Test Root CA/);
    openssl(['verify', '-x509_strict', '-CAfile', pki('certs/ca.cert.pem'), pki('certs/ca.cert.pem')]);
    assert.throws(() => openssl(['pkey', '-in', pki('private/ca.key.pem'), '-passin', 'pass:wrong', '-noout']));
    openssl(['pkey', '-in', pki('private/ca.key.pem'), '-passin', 'pass:root-pass', '-noout']);
    assert.equal(fs.statSync(pki('private/ca.key.pem')).mode & 0o777, 0o600);
    assert.deepEqual(lines(a.tree, node('pki')), ['Test Root CA — valid [rootCa]']);
    assert.match(prompter.messages.join('\n'), /info: Created the root CA "Test Root CA" in pki/);
  });

  it('createIntermediateCa: signed by the root after asking the root passphrase; chain accepted by openssl', async () => {
    script(
      { expect: 'common name', answer: 'Test Intermediate CA' },
      { expect: 'key type', answer: 'ECDSA P-384' },
      { expect: 'Passphrase for the intermediate CA key', answer: 'inter-pass' },
      { expect: 'Repeat', answer: 'inter-pass' },
      { expect: /root CA key/, answer: 'root-pass' },
    );
    await vscode.commands.executeCommand('workspaceCa.createIntermediateCa', node('pki', 'Test Root CA'));
    assert.deepEqual(errors(), []);
    const out = openssl(['verify', '-x509_strict', '-CAfile', pki('certs/ca.cert.pem'), pki('intermediate/certs/intermediate.cert.pem')]);
    assert.match(out, /: OK/);
    assert.match(fs.readFileSync(pki('intermediate/certs/ca-chain.cert.pem'), 'utf8'), /(BEGIN CERTIFICATE[\s\S]*){2}/);
    assert.deepEqual(lines(a.tree, node('pki', 'Test Root CA')), ['Test Intermediate CA — valid [intermediateCa]']);
  });

  it('issueCertificate: TLS server certificate with SANs, verified by openssl against the chain', async () => {
    script(
      { expect: 'profile', answer: 'TLS server' },
      { expect: 'common name', answer: 'www.test' },
      { expect: 'alternative names', answer: 'www.test, IP:127.0.0.1' },
      { expect: 'key type', answer: 'ECDSA P-256' },
      { expect: 'Passphrase for the key of www.test', answer: 'leaf-pass' },
      { expect: 'Repeat', answer: 'leaf-pass' },
      { expect: /intermediate CA key/, answer: 'inter-pass' },
    );
    const result = (await vscode.commands.executeCommand('workspaceCa.issueCertificate', node('pki', 'Test Root CA', 'Test Intermediate CA'))) as { cert: vscode.Uri };
    assert.deepEqual(errors(), []);
    assert.equal(result.cert.fsPath, pki('intermediate/certs/www.test.cert.pem'));
    assert.match(openssl(['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', pki('intermediate/certs/ca-chain.cert.pem'), result.cert.fsPath]), /: OK/);
    const sans = openssl(['x509', '-in', result.cert.fsPath, '-noout', '-ext', 'subjectAltName']);
    assert.match(sans, /DNS:www\.test/);
    assert.match(sans, /IP Address:127\.0\.0\.1/);
    openssl(['pkey', '-in', pki('intermediate/private/www.test.key.pem'), '-passin', 'pass:leaf-pass', '-noout']);
    assert.deepEqual(lines(a.tree, node('pki', 'Test Root CA', 'Test Intermediate CA')), ['www.test — valid [cert]']);
  });

  it('issueCertificate: a wrong CA passphrase is reported once and writes nothing', async () => {
    script('TLS client', 'client.test', '', 'ECDSA P-256', 'leaf-pass', 'leaf-pass', { expect: /intermediate CA key/, answer: 'not-the-passphrase' });
    await vscode.commands.executeCommand('workspaceCa.issueCertificate', node('pki', 'Test Root CA', 'Test Intermediate CA'));
    assert.equal(errors().length, 1);
    assert.match(errors()[0], /Wrong passphrase/);
    assert.equal(fs.existsSync(pki('intermediate/certs/client.test.cert.pem')), false);
    assert.equal(fs.existsSync(pki('intermediate/private/client.test.key.pem')), false);
  });

  it('signCsr: signs a pending request made by openssl after showing what it asks for', async () => {
    const csr = pki('intermediate/csr/ext.test.csr.pem');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', pki('intermediate/private/ext.test.key.pem'),
      '-subj', '/CN=ext.test', '-addext', 'subjectAltName=DNS:ext.test,DNS:alt.ext.test', '-out', csr]);
    const inter = () => node('pki', 'Test Root CA', 'Test Intermediate CA');
    await untilTree(a.tree, 'the pending request', () => lines(a.tree, inter()).some((l) => l.startsWith('Pending requests')));
    const csrNode = child(a.tree, child(a.tree, inter(), 'Pending requests'), 'ext.test');
    assert.equal(show(a.tree, csrNode).contextValue, 'csr');
    script(
      { expect: 'profile', answer: 'TLS server' },
      { expect: /Sign the request for "CN=ext\.test".*DNS:ext\.test, DNS:alt\.ext\.test/, answer: 'Sign' },
      { expect: /intermediate CA key/, answer: 'inter-pass' },
    );
    const result = (await vscode.commands.executeCommand('workspaceCa.signCsr', csrNode)) as { cert: vscode.Uri };
    assert.deepEqual(errors(), []);
    assert.match(openssl(['verify', '-x509_strict', '-CAfile', pki('intermediate/certs/ca-chain.cert.pem'), result.cert.fsPath]), /: OK/);
    assert.match(openssl(['x509', '-in', result.cert.fsPath, '-noout', '-ext', 'subjectAltName']), /DNS:alt\.ext\.test/);
    assert.ok(!lines(a.tree, inter()).some((l) => l.startsWith('Pending requests')), 'the request is no longer pending');
  });

  it('revokeCertificate: asks the reason, confirms, marks index.txt; tree shows it revoked', async () => {
    script({ expect: 'reason', answer: 'keyCompromise' }, { expect: /Revoke "www\.test"/, answer: 'Revoke' });
    await vscode.commands.executeCommand('workspaceCa.revokeCertificate', node('pki', 'Test Root CA', 'Test Intermediate CA', 'www.test'));
    assert.deepEqual(errors(), []);
    assert.match(fs.readFileSync(pki('intermediate/index.txt'), 'utf8'), /^R\t\d+Z\t\d+Z,keyCompromise\t[0-9A-F]+\tunknown\t.*CN=www\.test$/m);
    assert.ok(lines(a.tree, node('pki', 'Test Root CA', 'Test Intermediate CA')).includes('www.test — revoked (keyCompromise) [revoked]'));
  });

  it('generateCrl: openssl accepts the CRL and rejects the revoked certificate with it', async () => {
    script({ expect: /intermediate CA key/, answer: 'inter-pass' });
    const result = (await vscode.commands.executeCommand('workspaceCa.generateCrl', node('pki', 'Test Root CA', 'Test Intermediate CA'))) as { crl: vscode.Uri; count: number };
    assert.deepEqual(errors(), []);
    assert.equal(result.count, 1);
    const chain = pki('intermediate/certs/ca-chain.cert.pem');
    openssl(['crl', '-in', result.crl.fsPath, '-CAfile', chain, '-noout']);
    assert.throws(() => openssl(['verify', '-crl_check', '-CAfile', chain, '-CRLfile', result.crl.fsPath, pki('intermediate/certs/www.test.cert.pem')]), /certificate revoked/);
    assert.match(openssl(['verify', '-crl_check', '-CAfile', chain, '-CRLfile', result.crl.fsPath, pki('intermediate/certs/ext.test.cert.pem')]), /: OK/);
    assert.ok(lines(a.tree, node('pki', 'Test Root CA', 'Test Intermediate CA')).includes('Revocation list — 1 revoked [crl]'));
  });

  it('renewCertificate: new serial for the same key, old one revoked as superseded', async () => {
    const file = pki('intermediate/certs/ext.test.cert.pem');
    const oldSerial = openssl(['x509', '-in', file, '-noout', '-serial']).trim();
    script({ expect: /Renew "ext\.test"/, answer: 'Renew' }, { expect: /intermediate CA key/, answer: 'inter-pass' });
    const result = (await vscode.commands.executeCommand('workspaceCa.renewCertificate', node('pki', 'Test Root CA', 'Test Intermediate CA', 'ext.test'))) as { oldSerialHex: string; serialHex: string };
    assert.deepEqual(errors(), []);
    assert.notEqual(openssl(['x509', '-in', file, '-noout', '-serial']).trim(), oldSerial);
    assert.match(openssl(['verify', '-x509_strict', '-CAfile', pki('intermediate/certs/ca-chain.cert.pem'), file]), /: OK/);
    assert.equal(openssl(['x509', '-in', file, '-noout', '-pubkey']), openssl(['pkey', '-in', pki('intermediate/private/ext.test.key.pem'), '-pubout']));
    assert.match(fs.readFileSync(pki('intermediate/index.txt'), 'utf8'), new RegExp(`^R\\t\\d+Z\\t\\d+Z,superseded\\t${result.oldSerialHex}\\t`, 'm'));
  });

  it('exportChain: writes leaf + intermediate (no root), which openssl verifies from the root alone', async () => {
    const dest = vscode.Uri.file(path.join(ws(), 'ext.test.fullchain.pem'));
    script({ expect: 'Export the chain of ext.test', answer: dest });
    await vscode.commands.executeCommand('workspaceCa.exportChain', node('pki', 'Test Root CA', 'Test Intermediate CA', 'ext.test'));
    assert.deepEqual(errors(), []);
    const text = fs.readFileSync(dest.fsPath, 'utf8');
    assert.equal(text.match(/BEGIN CERTIFICATE/g)?.length, 2);
    assert.match(openssl(['verify', '-CAfile', pki('certs/ca.cert.pem'), '-untrusted', dest.fsPath, dest.fsPath]), /: OK/);
  });

  it('issueCertificate on a CA made by openssl: our index.txt lines are ones openssl ca can revoke', async () => {
    // a copy, so the tree suite still sees the seed as made
    const seed = path.join(ws(), 'openssl-copy');
    fs.cpSync(path.join(ws(), 'openssl-ca'), seed, { recursive: true });
    // openssl.cnf names the directory it lives in
    for (const cnf of ['openssl.cnf', 'intermediate/openssl.cnf']) {
      const f = path.join(seed, cnf);
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').split(path.join(ws(), 'openssl-ca')).join(seed));
    }
    await untilTree(a.tree, 'the copied CA', () => lines(a.tree).some((l) => l.startsWith('openssl-copy')));
    script('TLS server', 'made-here.seed.test', 'made-here.seed.test', 'ECDSA P-256', 'k-pass', 'k-pass');
    const result = (await vscode.commands.executeCommand('workspaceCa.issueCertificate', node('openssl-copy'))) as { cert: vscode.Uri };
    assert.deepEqual(errors(), []);
    assert.match(openssl(['verify', '-CAfile', path.join(seed, 'intermediate/certs/ca-chain.cert.pem'), result.cert.fsPath]), /: OK/);
    openssl(['ca', '-batch', '-config', 'intermediate/openssl.cnf', '-revoke', result.cert.fsPath], seed);
    assert.match(fs.readFileSync(path.join(seed, 'intermediate/index.txt'), 'utf8'), /^R\t.*CN=made-here\.seed\.test$/m);
  });

  it('rememberPassphrases: the CA passphrase is asked once, then comes from SecretStorage; forgetPassphrases clears it', async () => {
    const cfg = vscode.workspace.getConfiguration('workspaceCa');
    await cfg.update('rememberPassphrases', true, vscode.ConfigurationTarget.Global);
    await cfg.update('encryptKeys', false, vscode.ConfigurationTarget.Global);
    try {
      const inter = () => node('pki', 'Test Root CA', 'Test Intermediate CA');
      script({ expect: /intermediate CA key/, answer: 'inter-pass' });
      await vscode.commands.executeCommand('workspaceCa.generateCrl', inter());
      script(); // no prompt at all this time
      await vscode.commands.executeCommand('workspaceCa.generateCrl', inter());
      assert.deepEqual(prompter.asked, []);
      script();
      assert.equal(await vscode.commands.executeCommand('workspaceCa.forgetPassphrases'), 1);
      script({ expect: /intermediate CA key/, answer: 'inter-pass' });
      await vscode.commands.executeCommand('workspaceCa.generateCrl', inter());
      assert.deepEqual(errors(), []);
      await vscode.commands.executeCommand('workspaceCa.forgetPassphrases');
    } finally {
      await cfg.update('rememberPassphrases', undefined, vscode.ConfigurationTarget.Global);
      await cfg.update('encryptKeys', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

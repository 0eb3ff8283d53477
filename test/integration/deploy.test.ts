import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ScriptedAnswer, ScriptedPrompter } from '../../src/extension/prompter';
import type { WorkspaceCaApi } from '../../src/extension/extension';
import { CaFixture, addDays, makeCa, rel } from './caFixture';
import { api, openssl, workspaceDir } from './helpers';

// Issue 6 in the extension: Generate Server Configuration, Install / Distribute the Root CA, Create
// Upload Bundle. A CA made by core at a fixed time in deploy-fixture/; every prompt answered through
// the Prompter seam; files checked with openssl.
describe('deploy commands', function () {
  this.timeout(60000);
  const T0 = new Date('2032-01-01T00:00:00Z');
  let a: WorkspaceCaApi;
  let prompter: ScriptedPrompter;
  let ca: CaFixture;
  let leaf: { cert: string; key: string };
  const ws = () => workspaceDir();
  const fixture = (...p: string[]) => path.join(ws(), 'deploy-fixture', ...p);

  function script(...answers: (ScriptedAnswer | string | undefined)[]): ScriptedPrompter {
    prompter = new ScriptedPrompter().answer(...answers);
    a.setPrompter(prompter);
    return prompter;
  }
  const errors = () => prompter.messages.filter((m) => m.startsWith('error:'));

  before(async () => {
    a = await api();
    a.setClock(() => addDays(T0, 1));
    ca = await makeCa(fixture('ca'), { root: 'Deploy Root CA', intermediate: 'Deploy Intermediate CA' }, T0);
    leaf = await ca.leaf('www.deploy.test', { days: 90, keyPassphrase: 'leaf-pass' });
    await a.tree.refresh();
  });
  after(() => {
    a.setPrompter(undefined);
    a.setClock(undefined);
    fs.rmSync(fixture(), { recursive: true, force: true });
  });
  afterEach(function () {
    a.setPrompter(undefined);
    if (this.currentTest?.state === 'passed') assert.equal(prompter.pending, 0, `unused answers; asked: ${JSON.stringify(prompter.asked.map((q) => q.text))}`);
  });

  it('generateServerConfig: nginx in an untitled editor with the real paths and the right language', async () => {
    script(
      { expect: 'Generate configuration for', answer: 'nginx' },
      { expect: 'mutual TLS', answer: 'Server authentication only' },
      // the full chain and the unencrypted key do not exist: leave them for later
      { expect: 'create these files', answer: [] },
      { expect: 'nginx configuration for', answer: 'Open in a New Editor' },
    );
    const r = (await vscode.commands.executeCommand('workspaceCa.generateServerConfig', vscode.Uri.file(leaf.cert))) as { document: vscode.Uri; text: string; languageId: string };
    assert.deepEqual(errors(), []);
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc && doc.isUntitled, 'an untitled editor is active');
    assert.equal(doc.uri.toString(), r.document.toString());
    const languages = await vscode.languages.getLanguages();
    assert.equal(doc.languageId, languages.includes('nginx') ? 'nginx' : 'plaintext');
    const text = doc.getText();
    assert.match(text, /server_name www\.deploy\.test;/);
    assert.ok(text.includes(`./${rel(ws(), fixture('ca/intermediate/certs/www.deploy.test.fullchain.pem'))}`), text);
    assert.ok(text.includes(`./${rel(ws(), fixture('ca/intermediate/private/www.deploy.test.nopass.key.pem'))}`), text);
    assert.match(prompter.messages.join('\n'), /warning: nginx configuration opened\..*Not created yet: deploy-fixture\/ca\/intermediate\/certs\/www\.deploy\.test\.fullchain\.pem/s);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('generateServerConfig: HAProxy with the combined PEM written 0600 after a warning and the key passphrase', async () => {
    script(
      { expect: 'Generate configuration for', answer: 'HAProxy' },
      { expect: 'mutual TLS', answer: 'Mutual TLS' },
      { expect: 'create these files', answer: ['www.deploy.test.combined.pem'] },
      { expect: 'WITHOUT a passphrase', answer: 'Create Files' },
      { expect: 'Passphrase of', answer: 'leaf-pass' },
      { expect: 'HAProxy configuration for', answer: 'Copy to Clipboard' },
    );
    const r = (await vscode.commands.executeCommand('workspaceCa.generateServerConfig', vscode.Uri.file(leaf.cert))) as { text: string; written: string[] };
    assert.deepEqual(errors(), []);
    const combined = fixture('ca/intermediate/private/www.deploy.test.combined.pem');
    assert.deepEqual(r.written, [combined]);
    assert.equal(fs.statSync(combined).mode & 0o777, 0o600);
    // unencrypted key + leaf + intermediate: openssl reads the key without a passphrase
    openssl(['pkey', '-in', combined, '-noout']);
    assert.equal((fs.readFileSync(combined, 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
    assert.equal(await vscode.env.clipboard.readText(), r.text);
    assert.ok(r.text.includes(`crt ./${rel(ws(), combined)}`), r.text);
    assert.match(r.text, /verify required/);
  });

  it('distributeRoot: writes the PEM and DER root files and opens the trust steps, running nothing', async () => {
    const out = fixture('trust');
    script({ expect: 'Folder for the root CA files', answer: vscode.Uri.file(out) }, { expect: /^Wrote /, answer: undefined });
    await vscode.commands.executeCommand('workspaceCa.distributeRoot', vscode.Uri.file(fixture('ca/certs/ca.cert.pem')));
    assert.deepEqual(errors(), []);
    assert.deepEqual(fs.readdirSync(out).sort(), ['deploy-root-ca.crt', 'deploy-root-ca.der.crt', 'policies.json']);
    assert.match(openssl(['x509', '-inform', 'DER', '-in', path.join(out, 'deploy-root-ca.der.crt'), '-noout', '-subject']), /CN\s*=\s*Deploy Root CA/);
    assert.match(openssl(['x509', '-in', path.join(out, 'deploy-root-ca.crt'), '-noout', '-subject']), /CN\s*=\s*Deploy Root CA/);
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.languageId, 'markdown');
    assert.match(doc.getText(), /^# Trusting CN=Deploy Root CA/);
    // this computer's system first (the extension host runs on Linux here)
    if (process.platform === 'linux') assert.match(doc.getText().split('\n## ')[1] ?? '', /^Debian/, 'the Linux steps come first');
    if (process.platform === 'linux') assert.ok(doc.getText().indexOf('\n## RHEL') < doc.getText().indexOf('\n## macOS'), 'the Linux steps come before the others');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('createUploadBundle: certificate, unencrypted key (0600, after a warning) and CA chain that openssl verifies', async () => {
    const out = fixture('upload');
    script(
      { expect: 'WITHOUT a passphrase', answer: 'Create Bundle' },
      { expect: 'Folder for the upload bundle', answer: vscode.Uri.file(out) },
      { expect: 'Passphrase of', answer: 'leaf-pass' },
    );
    await vscode.commands.executeCommand('workspaceCa.createUploadBundle', vscode.Uri.file(leaf.cert));
    assert.deepEqual(errors(), []);
    assert.deepEqual(fs.readdirSync(out).sort(), ['www.deploy.test.ca-bundle.crt', 'www.deploy.test.crt', 'www.deploy.test.fullchain.crt', 'www.deploy.test.key']);
    const p = (f: string) => path.join(out, f);
    assert.equal(fs.statSync(p('www.deploy.test.key')).mode & 0o777, 0o600);
    openssl(['pkey', '-in', p('www.deploy.test.key'), '-noout']);
    assert.match(openssl(['verify', '-attime', String(Math.floor(addDays(T0, 1).getTime() / 1000)), '-CAfile', p('www.deploy.test.ca-bundle.crt'), p('www.deploy.test.crt')]), /: OK/);
    assert.match(prompter.messages.join('\n'), /warning: Upload bundle written\. Certificate: .*www\.deploy\.test\.crt; Private key: .*www\.deploy\.test\.key/);
  });

  it('createUploadBundle: declining the warning writes nothing', async () => {
    const out = fixture('declined');
    script({ expect: 'WITHOUT a passphrase', answer: undefined });
    await vscode.commands.executeCommand('workspaceCa.createUploadBundle', vscode.Uri.file(leaf.cert));
    assert.deepEqual(errors(), []);
    assert.equal(fs.existsSync(out), false);
  });
});

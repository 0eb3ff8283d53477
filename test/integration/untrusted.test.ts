import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ScriptedPrompter } from '../../src/extension/prompter';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UNTRUSTED_MESSAGE } from '../../src/extension/commands/command';
import { EXTENSION_ID, NOW, api, child, lines, openssl, workspaceDir } from './helpers';

/** Every file below dir with its size and mtime. */
function snapshot(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const p = path.join(e.parentPath, e.name);
      const st = fs.statSync(p);
      return `${path.relative(dir, p)} ${st.size} ${st.mtimeMs}`;
    })
    .sort();
}

// Runs in the "untrusted" pass: Workspace Trust is on and the folder is not trusted (Restricted Mode).
describe('untrusted workspace (Restricted Mode)', () => {
  // The seed's dates are fixed around helpers' NOW (= SEED_NOW in test/host/seed-ca.mjs).
  before(async () => (await api()).setClock(() => NOW));
  after(async () => (await api()).setClock(undefined));

  it('runs in Restricted Mode', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still shows the CA tree', async () => {
    const { tree } = await api();
    await tree.refresh();
    const root = child(tree, child(tree, undefined, 'openssl-ca'), 'Seed Root CA');
    assert.deepEqual(lines(tree, root), ['Seed Intermediate CA — valid [intermediateCa]']);
  });

  it('refuses writing commands with an explanation, and writes nothing', async () => {
    const a = await api();
    // the manifest gates exactly the commands that write (enablement isWorkspaceTrusted)
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: { command: string; enablement?: string }[] } };
    const gated = new Set(pkg.contributes.commands.filter((c) => c.enablement === 'isWorkspaceTrusted').map((c) => c.command));
    const writing = a.commands.filter((c) => gated.has(c));
    assert.ok(writing.length >= 8, writing.join());
    const before = snapshot(workspaceDir());
    const root = child(a.tree, child(a.tree, undefined, 'openssl-ca'), 'Seed Root CA');
    const inter = child(a.tree, root, 'Seed Intermediate CA');
    const cert = child(a.tree, inter, 'server.seed.test');
    for (const id of writing) {
      // dismiss the "Manage Workspace Trust" button of the explanation
      const prompter = new ScriptedPrompter().answer(undefined);
      a.setPrompter(prompter);
      try {
        const arg = /Certificate|Chain/.test(id) ? cert : /Crl|Intermediate/.test(id) ? root : undefined;
        assert.equal(await vscode.commands.executeCommand(id, arg), undefined, id);
      } finally {
        a.setPrompter(undefined);
      }
      assert.equal(prompter.pending, 0, `${id} asked: ${JSON.stringify(prompter.asked)}`);
      assert.deepEqual(prompter.messages, [`error: ${UNTRUSTED_MESSAGE}`], id);
    }
    assert.deepEqual(snapshot(workspaceDir()), before);
  });

  it('still runs the read-only commands: copy fingerprint and verify', async () => {
    const a = await api();
    const cert = child(a.tree, child(a.tree, child(a.tree, child(a.tree, undefined, 'openssl-ca'), 'Seed Root CA'), 'Seed Intermediate CA'), 'server.seed.test');
    const prompter = new ScriptedPrompter().answer({ expect: 'host name', answer: 'server.seed.test' });
    a.setPrompter(prompter);
    try {
      const file = path.join(workspaceDir(), 'openssl-ca/intermediate/certs/server.seed.test.cert.pem');
      const fp = await vscode.commands.executeCommand('workspaceCa.copyFingerprint', cert);
      assert.equal(fp, openssl(['x509', '-in', file, '-noout', '-fingerprint', '-sha256']).trim().replace(/^.*=/, ''));
      const r = (await vscode.commands.executeCommand('workspaceCa.verifyCertificate', cert)) as { valid: boolean };
      assert.equal(r.valid, true, prompter.messages.join('\n'));
    } finally {
      a.setPrompter(undefined);
    }
    assert.equal(prompter.pending, 0);
  });
});

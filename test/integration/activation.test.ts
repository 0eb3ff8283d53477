import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, api } from './helpers';

interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category?: string; icon?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
  };
}

describe('activation', () => {
  it('activates by itself because the workspace holds a CA directory (workspaceContains)', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    // no activate() call here: the seeded openssl-ca/index.txt must be what woke us up
    const deadline = Date.now() + 15000;
    while (!ext.isActive && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(ext.isActive, true);
  });

  it('never activates on "*"', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as Manifest;
    assert.ok(!pkg.activationEvents.includes('*'));
    assert.ok(pkg.activationEvents.includes('workspaceContains:**/index.txt'));
    assert.ok(pkg.activationEvents.includes('workspaceContains:**/ca-chain.cert.pem'));
  });

  it('registers every contributed command, each with the category and a codicon', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as Manifest;
    const { commands } = await api();
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of pkg.contributes.commands) {
      assert.ok(registered.has(c.command), `${c.command} is contributed but not registered`);
      assert.equal(c.category, 'Workspace CA', c.command);
      assert.match(c.icon ?? '', /^\$\([a-z-]+\)$/, c.command);
    }
    assert.deepEqual([...commands].sort(), pkg.contributes.commands.map((c) => c.command).sort());
  });

  it('hides tree-only commands from the command palette', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as Manifest;
    const palette = new Map(pkg.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
    const treeOnly = [
      'workspaceCa.createIntermediateCa',
      'workspaceCa.revokeCertificate',
      'workspaceCa.renewCertificate',
      'workspaceCa.generateCrl',
      'workspaceCa.exportChain',
      'workspaceCa.exportCertificate',
      'workspaceCa.copyFingerprint',
    ];
    for (const id of treeOnly) if (palette.has(id)) assert.equal(palette.get(id), 'false', id);
    for (const id of ['workspaceCa.createKey', 'workspaceCa.createCsr', 'workspaceCa.verifyCertificate', 'workspaceCa.issueCertificate', 'workspaceCa.signCsr']) {
      assert.notEqual(palette.get(id) ?? 'true', 'false', `${id} belongs in the palette`);
    }
  });
});

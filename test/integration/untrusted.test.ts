import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ScriptedPrompter } from '../../src/extension/prompter';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UNTRUSTED_MESSAGE } from '../../src/extension/commands/command';
import { api, child, lines, workspaceDir } from './helpers';

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
    const writing = a.commands.filter((c) => c !== 'workspaceCa.refreshTree' && c !== 'workspaceCa.forgetPassphrases');
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
});

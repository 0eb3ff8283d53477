import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CaTreeNode } from '../../src/extension/tree/caTreeProvider';
import { HOSTILE, hostileCert, CN_OID, O_OID } from '../unit/support/hostile';
import { NOW, api, lines, makeCa, untilTree, workspaceDir } from './helpers';

/** Raw control characters (NUL..BS, ESC) and the bidi override U+202E. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW = /[\u0000-\u0008\u001b\u202e]/;

/** All markdown text of a tooltip or hover. */
function text(v: vscode.MarkdownString | string | undefined): string {
  return typeof v === 'string' ? v : (v?.value ?? '');
}

// Certificate fields are attacker-controlled (issue 9 §4): in the tree and in hovers they must be
// inert (no live markdown, HTML, links) and readable (control and bidi characters shown, not acting).
describe('hostile certificate content in the tree and in hovers', () => {
  before(async () => (await api()).setClock(() => NOW));
  after(async () => (await api()).setClock(undefined));

  it('a certificate named with HTML, a newline and U+202E is listed as text; its tooltip cannot forge lines', async () => {
    const { tree } = await api();
    const { dir, name } = await makeCa('hostile');
    const cn = `${HOSTILE.html} ${HOSTILE.newline} ${HOSTILE.rtl}`;
    const cert = hostileCert({ subject: [[O_OID, HOSTILE.ansi], [CN_OID, cn]], dns: ['evil.example.com'] });
    // Recorded as an issuance records it: newcerts/<serial>.pem, certs/<name>.cert.pem and an index
    // line (whose subject, one line by format, carries the HTML and the bidi override).
    fs.writeFileSync(path.join(dir, 'newcerts', '0102.pem'), cert.pem);
    fs.writeFileSync(path.join(dir, 'certs', 'hostile.cert.pem'), cert.pem);
    fs.appendFileSync(path.join(dir, 'index.txt'), `V\t270601000000Z\t\t0102\tunknown\t/O=evil/CN=${HOSTILE.html} ${HOSTILE.rtl}\n`);
    await tree.refresh();
    const folder = tree.getChildren(undefined).find((n: CaTreeNode) => tree.getTreeItem(n).label === name)!;
    const root = tree.getChildren(folder)[0];
    await untilTree(tree, 'the hostile certificate is listed', () => lines(tree, root).some((l) => l.includes('onerror')));
    const node = tree.getChildren(root).find((n: CaTreeNode) => String(tree.getTreeItem(n).label).includes('onerror'))!;
    const item = await tree.resolveTreeItem(tree.getTreeItem(node), node);
    // The label is plain text (VS Code never renders a TreeItem label as markup): the name is all there.
    assert.ok(String(item.label).includes('<img src=x onerror=alert(1)>'), String(item.label));
    const tip = text(item.tooltip as vscode.MarkdownString);
    assert.ok(tip.length > 0, 'a tooltip is shown');
    assert.equal((item.tooltip as vscode.MarkdownString).isTrusted, undefined, 'no command links');
    assert.equal((item.tooltip as vscode.MarkdownString).supportHtml ?? false, false, 'no HTML');
    assert.ok(!/<img|<script/.test(tip.replace(/\\</g, '')), `markup is escaped in: ${tip}`);
    assert.ok(!tip.includes('\nFAKE: Verified OK'), 'a newline in the subject cannot start a line of its own');
    assert.ok(!RAW.test(tip), 'no raw control or bidi characters');
    assert.match(tip, /\\\\u202e/, 'the bidi override is shown as \\u202e');
  });

  it('a hover on an embedded certificate with such a name is escaped the same way', async () => {
    const cert = hostileCert({ subject: [[CN_OID, `${HOSTILE.html} ${HOSTILE.newline} ${HOSTILE.rtl}`]] });
    const file = path.join(workspaceDir(), 'hostile-secret.yaml');
    const b64 = Buffer.from(cert.pem).toString('base64');
    fs.writeFileSync(file, `apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64}\n`);
    const doc = await vscode.workspace.openTextDocument(file);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(4, 14));
    const all = hovers.flatMap((h) => h.contents.map((c) => text(c as vscode.MarkdownString))).join('\n');
    assert.ok(all.includes('onerror'), `the hover shows the name: ${all}`);
    assert.ok(!RAW.test(all), 'no raw control or bidi characters in the hover');
    assert.ok(!all.includes('\nFAKE: Verified OK'), 'a newline in the subject cannot start a line of its own');
  });
});

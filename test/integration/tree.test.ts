import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CaTreeNode } from '../../src/extension/tree/caTreeProvider';
import { NOW, api, child, lines, openssl, show, untilTree, workspaceDir } from './helpers';

// The runner seeds openssl-ca/ with the openssl CLI (test/host/seed-ca.mjs): the tree must read a CA
// directory that our code did not write.
describe('tree on a CA made by openssl', () => {
  // The seed's dates are fixed around helpers' NOW (= SEED_NOW in test/host/seed-ca.mjs).
  before(async () => (await api()).setClock(() => NOW));
  after(async () => (await api()).setClock(undefined));

  it('shows folder -> root CA -> intermediate CA -> issued certificates, requests and CRL with their status', async () => {
    const { tree } = await api();
    await tree.refresh();
    const folder = child(tree, undefined, 'openssl-ca');
    assert.equal(show(tree, folder).contextValue, 'caFolder');
    assert.deepEqual(lines(tree, folder), ['Seed Root CA — valid [rootCa]']);
    const root = child(tree, folder, 'Seed Root CA');
    assert.deepEqual(lines(tree, root), ['Seed Intermediate CA — valid [intermediateCa]']);
    const inter = child(tree, root, 'Seed Intermediate CA');
    assert.deepEqual(lines(tree, inter), [
      'old.seed.test — expired [cert]',
      'revoked.seed.test — revoked (keyCompromise) [revoked]',
      'server.seed.test — valid [cert]',
      'soon.seed.test — expires in 10 days [cert]',
      'Pending requests — 1 [pendingCsrs]',
      'Revocation list — 1 revoked [crl]',
    ]);
    assert.deepEqual(lines(tree, child(tree, inter, 'Pending requests')), ['pending.seed.test — awaiting signature [csr]']);
  });

  it('gives items icons, tooltips and the file to open', async () => {
    const { tree } = await api();
    const inter = child(tree, child(tree, child(tree, undefined, 'openssl-ca'), 'Seed Root CA'), 'Seed Intermediate CA');
    const revoked = tree.getTreeItem(child(tree, inter, 'revoked.seed.test'));
    assert.equal((revoked.iconPath as vscode.ThemeIcon).id, 'circle-slash');
    const tip = (revoked.tooltip as vscode.MarkdownString).value;
    assert.match(tip, /Serial: `1001`/);
    assert.match(tip, /Revoked on:/);
    assert.equal(revoked.command?.command, 'vscode.open');
    assert.equal((revoked.command?.arguments?.[0] as vscode.Uri).fsPath, path.join(workspaceDir(), 'openssl-ca/intermediate/certs/revoked.seed.test.cert.pem'));
    const expired = tree.getTreeItem(child(tree, inter, 'old.seed.test'));
    assert.equal((expired.iconPath as vscode.ThemeIcon).id, 'error');
    const soon = tree.getTreeItem(child(tree, inter, 'soon.seed.test'));
    assert.equal((soon.iconPath as vscode.ThemeIcon).id, 'warning');
  });

  it('getParent walks back to the folder (so reveal works)', async () => {
    const { tree } = await api();
    const uri = vscode.Uri.file(path.join(workspaceDir(), 'openssl-ca/intermediate/certs/server.seed.test.cert.pem'));
    const node = tree.findByUri(uri);
    assert.ok(node, 'server.seed.test is in the tree');
    const chain: string[] = [];
    for (let n: CaTreeNode | undefined = node; n; n = tree.getParent(n)) chain.push(show(tree, n).label);
    assert.deepEqual(chain, ['server.seed.test', 'Seed Intermediate CA', 'Seed Root CA', 'openssl-ca']);
  });

  it('refreshes by itself when a request appears in csr/ (file watcher)', async () => {
    const { tree } = await api();
    const dir = path.join(workspaceDir(), 'openssl-ca/intermediate');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'private/watch.seed.test.key.pem'),
      '-subj', '/CN=watch.seed.test', '-out', path.join(dir, 'csr/watch.seed.test.csr.pem')]);
    const inter = () => child(tree, child(tree, child(tree, undefined, 'openssl-ca'), 'Seed Root CA'), 'Seed Intermediate CA');
    await untilTree(tree, 'watch.seed.test', () => lines(tree, child(tree, inter(), 'Pending requests')).length === 2);
    assert.deepEqual(lines(tree, child(tree, inter(), 'Pending requests')), [
      'pending.seed.test — awaiting signature [csr]',
      'watch.seed.test — awaiting signature [csr]',
    ]);
    fs.rmSync(path.join(dir, 'csr/watch.seed.test.csr.pem'));
    fs.rmSync(path.join(dir, 'private/watch.seed.test.key.pem'));
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatIndexLine } from '../../src/core/ca/indexTxt';
import type { CaTreeNode } from '../../src/extension/tree/caTreeProvider';
import type { WorkspaceCaApi } from '../../src/extension/extension';
import { NOW, api, child, lines, makeCa, openssl, show, untilTree } from './helpers';

const DAY = 86_400_000;

// A CA with 10,000 certificates in index.txt: the tree groups them (no level lists thousands of
// items), and a file change reloads only the CA directory it happened in.
describe('tree with a large CA', function () {
  this.timeout(120000);
  let a: WorkspaceCaApi;
  let ca: { dir: string; name: string };
  const inter = () => child(a.tree, child(a.tree, child(a.tree, undefined, ca.name), 'big Root CA'), 'big Intermediate CA');

  before(async () => {
    a = await api();
    a.setClock(() => NOW);
    ca = await makeCa('big', { intermediate: true });
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const expires = new Date(NOW.getTime() + ((i % 700) - 200) * DAY);
      const revoked = i % 50 === 0 ? { revoked: new Date(NOW.getTime() - DAY), reason: 'superseded' as const } : {};
      lines.push(formatIndexLine({ status: revoked.revoked ? 'R' : 'V', expires, serialHex: (0x100000 + i).toString(16).toUpperCase(), file: 'unknown', subject: `/CN=host${i}.bulk.test`, ...revoked }));
    }
    fs.appendFileSync(path.join(ca.dir, 'intermediate/index.txt'), lines.join('\n') + '\n');
    await a.tree.refresh();
  });
  after(() => a.setClock(undefined));

  it('groups 10,000 certificates by status, then by expiry month, never more than 200 items per level', () => {
    assert.deepEqual(lines(a.tree, inter()), ['Expiring soon — 420 [certGroup]', 'Valid — 6440 [certGroup]', 'Expired — 2940 [certGroup]', 'Revoked — 200 [certGroup]']);
    let biggest = 0;
    let leaves = 0;
    const walk = (n: CaTreeNode) => {
      const kids = a.tree.getChildren(n) as CaTreeNode[];
      biggest = Math.max(biggest, kids.length);
      for (const k of kids) {
        if (k.kind === 'group') walk(k);
        else if (k.kind === 'cert') leaves++;
      }
    };
    for (const g of a.tree.getChildren(inter()) as CaTreeNode[]) walk(g);
    assert.equal(leaves, 10_000);
    assert.ok(biggest <= 200, `a level lists ${biggest} items`);
    const months = lines(a.tree, child(a.tree, inter(), 'Valid'));
    assert.match(months[0], /^Expiring 2026-0\d — \d+ \[certGroup\]$/);
    const cert = (a.tree.getChildren(child(a.tree, inter(), 'Revoked')) as CaTreeNode[])[0];
    assert.match(show(a.tree, cert).description, /^revoked \(superseded\)$/);
  });

  it('a new request in the CA reloads that CA only, not the workspace', async () => {
    const before = a.tree.loads;
    const dir = path.join(ca.dir, 'intermediate');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'private/new.bulk.test.key.pem'),
      '-subj', '/CN=new.bulk.test', '-out', path.join(dir, 'csr/new.bulk.test.csr.pem')]);
    await untilTree(a.tree, 'the new request', () => lines(a.tree, inter()).some((l) => l.startsWith('Pending requests')));
    const cas = a.tree.folders.length;
    assert.ok(cas > 2, 'several CA folders in the workspace');
    assert.ok(a.tree.loads - before < cas, `${a.tree.loads - before} CA loads for one change, with ${cas} CA folders`);
  });
});

/**
 * The certificate viewer inside a real extension host: each file type opens in the custom editor and
 * the webview (a real one, in chromium) reports back the text it rendered. CAs are made at test time
 * with core's functions and a fixed clock; the viewer's clock is pinned through the extension API.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createIntermediate, generateCrl, initRoot, issue, revoke } from '../../src/core/ca/ca';
import { NodeFilePort } from '../../src/node/nodeFilePort';
import { ScriptedPrompter } from '../../src/extension/prompter';
import type { RenderReport } from '../../src/extension/editor/certificateEditorProvider';
import { api, openssl, workspaceDir } from './helpers';

const NOW = new Date('2025-06-01T12:00:00Z');
const DAY = 86_400_000;
const VIEW_TYPE = 'workspaceCa.certificateViewer';
const OPTION_VIEW_TYPE = 'workspaceCa.certificateViewerOption';

type Api = Awaited<ReturnType<typeof api>>;

/** Waits until the viewer of `uri` reports a render that satisfies `ok` (reports already seen count). */
async function untilRendered(a: Api, uri: vscode.Uri, what: string, ok: (r: RenderReport) => boolean, ms = 20000): Promise<RenderReport> {
  const last = a.viewer.lastRender(uri);
  if (last && ok(last)) return last;
  return new Promise((resolve, reject) => {
    let seen: RenderReport | undefined;
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for the viewer of ${path.basename(uri.fsPath)} to render ${what}; last text:\n${seen?.text ?? a.viewer.lastRender(uri)?.text ?? '(nothing rendered)'}`));
    }, ms);
    const sub = a.viewer.onDidRender((r) => {
      if (r.uri !== uri.toString()) return;
      seen = r;
      if (!ok(r)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(r);
    });
  });
}

const has = (...parts: (string | RegExp)[]) => (r: RenderReport) => parts.every((p) => (typeof p === 'string' ? r.text.includes(p) : p.test(r.text)));

function activeCustomViewType(): string | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom ? input.viewType : undefined;
}

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('certificate viewer', function () {
  this.timeout(60000);
  let a: Api;
  let dir: string; // <workspace>/viewer
  let caDir: string;
  const f = (...p: string[]) => vscode.Uri.file(path.join(dir, ...p));

  before(async () => {
    a = await api();
    a.setClock(() => NOW);
    dir = path.join(workspaceDir(), 'viewer');
    caDir = path.join(dir, 'ca');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const ctx = { fs: new NodeFilePort(), now: () => NOW };
    await initRoot(ctx, caDir, { subject: { CN: 'Viewer Root CA', O: 'Viewer' }, keyType: 'p256' });
    await createIntermediate(ctx, caDir, { subject: { CN: 'Viewer Intermediate CA' }, keyType: 'p256' });
    const www = await issue(ctx, caDir, { profile: 'server', subject: { CN: 'www.example.com' }, sans: [{ type: 'dns', value: 'www.example.com' }, { type: 'dns', value: 'example.com' }], keyType: 'p256' });
    const old = await issue(ctx, caDir, { profile: 'server', subject: { CN: 'old.example.com' }, keyType: 'p256' });
    await revoke(ctx, caDir, fs.readFileSync(old.certPath), 'keyCompromise');
    const crl = await generateCrl(ctx, caDir);

    // one file per type, next to the CA (the chain panel finds ca/intermediate/certs/ca-chain.cert.pem)
    fs.copyFileSync(www.certPath, path.join(dir, 'www.crt'));
    openssl(['x509', '-in', www.certPath, '-outform', 'DER', '-out', path.join(dir, 'www.der')]);
    fs.copyFileSync(www.csrPath, path.join(dir, 'www.csr'));
    fs.copyFileSync(www.keyPath, path.join(dir, 'www.key'));
    fs.copyFileSync(crl.crlPath, path.join(dir, 'intermediate.crl'));
    openssl(['pkcs12', '-export', '-inkey', www.keyPath, '-in', www.certPath, '-name', 'www', '-passout', 'pass:p12-secret', '-out', path.join(dir, 'www.p12')]);
    fs.writeFileSync(path.join(dir, 'broken.crt'), 'this is not a certificate\n');
    fs.writeFileSync(path.join(dir, 'truncated.crt'), `-----BEGIN CERTIFICATE-----\n${fs.readFileSync(path.join(dir, 'www.der')).subarray(0, 200).toString('base64')}\n-----END CERTIFICATE-----\n`);
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'xss.key.tmp'), '-out', path.join(dir, 'xss.crt'), '-subj', '/CN=<img src=x onerror=alert(1)>', '-days', '3650']);
    fs.rmSync(path.join(dir, 'xss.key.tmp'));
    // missing intermediate: the leaf alone, with a chain file that holds only the root
    fs.mkdirSync(path.join(dir, 'lonely'));
    fs.copyFileSync(www.certPath, path.join(dir, 'lonely', 'www.crt'));
    fs.copyFileSync(path.join(caDir, 'certs', 'ca.cert.pem'), path.join(dir, 'lonely', 'ca-chain.cert.pem'));
    await closeAll();
  });

  after(async () => {
    a.setClock(undefined);
    a.setPrompter(undefined);
    await closeAll();
  });

  afterEach(closeAll);

  it('is the default editor for .crt: subject, badge, SANs, extensions, fingerprints, and a valid chain', async () => {
    const uri = f('www.crt');
    await vscode.commands.executeCommand('vscode.open', uri);
    assert.equal(activeCustomViewType(), VIEW_TYPE);
    const r = await untilRendered(a, uri, 'the certificate', has('www.example.com', 'Viewer Intermediate CA', 'expires in 375 days', 'Subject alternative names (2)', 'SHA-256', 'SPKI SHA-256', 'basicConstraints', 'keyUsage', 'extKeyUsage', 'authorityKeyIdentifier', 'subjectKeyIdentifier', 'Raw ASN.1'));
    assert.equal(r.blockCount, 1);
    const chain = await untilRendered(a, uri, 'the chain panel', has('Valid chain'));
    assert.match(chain.text, /Viewer Root CA/);
    assert.match(chain.text, /trusted/);
    assert.match(chain.text, /ca-chain\.cert\.pem/);
    // the raw ASN.1 tree comes from the host on request
    await a.viewer.receive(uri, { type: 'asn1Request', block: 0 });
    await untilRendered(a, uri, 'the ASN.1 tree', (x) => x.reason === 'asn1');
  });

  it('the chain panel explains a wrong host name', async () => {
    const uri = f('www.crt');
    await vscode.commands.executeCommand('vscode.open', uri);
    await untilRendered(a, uri, 'the chain panel', has('Valid chain'));
    await a.viewer.receive(uri, { type: 'verifyChain', block: 0, host: 'https://Wrong.Example.org/' });
    const r = await untilRendered(a, uri, 'a host failure', has('Not valid for wrong.example.org'));
    assert.match(r.text, /wrong\.example\.org/);
    assert.match(r.text, /Fix:/);
  });

  it('the chain panel explains an expired certificate (clock moved past notAfter)', async () => {
    a.setClock(() => new Date(NOW.getTime() + 400 * DAY));
    try {
      const uri = f('www.der');
      await vscode.commands.executeCommand('vscode.open', uri);
      assert.equal(activeCustomViewType(), VIEW_TYPE);
      await untilRendered(a, uri, 'the expired badge', has('www.example.com', 'expired 25 days ago'));
      const r = await untilRendered(a, uri, 'a validity failure', has('Not valid'));
      assert.match(r.text, /expired/i);
    } finally {
      a.setClock(() => NOW);
    }
  });

  it('the chain panel explains a missing intermediate', async () => {
    const uri = f('lonely', 'www.crt');
    await vscode.commands.executeCommand('vscode.open', uri);
    const r = await untilRendered(a, uri, 'a path failure', has('Not valid'));
    assert.match(r.text, /intermediate|issuer/i);
    assert.match(r.text, /lonely\/ca-chain\.cert\.pem/);
  });

  it('shows a CSR with its signature check and "Sign this CSR"', async () => {
    const uri = f('www.csr');
    await vscode.commands.executeCommand('vscode.open', uri);
    assert.equal(activeCustomViewType(), VIEW_TYPE);
    await untilRendered(a, uri, 'the request', has('www.example.com', 'signature valid', 'Sign this CSR', 'Requested extensions', 'example.com'));
  });

  it('shows a CRL with its number and revoked serials with reasons', async () => {
    const uri = f('intermediate.crl');
    await vscode.commands.executeCommand('vscode.open', uri);
    assert.equal(activeCustomViewType(), VIEW_TYPE);
    await untilRendered(a, uri, 'the CRL', has('CRL of Viewer Intermediate CA', 'CRL number', 'Revoked certificates (1)', 'keyCompromise', 'next update due in'));
  });

  it('opens a .key only on request (option), and shows the matching certificate, never the key', async () => {
    const uri = f('www.key');
    await vscode.commands.executeCommand('workspaceCa.openInViewer', uri);
    assert.equal(activeCustomViewType(), OPTION_VIEW_TYPE);
    const r = await untilRendered(a, uri, 'the key and its certificate', has('Private key', 'EC P-256', 'not encrypted', 'www.example.com', 'viewer/www.crt'));
    const body = fs.readFileSync(uri.fsPath, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const line of body) assert.ok(!r.text.includes(line.slice(0, 20)), 'key material must never reach the webview');
  });

  it('asks the PKCS#12 password in the host, never in the webview, then lists the contents', async () => {
    const uri = f('www.p12');
    await vscode.commands.executeCommand('vscode.open', uri);
    assert.equal(activeCustomViewType(), VIEW_TYPE);
    await untilRendered(a, uri, 'the locked view', has('protected by a password', 'Enter password'));
    const prompter = new ScriptedPrompter().answer({ expect: 'Password of www.p12', answer: 'wrong' }, { expect: 'Password of www.p12', answer: 'p12-secret' });
    a.setPrompter(prompter);
    try {
      await a.viewer.receive(uri, { type: 'unlockPkcs12' });
      await untilRendered(a, uri, 'the wrong-password view', has('Wrong password'));
      await a.viewer.receive(uri, { type: 'unlockPkcs12' });
      const r = await untilRendered(a, uri, 'the contents', has('Certificates (1)', 'Private keys (1)', 'www.example.com', 'has its key'));
      assert.ok(!r.text.includes('p12-secret'));
      assert.equal(prompter.pending, 0);
    } finally {
      a.setPrompter(undefined);
    }
  });

  it('shows a readable error view for a file that is not a certificate, and for a truncated one', async () => {
    const uri = f('broken.crt');
    await vscode.commands.executeCommand('vscode.open', uri);
    await untilRendered(a, uri, 'the error view', has('Cannot show broken.crt', 'Neither PEM text nor a DER structure', 'Open as Text'));
    const t = f('truncated.crt');
    await vscode.commands.executeCommand('vscode.open', t);
    await untilRendered(a, t, 'the block error', has('This block cannot be read', 'truncated'));
  });

  it('renders an attacker-chosen subject as text', async () => {
    const uri = f('xss.crt');
    await vscode.commands.executeCommand('vscode.open', uri);
    const r = await untilRendered(a, uri, 'the literal subject', has('<img src=x onerror=alert(1)>'));
    assert.ok(r.text.includes('CN=<img src=x onerror=alert(1)>'));
  });

  it('re-renders when the file changes on disk', async () => {
    const file = path.join(dir, 'changing.pem');
    fs.copyFileSync(path.join(dir, 'www.crt'), file);
    const uri = vscode.Uri.file(file);
    await vscode.commands.executeCommand('workspaceCa.openInViewer', uri);
    await untilRendered(a, uri, 'the first certificate', has('www.example.com'));
    fs.copyFileSync(path.join(dir, 'xss.crt'), file);
    const r = await untilRendered(a, uri, 'the new content', (x) => x.reason === 'update' && x.text.includes('<img src=x onerror=alert(1)>'));
    assert.ok(!r.text.includes('Viewer Intermediate CA'));
  });

  it('re-renders when the open text document changes (unsaved edits)', async () => {
    const file = path.join(dir, 'edited.pem');
    fs.copyFileSync(path.join(dir, 'www.crt'), file);
    const uri = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workspaceCa.openInViewer', uri);
    await untilRendered(a, uri, 'the certificate', has('www.example.com'));
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(doc.lineCount, 0), fs.readFileSync(path.join(dir, 'xss.crt'), 'utf8'));
    assert.ok(await vscode.workspace.applyEdit(edit));
    const r = await untilRendered(a, uri, 'two blocks', (x) => x.reason === 'update' && x.blockCount === 2);
    assert.match(r.text, /2 certificates/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('stays usable with 10,000 SANs (renders a page of them, "Show more" for the rest)', async () => {
    const cnf = path.join(dir, 'many.cnf');
    const names = Array.from({ length: 10000 }, (_, i) => `DNS.${i + 1} = host${i}.many.example`);
    fs.writeFileSync(cnf, `[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = many.example\n[v3]\nsubjectAltName = @alt\n[alt]\n${names.join('\n')}\n`);
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'many.key.tmp'), '-out', path.join(dir, 'many-sans.crt'), '-config', cnf, '-extensions', 'v3', '-days', '30']);
    fs.rmSync(path.join(dir, 'many.key.tmp'));
    const uri = f('many-sans.crt');
    await vscode.commands.executeCommand('vscode.open', uri);
    const r = await untilRendered(a, uri, 'the SAN page', has('Subject alternative names (10,000)', 'Showing 200 of 10,000', 'host199.many.example', '10,000 names (listed above)'));
    assert.ok(!r.text.includes('host200.many.example'), 'only the first page is rendered');
    console.log(`      10,000 SANs: webview DOM ${r.renderMs} ms, host read+decode ${r.buildMs} ms`);
  });

  it('stays usable with the 142 Debian roots in one bundle (and reports how long it took)', async function () {
    const shared = process.env.WORKSPACE_CA_SHARED || path.resolve(__dirname, '../../../../shared');
    const corpus = path.join(shared, 'corpus', 'debian-ca-certificates');
    if (!fs.existsSync(corpus)) this.skip();
    const files = fs.readdirSync(corpus).sort();
    const bundle = path.join(dir, 'debian-roots.crt');
    fs.writeFileSync(bundle, files.map((x) => fs.readFileSync(path.join(corpus, x), 'utf8').trim() + '\n').join(''));
    const uri = vscode.Uri.file(bundle);
    const t0 = Date.now();
    await vscode.commands.executeCommand('vscode.open', uri);
    const r = await untilRendered(a, uri, 'the bundle', (x) => x.reason === 'init' && x.blockCount === files.length, 30000);
    console.log(`      142-root bundle: open -> rendered ${Date.now() - t0} ms (host: since resolve ${r.sinceOpenMs} ms, read+decode ${r.buildMs} ms; webview DOM ${r.renderMs} ms)`);
    assert.match(r.text, /142 certificates/);
  });
});

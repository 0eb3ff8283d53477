import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as vscode from 'vscode';
import { ScriptedAnswer, ScriptedPrompter } from '../../src/extension/prompter';
import type { WorkspaceCaApi } from '../../src/extension/extension';
import { CaFixture, INTER_PASS, addDays, makeCa, rel } from './caFixture';
import { api, openssl, workspaceDir } from './helpers';

// Issue 7 in the extension: Problems diagnostics with a quick fix, Explorer decorations, the
// expiring-soon status bar item, hovers and CodeLenses on embedded certificates, and the live TLS
// probe. One CA made by core at T0 in watch-fixture/; the clock pinned at T0 + 30 days.
describe('watching certificates', function () {
  this.timeout(60000);
  const T0 = new Date('2032-01-01T00:00:00Z');
  const NOW = addDays(T0, 30);
  let a: WorkspaceCaApi;
  let prompter: ScriptedPrompter;
  let ca: CaFixture;
  const files: Record<string, { cert: string; key: string }> = {};
  const ws = () => workspaceDir();
  const fixture = (...p: string[]) => path.join(ws(), 'watch-fixture', ...p);
  const uri = (p: string) => vscode.Uri.file(p);

  function script(...answers: (ScriptedAnswer | string | undefined)[]): ScriptedPrompter {
    prompter = new ScriptedPrompter().answer(...answers);
    a.setPrompter(prompter);
    return prompter;
  }
  const diagnostics = (p: string) => vscode.languages.getDiagnostics(uri(p)).filter((d) => d.source === 'Workspace CA');
  const codes = (p: string) => diagnostics(p).map((d) => String(d.code));

  before(async () => {
    a = await api();
    a.setClock(() => NOW);
    ca = await makeCa(fixture('ca'), { root: 'Watch Root CA', intermediate: 'Watch Intermediate CA' }, T0);
    files.old = await ca.leaf('old.watch.test', { days: 10 });
    files.soon = await ca.leaf('soon.watch.test', { days: 40 });
    files.fine = await ca.leaf('fine.watch.test', { days: 365 });
    files.gone = await ca.leaf('gone.watch.test', { days: 365 });
    await ca.revoke(files.gone.cert, 'keyCompromise');
    files.probe = await ca.leaf('probe.watch.test', { days: 365, sans: [{ type: 'ip', value: '127.0.0.1' }] });
    // A server certificate with no SAN, signed by openssl (the CLI our users also use): lint must flag it.
    const inter = fixture('ca/intermediate');
    const ext = fixture('nosan.ext');
    fs.writeFileSync(ext, 'basicConstraints = CA:FALSE\nkeyUsage = digitalSignature\nextendedKeyUsage = serverAuth\n');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', fixture('nosan.key.pem'), '-subj', '/CN=nosan.watch.test', '-out', fixture('nosan.csr.pem')]);
    openssl(['x509', '-req', '-in', fixture('nosan.csr.pem'), '-CA', path.join(inter, 'certs/intermediate.cert.pem'), '-CAkey', path.join(inter, 'private/intermediate.key.pem'),
      '-passin', `pass:${INTER_PASS}`, '-set_serial', '0x7001', '-days', '7300', '-extfile', ext, '-out', fixture('nosan.cert.pem')]);
    await a.tree.refresh();
    await a.watch.refresh();
  });
  after(() => {
    a.setPrompter(undefined);
    a.setClock(undefined);
    fs.rmSync(fixture(), { recursive: true, force: true });
  });
  afterEach(function () {
    a.setPrompter(undefined);
    if (prompter && this.currentTest?.state === 'passed') assert.equal(prompter.pending, 0, `unused answers; asked: ${JSON.stringify(prompter.asked.map((q) => q.text))}`);
  });

  it('Problems: expired, expiring in 10 days and SAN-less server certificates, with codes and messages', () => {
    const old = diagnostics(files.old.cert).find((d) => d.code === 'expired');
    assert.ok(old, `expired diagnostic; got ${codes(files.old.cert)}`);
    assert.equal(old.severity, vscode.DiagnosticSeverity.Error);
    assert.match(old.message, /^The certificate 'old\.watch\.test' expired 20 days ago \(2032-01-11\)/);
    const soon = diagnostics(files.soon.cert).find((d) => d.code === 'expiring-soon');
    assert.ok(soon, `expiring diagnostic; got ${codes(files.soon.cert)}`);
    assert.equal(soon.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(soon.message, /^The certificate 'soon\.watch\.test' expires in 10 days \(2032-02-10\)/);
    assert.equal(soon.range.start.line, 0);
    const nosan = diagnostics(fixture('nosan.cert.pem')).find((d) => d.code === 'server-san-missing');
    assert.ok(nosan, `SAN diagnostic; got ${codes(fixture('nosan.cert.pem'))}`);
    assert.equal(nosan.severity, vscode.DiagnosticSeverity.Error);
    assert.match(nosan.message, /has no DNS or IP subject alternative name.*\("nosan\.watch\.test"\).*\nFix: Reissue it with --san DNS:nosan\.watch\.test/s);
    assert.deepEqual(codes(files.fine.cert), []);
    assert.deepEqual(codes(files.gone.cert), ['revoked']);
    // private keys and requests are never read
    assert.deepEqual(diagnostics(files.soon.key), []);
    assert.deepEqual(diagnostics(fixture('nosan.csr.pem')), []);
  });

  it('Problems: "Renew this certificate" is the quick fix of an expiring certificate', async () => {
    const soon = diagnostics(files.soon.cert).find((d) => d.code === 'expiring-soon')!;
    // code actions are computed on an open model
    await vscode.workspace.openTextDocument(uri(files.soon.cert));
    await vscode.workspace.openTextDocument(uri(fixture('nosan.cert.pem')));
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri(files.soon.cert), soon.range)) ?? [];
    const renew = actions.find((x) => x.title === 'Renew this certificate');
    assert.ok(renew, `quick fixes: ${actions.map((x) => x.title).join(', ')}`);
    assert.equal(renew.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.equal(renew.command?.command, 'workspaceCa.renewCertificate');
    // the SAN-less certificate has diagnostics but nothing renewal fixes
    const nosan = diagnostics(fixture('nosan.cert.pem'))[0];
    const none = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri(fixture('nosan.cert.pem')), nosan.range)) ?? [];
    assert.equal(none.filter((x) => x.title === 'Renew this certificate').length, 0);
  });

  it('Explorer decorations: expired, expiring and revoked certificates are badged; valid ones are not', () => {
    const dec = (p: string) => a.watch.provideFileDecoration(uri(p));
    assert.equal(dec(files.old.cert)?.badge, '✗');
    assert.equal((dec(files.old.cert)?.color as vscode.ThemeColor).id, 'list.errorForeground');
    assert.match(dec(files.old.cert)?.tooltip ?? '', /Certificate expired: old\.watch\.test expired 20 days ago/);
    assert.equal(dec(files.soon.cert)?.badge, '10');
    assert.equal(dec(files.gone.cert)?.badge, 'R');
    assert.match(dec(files.gone.cert)?.tooltip ?? '', /revoked on 2032-01-01 \(keyCompromise\)/);
    assert.equal(dec(files.fine.cert), undefined);
  });

  it('status bar: counts the certificates expiring soon; its list opens the chosen one', async () => {
    const { expiring, expired } = a.watch.expiring();
    assert.ok(expiring.some((f) => f.uri.fsPath === files.soon.cert));
    assert.ok(expired.some((f) => f.uri.fsPath === files.old.cert));
    assert.equal(a.watch.statusBar.text, `$(error) ${expiring.length} expiring, ${expired.length} expired`);
    assert.equal(a.watch.statusBar.command, 'workspaceCa.showExpiringCertificates');
    script({ expect: 'Certificates expiring soon', answer: '$(warning) soon.watch.test' });
    const opened = await vscode.commands.executeCommand<vscode.Uri>('workspaceCa.showExpiringCertificates');
    assert.equal(opened?.fsPath, files.soon.cert);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, files.soon.cert);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('hover and CodeLens on a Kubernetes Secret (base64 of PEM in tls.crt:)', async () => {
    const chain = fs.readFileSync(files.soon.cert, 'utf8') + fs.readFileSync(fixture('ca/intermediate/certs/intermediate.cert.pem'), 'utf8');
    const secret = fixture('secret.yaml');
    fs.writeFileSync(secret, [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: soon-tls',
      'type: kubernetes.io/tls',
      'data:',
      `  tls.crt: ${Buffer.from(chain).toString('base64')}`,
      `  tls.key: ${Buffer.from('not a key').toString('base64')}`,
      '',
    ].join('\n'));
    const doc = await vscode.workspace.openTextDocument(uri(secret));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(6, 20));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /CN=soon\.watch\.test, expires 2032-02-10 \(in 10 days\), issued by CN=Watch Intermediate CA/);
    assert.match(text, /base64 of PEM/);
    assert.match(text, /DNS:soon\.watch\.test/);
    assert.match(text, /CN=Watch Intermediate CA, expires/, 'the second certificate of tls.crt too');
    assert.match(text, /command:workspaceCa\.openEmbeddedCertificate/);
    const none = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, 2));
    assert.equal(none.filter((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('Certificate'))).length, 0);

    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const titles = lenses.filter((l) => l.command?.command === 'workspaceCa.openEmbeddedCertificate').map((l) => `${l.range.start.line}: ${l.command?.title}`);
    assert.deepEqual(titles, [
      '6: CN=soon.watch.test, expires 2032-02-10 (in 10 days), issued by CN=Watch Intermediate CA',
      '6: Open decoded',
      `6: #2 CN=Watch Intermediate CA, expires ${addDays(T0, 3650).toISOString().slice(0, 10)} (in ${3650 - 30} days), issued by CN=Watch Root CA`,
      '6: Open decoded',
    ]);

    // "Open decoded": the DER in the workspace-ca-embedded file system, opened in the certificate viewer
    const open = lenses.find((l) => l.command?.title === 'Open decoded')!;
    const opened = await vscode.commands.executeCommand<vscode.Uri>(open.command!.command, ...(open.command!.arguments ?? []));
    assert.equal(opened.scheme, 'workspace-ca-embedded');
    const der = Buffer.from(await vscode.workspace.fs.readFile(opened));
    assert.match(openssl(['x509', '-inform', 'DER', '-in', writeTemp(der), '-noout', '-subject']), /CN\s*=\s*soon\.watch\.test/);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputCustom, `active tab: ${tab?.label}`);
    assert.equal(tab.input.viewType, 'workspaceCa.certificateViewer');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('hover and CodeLens on a PEM block in a .env-like file', async () => {
    const pem = fs.readFileSync(files.fine.cert, 'utf8').trim();
    const env = fixture('app.env');
    fs.writeFileSync(env, `# service settings\nPORT=8443\nTLS_CERT="${pem}"\nDEBUG=false\n`);
    const doc = await vscode.workspace.openTextDocument(uri(env));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(4, 3));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /PEM block/);
    assert.match(text, /CN=fine\.watch\.test, expires 2032-12-31 \(in 335 days\), issued by CN=Watch Intermediate CA/);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    assert.deepEqual(
      lenses.filter((l) => l.command?.command === 'workspaceCa.openEmbeddedCertificate').map((l) => `${l.range.start.line}: ${l.command?.title}`),
      ['2: CN=fine.watch.test, expires 2032-12-31 (in 335 days), issued by CN=Watch Intermediate CA', '2: Open decoded'],
    );
  });

  describe('Check a Server\'s Certificate (probe)', () => {
    let server: tls.Server | undefined;
    async function serve(cert: string, key: string): Promise<number> {
      server = tls.createServer({ cert, key });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      return (server.address() as { port: number }).port;
    }
    afterEach(async () => {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    });
    const trust = { expect: /^Validate 127\.0\.0\.1:\d+ against/, answer: 'Watch Root CA' };
    const probe = async (port: number) => {
      script({ expect: "Check a server's certificate", answer: `127.0.0.1:${port}` }, trust, { expect: /^127\.0\.0\.1:/, answer: undefined });
      return (await vscode.commands.executeCommand('workspaceCa.probeServer')) as { ok: boolean; message: string; report: string } | undefined;
    };

    it('full chain: valid, complete, the same certificate as the workspace file', async () => {
      const port = await serve(fs.readFileSync(files.probe.cert, 'utf8') + fs.readFileSync(fixture('ca/intermediate/certs/intermediate.cert.pem'), 'utf8'), fs.readFileSync(files.probe.key, 'utf8'));
      const r = await probe(port);
      assert.ok(r, `no result; messages: ${prompter.messages.join(' | ')}`);
      assert.equal(r.ok, true, r.message);
      assert.equal(r.message, `127.0.0.1:${port} serves "probe.watch.test": valid against the CA chain ${rel(ws(), fixture('ca/intermediate/certs/ca-chain.cert.pem'))}, chain complete, the same certificate as ${rel(ws(), files.probe.cert)}.`);
      assert.deepEqual(prompter.messages, [`info: ${r.message}`]);
      assert.match(r.report, /Served chain:\n {2}0\. CN=probe\.watch\.test.*\n {2}1\. CN=Watch Intermediate CA/);
    });

    it('leaf alone: the missing intermediate is reported', async () => {
      const port = await serve(fs.readFileSync(files.probe.cert, 'utf8'), fs.readFileSync(files.probe.key, 'utf8'));
      const r = await probe(port);
      assert.ok(r);
      assert.equal(r.ok, false);
      assert.match(r.message, /chain INCOMPLETE/);
      assert.match(r.message, /does not send the intermediate CA 'Watch Intermediate CA' that issued 'probe\.watch\.test'/);
      assert.match(prompter.messages[0], /^warning: 127\.0\.0\.1:\d+ serves "probe\.watch\.test"/);
    });

    it('a certificate from elsewhere: not valid against the workspace CA', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wca-probe-'));
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-subj', '/CN=stranger.test', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '7300', '-out', path.join(dir, 'c.pem')]);
      const port = await serve(fs.readFileSync(path.join(dir, 'c.pem'), 'utf8'), fs.readFileSync(path.join(dir, 'k.pem'), 'utf8'));
      fs.rmSync(dir, { recursive: true, force: true });
      const r = await probe(port);
      assert.ok(r);
      assert.equal(r.ok, false);
      assert.match(r.message, /^127\.0\.0\.1:\d+ serves "stranger\.test": NOT valid against the CA chain/);
    });

    it('nothing listening: a clear error, no result', async () => {
      const port = await serve(fs.readFileSync(files.probe.cert, 'utf8'), fs.readFileSync(files.probe.key, 'utf8'));
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
      script({ expect: "Check a server's certificate", answer: `127.0.0.1:${port}` }, trust);
      const r = await vscode.commands.executeCommand('workspaceCa.probeServer');
      assert.equal(r, undefined);
      assert.deepEqual(prompter.messages, [`error: Nothing is listening on 127.0.0.1:${port} (connection refused)`]);
    });

    it('validates host:port as typed', async () => {
      script({ expect: "Check a server's certificate", answer: 'example.com:99999' });
      await vscode.commands.executeCommand('workspaceCa.probeServer');
      assert.match(prompter.messages.join('\n'), /rejected: "99999" is not a port number \(1-65535\)/);
    });
  });
});

function writeTemp(bytes: Buffer): string {
  const p = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wca-der-')), 'c.der');
  fs.writeFileSync(p, bytes);
  return p;
}

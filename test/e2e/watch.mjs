#!/usr/bin/env node
// Screenshots for docs/watch.md, taken in the real workbench (code-server + headless chromium):
// the Problems panel with Workspace CA's certificate diagnostics, and the hover on a Kubernetes
// Secret whose tls.crt holds a base64 certificate chain. The workspace is an openssl-made CA
// (test/host/seed-ca.mjs: an expired, an expiring-in-10-days and a revoked certificate) plus a
// SAN-less server certificate and a Secret manifest made here.
//
//   node test/e2e/watch.mjs [--out <dir>=docs/images] [--timeout <s>=180] [--headed] [--keep]
//
// Run `node esbuild.js` first. Last line "N passed, N failed"; exit 0 | 1 check failed | 2 setup | 124 timeout.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seedCa } from '../host/seed-ca.mjs';
import { REPO_ROOT, launchBrowser, mkRunDir, checks, uiSession, parseArgs, sleep, startCodeServer, workbenchUrl } from '../host/lib.mjs';

let opts;
try {
  opts = parseArgs(process.argv.slice(2), { out: 'value', timeout: 'value', headed: 'flag', keep: 'flag' });
} catch (e) {
  console.error(`${e.message}\nusage: watch.mjs [--out <dir>] [--timeout <s>] [--headed] [--keep]`);
  process.exit(2);
}
const outDir = path.resolve(opts.out ?? path.join(REPO_ROOT, 'docs/images'));
fs.mkdirSync(outDir, { recursive: true });
const runDir = mkRunDir('workspace-ca-watch-');
const workspace = path.join(runDir, 'workspace');
const ca = path.join(workspace, 'openssl-ca');
seedCa(ca);

// A server certificate without a subject alternative name, signed by the seed intermediate.
const im = path.join(ca, 'intermediate');
const ossl = (args) => execFileSync('openssl', args, { cwd: im, stdio: ['ignore', 'pipe', 'pipe'] });
fs.writeFileSync(path.join(runDir, 'nosan.ext'), 'basicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n');
ossl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'private/legacy.seed.test.key.pem', '-subj', '/CN=legacy.seed.test', '-out', 'csr/legacy.seed.test.csr.pem']);
const intermediateKey = fs.existsSync(path.join(im, 'private/intermediate.key.pem')) ? 'private/intermediate.key.pem' : undefined;
ossl(['x509', '-req', '-in', 'csr/legacy.seed.test.csr.pem', '-CA', 'certs/intermediate.cert.pem', ...(intermediateKey ? ['-CAkey', intermediateKey] : []), '-set_serial', '0x7001', '-days', '90', '-extfile', path.join(runDir, 'nosan.ext'), '-out', 'certs/legacy.seed.test.cert.pem']);

// A Kubernetes TLS Secret: tls.crt is base64 of the PEM chain (leaf + intermediate).
const chain = fs.readFileSync(path.join(im, 'certs/soon.seed.test.cert.pem'), 'utf8') + fs.readFileSync(path.join(im, 'certs/intermediate.cert.pem'), 'utf8');
fs.mkdirSync(path.join(workspace, 'k8s'), { recursive: true });
fs.writeFileSync(path.join(workspace, 'k8s/soon-tls.yaml'), [
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: soon-tls',
  '  namespace: shop',
  'type: kubernetes.io/tls',
  'data:',
  `  tls.crt: ${Buffer.from(chain).toString('base64')}`,
  `  tls.key: ${Buffer.from(`${'-'.repeat(5)}BEGIN PRIVATE KEY${'-'.repeat(5)}\n(redacted)\n${'-'.repeat(5)}END PRIVATE KEY${'-'.repeat(5)}\n`).toString('base64')}`,
  '',
].join('\n'));

let server;
let browser;
const session = uiSession({ runDir, keep: opts.keep, timeoutS: Number(opts.timeout ?? 180), label: 'watch' });
const shutdown = session.shutdown;

let page;
const { results, check } = checks((name) => page?.screenshot({ path: path.join(outDir, `FAILED-${name.replace(/\W+/g, '-')}.png`) }));
/** Runs a command from the palette by its title. */
async function palette(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
}

let exitCode = 2;
try {
  server = session.server = await startCodeServer({ runDir, settings: { 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'editor.minimap.enabled': false, 'workbench.colorTheme': 'Default Dark Modern' } });
  browser = session.browser = await launchBrowser({ runDir, headless: !opts.headed, viewport: { width: 1400, height: 860 } });
  page = browser.page;
  await page.goto(workbenchUrl({ server, workspace, extensionDevelopmentPath: REPO_ROOT }), { waitUntil: 'domcontentloaded', timeout: 60000 });
  await page.locator('.part.activitybar [aria-label^="Workspace CA"]').first().waitFor({ state: 'visible', timeout: 60000 });

  await check('the Problems panel lists certificate findings from Workspace CA', async () => {
    await palette('View: Focus Problems (Errors, Warnings, Infos)').catch(async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Shift+M');
    });
    const rows = page.locator('.markers-panel .monaco-list-row');
    await rows.filter({ hasText: /subject alternative name/ }).first().waitFor({ timeout: 30000 });
    await rows.filter({ hasText: /'old\.seed\.test' expired/ }).first().waitFor({ timeout: 10000 });
    await sleep(500);
    await page.screenshot({ path: path.join(outDir, 'watch-problems.png') });
    return `${await rows.count()} rows`;
  });

  await check('hovering tls.crt of a Kubernetes Secret shows the decoded certificate', async () => {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill('soon-tls.yaml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'soon-tls.yaml' }).first().waitFor({ timeout: 10000 });
    await page.keyboard.press('Enter');
    const line = page.locator('.monaco-editor .view-line', { hasText: 'tls.crt' }).first();
    await line.waitFor({ state: 'visible', timeout: 15000 });
    // the CodeLens above the value
    await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Open decoded' }).first().waitFor({ timeout: 15000 });
    const box = await line.boundingBox();
    await page.mouse.move(box.x + 260, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover', { hasText: 'soon.seed.test' }).first();
    await hover.waitFor({ state: 'visible', timeout: 15000 });
    await sleep(400);
    await page.screenshot({ path: path.join(outDir, 'watch-hover-secret.png') });
  });

  const failed = results.filter((r) => !r.ok).length;
  exitCode = failed ? 1 : 0;
  console.log(`${results.length - failed} passed, ${failed} failed`);
} catch (e) {
  console.error(`watch: setup error: ${e?.stack ?? e}`);
  exitCode = 2;
}
await shutdown(exitCode);
process.exit(exitCode);

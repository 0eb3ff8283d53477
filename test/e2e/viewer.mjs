#!/usr/bin/env node
// UI end-to-end test of the certificate viewer: the real workbench (code-server) in Debian's chromium
// through Playwright, driven the way a person does (command palette, quick open, typing into the
// webview). It opens a certificate (valid chain; then a wrong host name; then a missing
// intermediate), a CSR, a bundle of the 142 Debian roots, and a certificate whose subject is
// `<img src=x onerror=alert(1)>`, reads the text inside the webview's two nested iframes, checks no
// script of the certificate ran, and saves screenshots for the README into docs/images/.
//
//   node test/e2e/viewer.mjs [--out <dir>=docs/images] [--timeout <s>=240] [--headed] [--keep]
//
// Run `node esbuild.js` first (npm run test:e2e does). The CA is made at test time with the CLI;
// the Debian roots come from $WORKSPACE_CA_SHARED or <repo>/../shared.
// Last line "N passed, N failed"; exit 0 | 1 check failed | 2 setup | 124 timeout.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout } from 'node:timers';
import { REPO_ROOT, launchBrowser, log, mkRunDir, checks, uiSession, parseArgs, startCodeServer, tail, workbenchUrl } from '../host/lib.mjs';

let opts;
try {
  opts = parseArgs(process.argv.slice(2), { out: 'value', timeout: 'value', headed: 'flag', keep: 'flag', env: 'value', theme: 'value' });
} catch (e) {
  console.error(`${e.message}\nusage: viewer.mjs [--out <dir>] [--timeout <s>] [--headed] [--keep] [--theme light|hc]`);
  process.exit(2);
}
const outDir = path.resolve(opts.out ?? path.join(REPO_ROOT, 'docs/images'));
const shared = path.resolve(process.env.WORKSPACE_CA_SHARED || path.join(REPO_ROOT, '../shared'));
const corpus = path.join(shared, 'corpus/debian-ca-certificates');
const XSS = '<img src=x onerror=alert(1)>';

const runDir = mkRunDir('workspace-ca-e2e-');
const workspace = path.join(runDir, 'workspace');
let server;
let browser;
const session = uiSession({ runDir, keep: opts.keep, timeoutS: Number(opts.timeout ?? 240), label: 'viewer e2e' });
const shutdown = session.shutdown;

// ---------------------------------------------------------------- fixtures, made now
function cli(...args) {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), ...args], { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
}
function openssl(...args) {
  execFileSync('openssl', args, { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
}
function makeWorkspace() {
  fs.mkdirSync(workspace, { recursive: true });
  cli('init', 'ca', '--cn', 'Example Root CA', '--org', 'Example', '--key-type', 'p256');
  cli('intermediate', 'ca', '--cn', 'Example Intermediate CA', '--key-type', 'p256');
  cli('issue', 'ca', '--cn', 'www.example.com', '--san', 'DNS:www.example.com', '--san', 'DNS:example.com', '--key-type', 'p256');
  const inter = path.join(workspace, 'ca/intermediate');
  fs.mkdirSync(path.join(workspace, 'site'));
  fs.copyFileSync(path.join(inter, 'certs/www.example.com.cert.pem'), path.join(workspace, 'site/www.example.com.crt'));
  fs.copyFileSync(path.join(inter, 'csr/www.example.com.csr.pem'), path.join(workspace, 'site/www.example.com.csr'));
  // the leaf with a chain file that lacks the intermediate
  fs.mkdirSync(path.join(workspace, 'lonely'));
  fs.copyFileSync(path.join(inter, 'certs/www.example.com.cert.pem'), path.join(workspace, 'lonely/www.example.com.crt'));
  fs.copyFileSync(path.join(workspace, 'ca/certs/ca.cert.pem'), path.join(workspace, 'lonely/ca-chain.cert.pem'));
  // an attacker-chosen subject
  fs.mkdirSync(path.join(workspace, 'evil'));
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(runDir, 'evil.key'), '-out', 'evil/xss.crt', '-subj', `/CN=${XSS}`, '-days', '30');
  // the 142 Debian roots in one file
  const roots = fs.readdirSync(corpus).sort();
  fs.mkdirSync(path.join(workspace, 'bundle'));
  fs.writeFileSync(path.join(workspace, 'bundle/debian-roots.crt'), roots.map((f) => fs.readFileSync(path.join(corpus, f), 'utf8').trim() + '\n').join(''));
  return roots.length;
}

// ---------------------------------------------------------------- checks
let page;
const dialogs = [];
const cspViolations = [];
// --theme light|hc runs the same checks in another built-in colour theme; screenshots get a suffix.
const THEMES = { light: 'Default Light Modern', hc: 'Default High Contrast' };
if (opts.theme && !THEMES[opts.theme]) {
  console.error('--theme is light or hc');
  process.exit(2);
}
const suffix = opts.theme ? `-${opts.theme}` : '';
const shot = async (name) => {
  fs.mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: path.join(outDir, `${name}${suffix}.png`) });
  return path.relative(REPO_ROOT, path.join(outDir, `${name}${suffix}.png`));
};
const { results, check } = checks(async (name) => {
  await page.screenshot({ path: path.join(runDir, `FAILED-${name.replace(/\W+/g, '-')}.png`) });
  if (opts.keep) log(`  screenshot in ${runDir}`);
});

/** The viewer's document: the outer webview iframe (the last one is the active editor's) -> #active-frame. */
const viewer = () => page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
const viewerText = () => viewer().locator('#app').innerText({ timeout: 5000 });
/** Scrolls the viewer so the chain panel's heading is at the top (for the README screenshots). */
const showChainPanel = () => viewer().locator('details.section', { hasText: 'Chain validation' }).first().evaluate((el) => el.scrollIntoView({ block: 'start' }));

async function quickInput(text, rowText) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  for (let i = 0; ; i++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(text);
    try {
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: rowText }).first().waitFor({ timeout: 5000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (i >= 3) throw e;
    }
  }
}
const runCommand = (title) => quickInput(`>${title}`, title);
/** Quick open (F1 without ">" is file search) picks the file by its workspace-relative path. */
const openFile = (rel) => quickInput(rel, path.basename(rel));

async function closeAll() {
  await runCommand('View: Close All Editors');
  await page.locator('iframe.webview.ready').first().waitFor({ state: 'detached', timeout: 10000 }).catch(() => {});
}

/** Polls the webview text until `ok(text)`; returns the text. */
async function untilViewer(what, ok, ms = 30000) {
  const deadline = Date.now() + ms;
  let text = '';
  for (;;) {
    try {
      text = await viewerText();
      if (ok(text)) return text;
    } catch { /* the frame is not there yet */ }
    if (Date.now() > deadline) throw new Error(`viewer never showed ${what}; it shows: ${text.slice(0, 400).replace(/\s+/g, ' ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let exitCode = 2;
try {
  const rootCount = makeWorkspace();
  server = session.server = await startCodeServer({ runDir, env: opts.env, settings: opts.theme ? { 'workbench.colorTheme': THEMES[opts.theme] } : {} });
  browser = session.browser = await launchBrowser({ runDir, headless: !opts.headed, viewport: { width: 1400, height: 1000 } });
  page = browser.page;
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply)/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on('frameattached', (frame) => frame.on?.('dialog', () => dialogs.push('frame dialog')));
  await page.goto(workbenchUrl({ server, workspace, extensionDevelopmentPath: REPO_ROOT }), { waitUntil: 'domcontentloaded', timeout: 60000 });
  await page.locator('.part.activitybar [aria-label^="Workspace CA"]').first().waitFor({ state: 'visible', timeout: 60000 });

  await check('a certificate opens in the viewer with a valid chain', async () => {
    await openFile('site/www.example.com.crt');
    const text = await untilViewer('a valid chain', (t) => t.includes('Valid chain'));
    for (const want of ['www.example.com', 'Example Intermediate CA', 'expires in', 'Subject alternative names (2)', 'SHA-256', 'Example Root CA']) {
      if (!text.includes(want)) throw new Error(`"${want}" missing`);
    }
    // Codicons are drawn (inline SVG from @vscode/codicons): on the buttons and on every check.
    const copyIcon = await viewer().locator('button.copy svg.codicon-copy').first().boundingBox();
    if (!copyIcon || copyIcon.width < 10 || copyIcon.width > 20 || copyIcon.height < 10) throw new Error(`the Copy button's codicon is not drawn (box ${JSON.stringify(copyIcon)})`);
    const passIcons = await viewer().locator('tr.check.pass svg.codicon-pass').count();
    if (passIcons < 5) throw new Error(`only ${passIcons} passed checks carry the pass codicon`);
    for (const sel of ['.verdict.pass svg.codicon-pass', 'button svg.codicon-check-all', 'button svg.codicon-go-to-file']) {
      if ((await viewer().locator(sel).count()) < 1) throw new Error(`no ${sel}`);
    }
    await showChainPanel();
    return await shot('viewer-certificate-valid-chain');
  });

  await check('typing a wrong host name into the chain panel explains the failure', async () => {
    const host = viewer().locator('#host-0');
    await host.fill('wrong.example.org');
    await host.press('Enter');
    const text = await untilViewer('the host failure', (t) => t.includes('Not valid for wrong.example.org'));
    if (!/Fix:/.test(text)) throw new Error('no fix shown');
    await showChainPanel();
    return await shot('viewer-certificate-wrong-host');
  });

  await check('the keyboard reaches the viewer controls', async () => {
    const host = viewer().locator('#host-0');
    await host.focus();
    await host.press('Tab');
    const focused = await viewer().locator(':focus').innerText();
    if (!/Validate/.test(focused)) throw new Error(`Tab from the host field focused "${focused}"`);
  });

  await check('a missing intermediate reads well', async () => {
    await closeAll();
    await openFile('lonely/www.example.com.crt');
    const text = await untilViewer('the path failure', (t) => t.includes('Not valid'));
    if (!/missing|issuer/i.test(text)) throw new Error('the failure does not name the missing issuer');
    await showChainPanel();
    return await shot('viewer-certificate-missing-intermediate');
  });

  await check('a CSR shows its signature check and the sign button', async () => {
    await closeAll();
    await openFile('site/www.example.com.csr');
    await untilViewer('the request', (t) => t.includes('signature valid') && t.includes('Sign this CSR'));
    return await shot('viewer-csr');
  });

  let bundleMs;
  await check(`a bundle of the ${rootCount} Debian roots opens and stays usable`, async () => {
    await closeAll();
    const t0 = Date.now();
    await openFile('bundle/debian-roots.crt');
    await untilViewer('the bundle', (t) => t.includes(`${rootCount} certificates`));
    bundleMs = Date.now() - t0;
    // filter the list, pick an entry by keyboard
    const filter = viewer().locator('nav input[type=search]');
    await filter.fill('ISRG');
    const item = viewer().locator('.nav-item:not([hidden])').first();
    await item.click();
    await untilViewer('the ISRG root', (t) => /ISRG Root X1/.test(t));
    await item.press('ArrowDown');
    await shot('viewer-bundle');
    return `open -> rendered ${bundleMs} ms (from Enter in quick open to the webview showing the list)`;
  });

  await check('a certificate named <img src=x onerror=alert(1)> shows as text and runs nothing', async () => {
    await closeAll();
    await openFile('evil/xss.crt');
    const text = await untilViewer('the literal subject', (t) => t.includes(XSS));
    const imgs = await viewer().locator('#app img').count();
    if (imgs !== 0) throw new Error(`${imgs} <img> element(s) in the viewer`);
    if (!text.includes(`CN=${XSS}`)) throw new Error('subject not shown literally');
    await new Promise((r) => setTimeout(r, 500));
    if (dialogs.length) throw new Error(`a dialog opened: ${dialogs.join('; ')}`);
    return await shot('viewer-xss-subject');
  });

  await check('no Content-Security-Policy violation was reported', async () => {
    const ours = cspViolations.filter((m) => !/vscode-cdn|workbench|service worker/i.test(m));
    if (ours.length) throw new Error(ours.slice(0, 3).join(' | '));
  });

  exitCode = results.every((r) => r.ok) ? 0 : 1;
  log(`screenshots in ${path.relative(REPO_ROOT, outDir) || outDir}`);
  if (bundleMs !== undefined) log(`142-root bundle: open -> rendered ${bundleMs} ms`);
} catch (e) {
  console.error(`viewer e2e: setup error: ${e?.stack ?? e}`);
  if (server) console.error(tail(server.logFile));
}
await shutdown();
console.log(`${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length} failed`);
process.exit(exitCode);

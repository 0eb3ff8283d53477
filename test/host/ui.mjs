#!/usr/bin/env node
// Drives the real workbench (code-server + headless chromium via Playwright) the way a person does and
// saves screenshots: the Workspace CA view in the activity bar, the CA tree, a tooltip-free tree shot,
// the command palette listing our commands, and the welcome view of an empty folder. Used for the
// README screenshots and as a UI smoke check. It also opens a copy of demo/ (the CA made by the CLI)
// and saves the sidebar with its CA tree as docs/images/tree.png, the README image.
//
//   node test/host/ui.mjs [--workspace <dir>] [--out <dir>=ui-artifacts] [--docs-image <png>=docs/images/tree.png]
//        [--timeout <s>=180] [--headed] [--keep]
//
// Without --workspace a throwaway workspace with an openssl-made CA (seed-ca.mjs) is used.
// Run `node esbuild.js` first. Last line "N passed, N failed"; exit 0 | 1 check failed | 2 setup | 124 timeout.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seedCa } from './seed-ca.mjs';
import { REPO_ROOT, launchBrowser, log, mkRunDir, checks, uiSession, parseArgs, startCodeServer, tail, workbenchUrl } from './lib.mjs';

let opts;
try {
  opts = parseArgs(process.argv.slice(2), { workspace: 'value', out: 'value', 'docs-image': 'value', timeout: 'value', headed: 'flag', keep: 'flag', env: 'value' });
} catch (e) {
  console.error(`${e.message}\nusage: ui.mjs [--workspace <dir>] [--out <dir>] [--timeout <s>] [--headed] [--keep]`);
  process.exit(2);
}
const outDir = path.resolve(opts.out ?? path.join(REPO_ROOT, 'ui-artifacts'));
fs.mkdirSync(outDir, { recursive: true });
const runDir = mkRunDir('workspace-ca-ui-');
let workspace = opts.workspace && path.resolve(opts.workspace);
if (!workspace) {
  workspace = path.join(runDir, 'workspace');
  seedCa(path.join(workspace, 'openssl-ca'));
}
const docsImage = path.resolve(opts['docs-image'] ?? path.join(REPO_ROOT, 'docs/images/tree.png'));
// demo-like: a copy of demo/ (root + intermediate + issued, revoked, CRL) plus one pending request
const demoWorkspace = path.join(runDir, 'demo');
fs.cpSync(path.join(REPO_ROOT, 'demo'), demoWorkspace, { recursive: true });
execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=api.demo.test',
  '-keyout', path.join(demoWorkspace, 'ca/intermediate/private/api.demo.test.key.pem'), '-out', path.join(demoWorkspace, 'ca/intermediate/csr/api.demo.test.csr.pem')], { stdio: 'ignore' });
const emptyWorkspace = path.join(runDir, 'empty');
fs.mkdirSync(emptyWorkspace, { recursive: true });

let server;
let browser;
const session = uiSession({ runDir, keep: opts.keep, timeoutS: Number(opts.timeout ?? 180), label: 'ui' });
const shutdown = session.shutdown;

let shot = 0;
let page;
const screenshot = async (label) => page.screenshot({ path: path.join(outDir, `${String(++shot).padStart(2, '0')}-${label}.png`) });
const { results, check } = checks((name) => screenshot(`FAILED-${name.replace(/\W+/g, '-')}`));
const activityIcon = () => page.locator('.part.activitybar [aria-label^="Workspace CA"]').first();
const treeRows = () => page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: /Certificate Authorities/i }) }).locator('.monaco-list-row');

let exitCode = 2;
try {
  server = session.server = await startCodeServer({ runDir, env: opts.env });
  browser = session.browser = await launchBrowser({ runDir, headless: !opts.headed });
  page = browser.page;
  await page.goto(workbenchUrl({ server, workspace, extensionDevelopmentPath: REPO_ROOT }), { waitUntil: 'domcontentloaded', timeout: 60000 });

  await check('workbench shows the Workspace CA activity bar icon', async () => {
    await activityIcon().waitFor({ state: 'visible', timeout: 60000 });
  });
  await check('the CA tree lists root, intermediate and issued certificates', async () => {
    await activityIcon().click();
    await treeRows().filter({ hasText: /Root CA/ }).first().waitFor({ timeout: 30000 });
    await treeRows().filter({ hasText: /Intermediate CA/ }).first().waitFor({ timeout: 15000 });
    await screenshot('ca-tree');
    return JSON.stringify((await treeRows().allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim()));
  });
  await check('the command palette lists the Workspace CA commands', async () => {
    const input = page.locator('.quick-input-widget .quick-input-box input');
    for (let i = 0; ; i++) {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 10000 });
      await input.fill('>Workspace CA: ');
      try {
        await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Issue a Certificate' }).first().waitFor({ timeout: 5000 });
        break;
      } catch (e) {
        await page.keyboard.press('Escape');
        if (i >= 3) throw e;
      }
    }
    await screenshot('command-palette');
    const rows = await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts();
    await page.keyboard.press('Escape');
    if (rows.some((r) => /Revoke Certificate/.test(r))) throw new Error('tree-only command "Revoke Certificate" is in the palette');
    return `${rows.length} rows`;
  });
  await check('the demo CA tree, saved as the README screenshot', async () => {
    await page.goto(workbenchUrl({ server, workspace: demoWorkspace, extensionDevelopmentPath: REPO_ROOT }), { waitUntil: 'domcontentloaded', timeout: 60000 });
    await activityIcon().waitFor({ state: 'visible', timeout: 60000 });
    await activityIcon().click();
    for (const text of ['Demo Root CA', 'Demo Intermediate CA', 'www.demo.test', 'Pending requests']) await treeRows().filter({ hasText: text }).first().waitFor({ timeout: 30000 });
    // expand "Pending requests" is already open; move the pointer away so no hover shows
    await page.mouse.move(900, 700);
    fs.mkdirSync(path.dirname(docsImage), { recursive: true });
    await page.locator('.part.sidebar').screenshot({ path: docsImage });
    await screenshot('demo-tree');
    return `${path.relative(REPO_ROOT, docsImage)} ${fs.statSync(docsImage).size} bytes`;
  });
  await check('an empty folder shows the welcome view with "Create a CA"', async () => {
    await page.goto(workbenchUrl({ server, workspace: emptyWorkspace, extensionDevelopmentPath: REPO_ROOT }), { waitUntil: 'domcontentloaded', timeout: 60000 });
    await activityIcon().waitFor({ state: 'visible', timeout: 60000 });
    await activityIcon().click();
    await page.locator('.part.sidebar .welcome-view-content', { hasText: 'Create a CA' }).first().waitFor({ timeout: 20000 });
    await screenshot('welcome-view');
  });
  exitCode = results.every((r) => r.ok) ? 0 : 1;
  log(`screenshots in ${outDir}`);
} catch (e) {
  console.error(`ui: setup error: ${e?.stack ?? e}`);
  if (server) console.error(tail(server.logFile));
}
await shutdown();
console.log(`${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length} failed`);
process.exit(exitCode);

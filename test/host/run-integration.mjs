#!/usr/bin/env node
// Runs the integration suite (out/test/integration/index.js, built by `node esbuild.js --tests`) INSIDE
// a real VS Code extension host: code-server 4.100.3 (= VS Code 1.100.3) started per pass with
// throwaway state on 127.0.0.1, its workbench opened in headless chromium through Playwright with a
// payload that loads this repository as the extension under development and runs the suite.
//
//   node test/host/run-integration.mjs [--pass trusted|untrusted] [--grep <re>] [--timeout <s>=300]
//        [--keep] [--verbose] [--headed] [--logs <dir>] [--env K=V]...
//
// Two passes by default: "trusted" (every suite but untrusted.test.js) and "untrusted" (Workspace Trust
// on, the folder not trusted: only untrusted.test.js). Each pass gets a fresh workspace holding a CA
// made by the openssl CLI (test/host/seed-ca.mjs) in openssl-ca/, so workspaceContains activates us.
// Last line: "N passed, N failed". Exit: 0 all passed | 1 a test failed or the host died | 2 setup
// error | 124 timeout | 130/143 interrupted. Everything started is stopped and the run dir removed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { format } from 'node:util';
import { seedCa } from './seed-ca.mjs';
import { REPO_ROOT, elapsed, launchBrowser, log, mkRunDir, onShutdown, parseArgs, sleep, startCodeServer, tail, workbenchUrl } from './lib.mjs';

const USAGE = 'usage: run-integration.mjs [--pass trusted|untrusted] [--grep <re>] [--timeout <s>] [--keep] [--verbose] [--headed] [--logs <dir>] [--env K=V]...';
let opts;
try {
  opts = parseArgs(process.argv.slice(2), { pass: 'value', grep: 'value', timeout: 'value', keep: 'flag', verbose: 'flag', headed: 'flag', logs: 'value', env: 'value', tests: 'value', help: 'flag' });
  if (opts.help) { console.log(USAGE); process.exit(0); }
  if (opts.pass && !['trusted', 'untrusted'].includes(opts.pass)) throw new Error('--pass is trusted or untrusted');
} catch (e) {
  console.error(e.message);
  console.error(USAGE);
  process.exit(2);
}
const testsPath = path.resolve(opts.tests ?? path.join(REPO_ROOT, 'out/test/integration/index.js'));
if (!fs.existsSync(testsPath)) {
  console.error(`${testsPath} not found: run node esbuild.js --tests first`);
  process.exit(2);
}
const timeoutMs = Number(opts.timeout ?? 300) * 1000;
const passes = opts.pass ? [opts.pass] : ['trusted', 'untrusted'];
const totals = { passed: 0, failed: 0, pending: 0 };
const printTotals = () => console.log(`${totals.passed} passed, ${totals.failed} failed`);

let current; // { server, browser, runDir }
const cleanup = async () => {
  if (!current) return;
  const { server, browser, runDir } = current;
  current = undefined;
  await browser?.close();
  await server?.stop();
  if (opts.logs && server) {
    fs.mkdirSync(path.resolve(opts.logs), { recursive: true });
    fs.copyFileSync(server.logFile, path.join(path.resolve(opts.logs), `code-server-${path.basename(runDir)}.log`));
  }
  if (opts.keep) log(`kept ${runDir}`);
  else fs.rmSync(runDir, { recursive: true, force: true });
};
const shutdown = onShutdown(cleanup);
const watchdog = setTimeout(async () => {
  console.error(`[host +${elapsed()}] TIMEOUT after ${timeoutMs / 1000}s (--timeout); stopping code-server and chromium`);
  if (current?.server) console.error(tail(current.server.logFile, 25));
  await shutdown();
  totals.failed = Math.max(totals.failed, 1);
  printTotals();
  process.exit(124);
}, timeoutMs);

/** "Extension Host Process exited with code: N, signal: S." lines of code-server's log. */
async function extHostExits(logFile, waitMs) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const found = [...fs.readFileSync(logFile, 'utf8').matchAll(/Extension Host Process exited with code: (\S+), signal: (\S+?)\./g)].map((m) => ({ code: m[1], signal: m[2] }));
    if (found.length || Date.now() > deadline) return found;
    await sleep(100);
  }
}

async function runPass(pass) {
  const runDir = mkRunDir(`workspace-ca-it-${pass}-`);
  current = { runDir };
  const workspace = path.join(runDir, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  seedCa(path.join(workspace, 'openssl-ca'));
  const trusted = pass === 'trusted';
  const env = { WORKSPACE_CA_TEST_PASS: pass, ...(opts.grep ? { WORKSPACE_CA_TEST_GREP: opts.grep } : {}), ...opts.env };
  const settings = trusted ? {} : { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never', 'security.workspace.trust.emptyWindow': false };
  const server = await startCodeServer({ runDir, env, settings, trust: trusted, verbose: opts.verbose });
  current.server = server;
  log(`[${pass}] code-server pid ${server.pid} on ${server.url}`);
  const browser = await launchBrowser({ runDir, headless: !opts.headed });
  current.browser = browser;
  const { page } = browser;

  const counts = {};
  let finish;
  const finished = new Promise((r) => { finish = r; });
  const NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|Ignoring fetching additional builtin|Updating additional builtin|\[Service Worker\]|ChatSessionStore:)|getaddrinfo|ERR_NAME_NOT_RESOLVED/;
  let connectionLost = false;
  const watchLine = (text) => {
    if (/No extension host found that can launch the test runner|Extension host .* terminated unexpectedly/.test(text)) finish({ code: 1, reason: text });
    if (/\[remote-connection\]\[ExtensionHost\].*(received socket close event|starting reconnecting loop)/.test(text)) connectionLost = true;
  };
  // The workbench forwards everything the extension host prints (mocha's spec reporter) as [format, ...args].
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = Array.isArray(args) ? format(...args) : String(args);
    watchLine(text);
    for (const [k, re] of [['passed', /^\s*(\d+) passing\b/m], ['failed', /^\s*(\d+) failing\b/m], ['pending', /^\s*(\d+) pending\b/m]]) {
      const m = re.exec(text);
      if (m) counts[k] = Number(m[1]);
    }
    if (!opts.verbose && (type === 'trace' || type === 'debug' || NOISE.test(text))) return;
    (type === 'error' ? console.error : console.log)(type === 'info' ? `  | ${text}` : `  | [${type}] ${text}`);
  });
  // Called by the workbench when run() settled: 0 resolved, 1 rejected / failed to load.
  await page.exposeFunction('codeAutomationExit', (code) => finish({ code, reason: 'run() settled' }));
  page.on('console', (m) => watchLine(m.text()));
  page.on('crash', () => finish({ code: 1, reason: 'browser page crashed' }));
  if (opts.verbose) page.on('console', (m) => console.log(`  [browser ${m.type()}] ${m.text()}`));

  await page.goto(workbenchUrl({ server, workspace, extensionDevelopmentPath: REPO_ROOT, extensionTestsPath: testsPath }), { waitUntil: 'domcontentloaded', timeout: 60000 });
  const result = await finished;
  // A dead extension host is reported to the workbench as exit 0 (RemoteExtensionHost treats a lost
  // connection as a clean exit): trust 0 only if code-server's log agrees.
  if (result.code === 0) {
    const exits = await extHostExits(server.logFile, connectionLost ? 5000 : 1500);
    const bad = exits.find((x) => x.code !== '0' || x.signal !== 'null');
    if (bad) Object.assign(result, { code: 1, reason: `extension host exited with code ${bad.code}, signal ${bad.signal}` });
    else if (connectionLost && !exits.length) Object.assign(result, { code: 1, reason: 'lost the extension host before the run ended' });
  }
  totals.passed += counts.passed ?? 0;
  totals.failed += counts.failed ?? (result.code === 0 ? 0 : 1);
  totals.pending += counts.pending ?? 0;
  log(`[${pass}] ${result.code === 0 ? 'PASSED' : 'FAILED'} (${result.reason})`);
  await cleanup();
  return result.code === 0;
}

let exitCode = 0;
try {
  for (const pass of passes) if (!(await runPass(pass))) exitCode = 1;
} catch (e) {
  console.error(`[host +${elapsed()}] setup error: ${e?.stack ?? e}`);
  if (current?.server) console.error(tail(current.server.logFile));
  exitCode = 2;
}
clearTimeout(watchdog);
await shutdown();
log(`done in ${elapsed()}`);
printTotals();
process.exit(exitCode);

// Shared code for the test host scripts (run-integration.mjs, ui.mjs, scripts/start.mjs): start
// code-server with throwaway state on 127.0.0.1, launch Debian's chromium through playwright-core,
// build the workbench URL that loads our extension as a development extension, and stop exactly the
// processes we started (by PID checked against its start time, never by name).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_DIR = process.env.CODE_SERVER_DIR || path.join(os.homedir(), '.cache/code-server-host');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const t0 = Date.now();
export const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
export const log = (...a) => console.log(`[host +${elapsed()}]`, ...a);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** --key value, --flag and repeatable --env K=V; `spec` maps option names to 'value' | 'flag'. */
export function parseArgs(argv, spec) {
  const out = { env: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const key = a.startsWith('--') ? a.slice(2) : undefined;
    if (!key || !(key in spec)) throw new Error(`unknown argument ${a}`);
    if (spec[key] === 'flag') { out[key] = true; continue; }
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (key === 'env') {
      const eq = v.indexOf('=');
      if (eq < 1) throw new Error('--env needs K=V');
      out.env[v.slice(0, eq)] = v.slice(eq + 1);
    } else out[key] = v;
  }
  return out;
}

/** code-server's entry.js inside an install made by install-code-server.sh. */
export function codeServerEntry(dir = CODE_SERVER_DIR) {
  const entry = path.join(dir, 'node_modules/code-server/out/node/entry.js');
  if (!fs.existsSync(entry)) throw new Error(`code-server not found in ${dir}: run bash test/host/install-code-server.sh`);
  return entry;
}

export function loadPlaywright(dir = CODE_SERVER_DIR) {
  for (const d of [REPO_ROOT, dir]) {
    try { return createRequire(path.join(d, 'noop.js'))('playwright-core'); } catch { /* next */ }
  }
  throw new Error(`playwright-core not found in ${dir}: run bash test/host/install-code-server.sh`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export function mkRunDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function tail(file, lines = 40) {
  try { return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return ''; }
}

// ---------------------------------------------------------------- processes (from /proc)
function readStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { pid, state: f[0], ppid: Number(f[1]), starttime: f[19] };
  } catch { return undefined; }
}
function allStats() {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => readStat(Number(d))).filter(Boolean);
}
/** A process and all its descendants as {pid, starttime} (starttime guards against PID reuse). */
export function processTree(rootPid) {
  const stats = allStats();
  const root = stats.find((s) => s.pid === rootPid);
  if (!root) return [];
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...stats.filter((s) => s.ppid === out[i].pid));
  return out;
}
// zombies count as dead: they are gone, just not reaped yet
const alive = (p) => { const s = readStat(p.pid); return !!s && s.starttime === p.starttime && s.state !== 'Z' && s.state !== 'X'; };
/** SIGTERM the given processes, SIGKILL what is left after graceMs. */
export async function killProcs(procs, graceMs = 5000) {
  procs = procs.filter(alive);
  for (const p of procs) { try { process.kill(p.pid, 'SIGTERM'); } catch { /* gone */ } }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && procs.some(alive)) await sleep(100);
  for (const p of procs) if (alive(p)) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
}

/**
 * Runs cleanup once: on normal completion (call the returned function) and on SIGINT/SIGTERM/SIGHUP
 * (exit 130/143/129). Playwright's own signal handlers are off, or it would exit before we stop code-server.
 */
export function onShutdown(cleanup) {
  let done;
  const run = (code) => {
    done ??= (async () => { try { await cleanup(); } catch (e) { console.error('cleanup failed:', e); } })();
    return done.then(() => { if (code !== undefined) process.exit(code); });
  };
  process.on('SIGINT', () => run(130));
  process.on('SIGTERM', () => run(143));
  process.on('SIGHUP', () => run(129));
  return run;
}

/**
 * Named UI checks: `check(name, fn)` runs fn, logs PASS (with what fn returns) or FAIL (first
 * line of the error) and records the result in `results`; `onFail(name)` runs after a failure
 * (a screenshot). Failures never throw, so every check runs.
 */
export function checks(onFail) {
  const results = [];
  async function check(name, fn) {
    try {
      const detail = await fn();
      results.push({ name, ok: true });
      log(`PASS ${name}${detail ? ` — ${detail}` : ''}`);
    } catch (e) {
      results.push({ name, ok: false });
      log(`FAIL ${name} — ${String(e?.message ?? e).split('\n')[0]}`);
      await Promise.resolve().then(() => onFail?.(name)).catch(() => {});
    }
  }
  return { results, check };
}

/**
 * The lifetime of one browser-driven script: `server` and `browser` are set by the script once
 * started; `shutdown(code?)` closes both and removes the run folder (unless `keep`), on a signal,
 * at the end, or after `timeoutS` seconds (exit 124).
 */
export function uiSession({ runDir, keep, timeoutS, label }) {
  const s = { server: undefined, browser: undefined };
  s.shutdown = onShutdown(async () => {
    await s.browser?.close();
    await s.server?.stop();
    if (!keep) fs.rmSync(runDir, { recursive: true, force: true });
  });
  setTimeout(async () => {
    console.error(`${label}: timed out after ${timeoutS}s`);
    await s.shutdown(124);
  }, timeoutS * 1000).unref();
  return s;
}

// ---------------------------------------------------------------- code-server
/** User settings for a quiet, offline, deterministic workbench. */
export function writeUserSettings(userDataDir, extra = {}) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'git.autoRepositoryDetection': false,
    'window.commandCenter': false,
    ...extra,
  };
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

/**
 * Starts code-server on 127.0.0.1 with all state under runDir. Resolves once its log names our port and
 * /healthz answers. `trust: false` keeps Workspace Trust on (untrusted-workspace tests).
 */
export async function startCodeServer({ runDir, port, env = {}, settings = {}, trust = true, verbose = false, codeServerDir = CODE_SERVER_DIR }) {
  const entry = codeServerEntry(codeServerDir);
  port ||= await freePort();
  const userDataDir = path.join(runDir, 'user-data');
  const tmpDir = path.join(runDir, 'tmp');
  fs.mkdirSync(path.join(runDir, 'extensions'), { recursive: true });
  fs.mkdirSync(tmpDir, { recursive: true });
  writeUserSettings(userDataDir, { 'security.workspace.trust.enabled': !trust, ...settings });
  const logFile = path.join(runDir, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const args = [
    entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened',
    ...(trust ? ['--disable-workspace-trust'] : []),
    '--user-data-dir', userDataDir, '--extensions-dir', path.join(runDir, 'extensions'),
    '--config', path.join(runDir, 'config.yaml'), '--log', verbose ? 'debug' : 'info',
  ];
  // EXTENSIONS_GALLERY={}: no marketplace (open-vsx.org is unreachable). code-server also writes under
  // $XDG_DATA_HOME and leaves vscode-ipc-*.sock files in $TMPDIR: both go into the run dir.
  const childEnv = { EXTENSIONS_GALLERY: '{}', ...process.env, XDG_DATA_HOME: path.join(runDir, 'xdg-data'), TMPDIR: tmpDir, ...env };
  for (const k of ['PASSWORD', 'HASHED_PASSWORD', 'VSCODE_PROXY_URI', 'CODE_SERVER_CONFIG']) delete childEnv[k];
  const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  let exited;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => killProcs(processTree(child.pid));
  const deadline = Date.now() + 60000;
  for (;;) {
    if (exited) throw new Error(`code-server exited early (${JSON.stringify(exited)}):\n${tail(logFile)}`);
    try {
      // the log line proves the listener is our code-server, not something that took the port meanwhile
      if (fs.readFileSync(logFile, 'utf8').includes(`HTTP server listening on ${url}`) && (await globalThis.fetch(`${url}/healthz`)).ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) { await stop(); throw new Error(`code-server not ready after 60 s; see ${logFile}`); }
    await sleep(150);
  }
  return { pid: child.pid, port, url, host: `127.0.0.1:${port}`, logFile, stop };
}

/** vscode-remote URI of a server-side path; the authority must equal the page's location.host. */
export function remoteUri(host, absPath) {
  return `vscode-remote://${host}${path.resolve(absPath).split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Workbench URL. `payload` is a JSON array of [key, value] pairs read by the web workbench
 * (BrowserWorkbenchEnvironmentService): extensionDevelopmentPath loads our extension from the repo,
 * extensionTestsPath makes the extension host require() that module and await its run().
 */
export function workbenchUrl({ server, workspace, extensionDevelopmentPath, extensionTestsPath }) {
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteUri(server.host, extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(server.host, extensionTestsPath)]);
  payload.push(['skipWelcome', 'true']);
  const q = workspace ? `folder=${encodeURIComponent(path.resolve(workspace))}` : 'ew=true';
  return `${server.url}/?${q}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

// ---------------------------------------------------------------- chromium
/** Headless chromium with a fresh profile in runDir. Returns { context, page, close() }. */
export async function launchBrowser({ runDir, headless = true, viewport = { width: 1400, height: 900 } }) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (or set CHROMIUM_PATH)`);
  const { chromium } = loadPlaywright();
  const profile = path.join(runDir, 'chromium-profile');
  const tmpDir = path.join(runDir, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    env: { ...process.env, TMPDIR: tmpDir },
    headless,
    viewport,
    timeout: 60000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    ignoreDefaultArgs: ['--enable-automation'],
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
  // the browser process is the chromium whose command line names our profile and is no --type= helper
  const browserPid = allStats().map((s) => s.pid).find((pid) => {
    try { const c = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); return c.includes(profile) && !c.includes('--type='); } catch { return false; }
  });
  const procs = browserPid ? processTree(browserPid) : [];
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    try { await Promise.race([context.close(), sleep(10000)]); } catch { /* closed */ }
    const deadline = Date.now() + 3000; // helpers outlive the browser process for a moment
    while (Date.now() < deadline && procs.some(alive)) await sleep(100);
    await killProcs(procs, 1000);
  };
  return { context, page, close };
}

// ---------------------------------------------------------------- build
/** Runs a command in the repo, inheriting stdio; rejects on a non-zero exit. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: 'inherit', ...opts });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal})`))));
  });
}

/**
 * Real servers for the deploy tests: find the binaries, start them on 127.0.0.1 with a free port
 * and their own pid/log files in a temp dir (never as a system service), wait until they accept
 * connections, and stop them by PID. Clients get a resolver shim (like curl --resolve) so host
 * names of the certificate reach 127.0.0.1 without DNS. Nothing leaves the loopback interface.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** On CI (CI=true) a missing server is a failure; on a dev machine the test is skipped with the reason printed. */
export function requireBinary(ctx: Mocha.Context, candidates: string[], pkg: string): string {
  for (const c of candidates) {
    if (c.includes('/')) {
      if (fs.existsSync(c)) return c;
    } else {
      const r = spawnSync('sh', ['-c', `command -v ${c}`], { encoding: 'utf8' });
      if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
    }
  }
  const msg = `${candidates.join(' / ')} not found (Debian package ${pkg}): run bash test/servers/install.sh`;
  if (process.env.CI === 'true') throw new Error(`CI: ${msg}`);
  console.log(`      skipped: ${msg}`);
  ctx.skip();
  return '';
}

/** Debian's python3 (the packages python3-tornado / python3-requests install there), not a pyenv shim. */
export function python(ctx: Mocha.Context, modules: string[]): string {
  const candidates = ['/usr/bin/python3', 'python3'];
  for (const c of candidates) {
    const r = spawnSync(c, ['-c', modules.map((m) => `import ${m}`).join('; ') || 'pass'], { encoding: 'utf8', timeout: 20000 });
    if (r.status === 0) return c;
  }
  const msg = `python3 with ${modules.join(', ')} not found (Debian packages ${modules.map((m) => `python3-${m}`).join(' ')}): run bash test/servers/install.sh`;
  if (process.env.CI === 'true') throw new Error(`CI: ${msg}`);
  console.log(`      skipped: ${msg}`);
  ctx.skip();
  return '';
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `wca-${prefix}-`));
  // Apache and nginx workers drop root: they must be able to traverse to their document root.
  fs.chmodSync(d, 0o755);
  return d;
}

export interface Running {
  name: string;
  proc: ChildProcess;
  pid: number;
  log: () => string;
  exited: () => boolean;
}

const running = new Set<Running>();

/** Starts a server in the foreground, in its own process group, output to a log. */
export function start(name: string, cmd: string, args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; logFiles?: string[] }): Running {
  let out = '';
  const proc = spawn(cmd, args, { cwd: o.cwd, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  let exited = false;
  proc.on('exit', () => (exited = true));
  if (!proc.pid) throw new Error(`${name}: could not start ${cmd}`);
  const r: Running = {
    name,
    proc,
    pid: proc.pid,
    exited: () => exited,
    log: () => {
      const files = (o.logFiles ?? []).filter((f) => fs.existsSync(f)).map((f) => `--- ${f}\n${fs.readFileSync(f, 'utf8').slice(-3000)}`);
      return [`--- ${name} output\n${out.slice(-3000)}`, ...files].join('\n');
    },
  };
  running.add(r);
  return r;
}

/** Waits until 127.0.0.1:port accepts TCP connections; fails with the server's log when it exits or times out. */
export async function waitForPort(r: Running, port: number, timeoutMs = 15000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (r.exited()) throw new Error(`${r.name} exited before listening on ${port}\n${r.log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port, timeout: 500 });
      s.on('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
      s.on('timeout', () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`${r.name} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms\n${r.log()}`);
}

/** Stops a server by PID (its process group: Apache/nginx workers too): TERM, then KILL after 5 s. */
export async function stop(r: Running): Promise<void> {
  running.delete(r);
  if (r.exited()) return;
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-r.pid, sig);
    } catch {
      try {
        process.kill(r.pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  kill('SIGTERM');
  const until = Date.now() + 5000;
  while (!r.exited() && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
  if (!r.exited()) kill('SIGKILL');
}

/** Stops every server still running (an afterEach hook calls it, also after failures). */
export async function stopAll(): Promise<void> {
  for (const r of [...running]) await stop(r);
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a client to completion with a hard timeout. */
export function run(cmd: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const p = spawn(cmd, args, { cwd: o.cwd, env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => p.kill('SIGKILL'), o.timeoutMs ?? 20000);
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    p.on('error', (e) => {
      clearTimeout(timer);
      resolve({ status: -1, stdout, stderr: stderr + String(e) });
    });
  });
}

/** Python: getaddrinfo sends the mapped names to 127.0.0.1 (curl --resolve for Python clients). */
export const PY_RESOLVE_SHIM = [
  'import json, os, runpy, socket, sys',
  '_map = json.loads(os.environ.get("RESOLVE_MAP", "{}"))',
  '_orig = socket.getaddrinfo',
  'socket.getaddrinfo = lambda host, *a, **k: _orig(_map.get(host, host), *a, **k)',
  'runpy.run_path(sys.argv[1], run_name="__main__")',
].join('\n');

/** Node: dns.lookup sends the mapped names to 127.0.0.1 (preloaded with --require). */
export const NODE_RESOLVE_SHIM = [
  "const dns = require('node:dns');",
  'const map = JSON.parse(process.env.RESOLVE_MAP || "{}");',
  'const orig = dns.lookup;',
  'dns.lookup = function (host, opts, cb) { return orig.call(this, map[host] || host, opts, cb); };',
].join('\n');

/**
 * Test support for the CA tests: temp folders, the openssl oracle, the CLI run in-process with
 * a fixed clock, and a snapshot of a folder to prove "no file changed".
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CaContext } from '../../../src/core/ca/ca';
import { runCli } from '../../../src/cli/main';
import { NodeFilePort } from '../../../src/node/nodeFilePort';

/** The fixed clock of these tests: nothing depends on the real date. */
export const NOW = new Date('2026-01-01T00:00:00Z');
/** `-attime` for openssl: one day after NOW. */
export const AT = String(Math.floor(NOW.getTime() / 1000) + 86400);

export function tmpDir(prefix = 'wca-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function rm(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs openssl; never throws. */
export function openssl(args: string[], opts: { cwd?: string; input?: string | Buffer } = {}): RunResult {
  const r = spawnSync('openssl', args, { cwd: opts.cwd, input: opts.input });
  return { code: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** Runs openssl and returns stdout; throws with stderr on failure. */
export function opensslOk(args: string[], opts: { cwd?: string; input?: string | Buffer } = {}): string {
  const r = openssl(args, opts);
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** The workspace-ca CLI in-process with a fixed clock. */
export async function cli(argv: string[], opts: { cwd: string; env?: Record<string, string>; now?: Date }): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    env: opts.env ?? {},
    cwd: opts.cwd,
    now: () => opts.now ?? NOW,
  });
  return { code, stdout, stderr };
}

/** The bundled CLI as a real process (dist/cli.js, built by `node esbuild.js`). */
export function cliProcess(argv: string[], opts: { cwd: string; env?: Record<string, string> }): RunResult {
  const cliPath = path.resolve(__dirname, '../../../dist/cli.js');
  const r = spawnSync(process.execPath, [cliPath, ...argv], { cwd: opts.cwd, env: { PATH: process.env.PATH ?? '', ...opts.env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function ctx(passphrase?: string): CaContext {
  return { fs: new NodeFilePort(), now: () => NOW, caPassphrase: async () => passphrase };
}

/** path → sha256 of every file under dir (plus modes), to prove nothing changed. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(fs.readFileSync(p)).digest('hex') + ':' + (fs.statSync(p).mode & 0o777).toString(8);
    }
  };
  walk(dir);
  return out;
}

export function mode(p: string): string {
  return (fs.statSync(p).mode & 0o777).toString(8);
}

export function hasCmd(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Issue 9.2 and 9.3: nothing corrupts the CA and no serial is used twice, whether issuances run
 * at once (async in one process, several CLI processes) or are killed at any point. `openssl ca`
 * is the oracle for the index; the consistency rules are those of docs/recovery.md.
 */
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { CaContext, issue } from '../../src/core/ca/ca';
import { FilePort } from '../../src/core/ca/fileport';
import { parseIndex } from '../../src/core/ca/indexTxt';
import { loadCa } from '../../src/core/ca/model';
import { decodeFile } from '../../src/core/decode';
import { parseCertificate } from '../../src/core/der/x509';
import { readPrivateKey } from '../../src/core/keys';
import { splitPem } from '../../src/core/pem';
import { NodeFilePort } from '../../src/node/nodeFilePort';
import { mulberry32 } from '../fuzz/engine';
import { NOW, cli, ctx, openssl, rm, tmpDir } from './support/pki';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const INDEX_LINE = /^([VRE])\t(\d{12}Z)\t(\d{12}Z(?:,[A-Za-z]+)?)?\t([0-9A-F]+)\tunknown\t(\/.*)$/;
const TEMP = /^\..+\.tmp-/;

async function ok(argv: string[], cwd: string) {
  const r = await cli(argv, { cwd });
  assert.equal(r.code, 0, `workspace-ca ${argv.join(' ')} failed: ${r.stderr}`);
  return r;
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function files(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/**
 * The consistency rules of docs/recovery.md, for the CA in `ca` (root only). `recovered`: after an
 * operation ran recovery, so newcerts/ and index.txt must match both ways and no temp file of a
 * dead writer is left.
 */
function checkConsistent(ca: string, opts: { recovered: boolean; what: string }): { serials: string[] } {
  const where = `${opts.what}: `;
  // No half-written file: every file a reader would open parses.
  for (const sub of ['certs', 'newcerts', 'csr', 'crl']) {
    for (const f of files(path.join(ca, sub))) {
      if (f.startsWith('.')) continue;
      const blocks = decodeFile(fs.readFileSync(path.join(ca, sub, f)));
      assert.ok(blocks.length > 0 && blocks.every((b) => !b.error), `${where}${sub}/${f} parses`);
    }
  }
  for (const f of files(path.join(ca, 'private'))) if (!f.startsWith('.')) assert.doesNotThrow(() => readPrivateKey(fs.readFileSync(path.join(ca, 'private', f))), `${where}private/${f}`);
  const text = fs.readFileSync(path.join(ca, 'index.txt'), 'utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  for (const l of lines) assert.match(l, INDEX_LINE, `${where}index line ${JSON.stringify(l)}`);
  const serials = lines.map((l) => l.split('\t')[3]);
  assert.equal(new Set(serials).size, serials.length, `${where}no serial twice in index.txt`);
  for (const s of serials) {
    const f = path.join(ca, 'newcerts', `${s}.pem`);
    assert.ok(fs.existsSync(f), `${where}index serial ${s} has newcerts/${s}.pem`);
    assert.equal(parseCertificate(splitPem(fs.readFileSync(f, 'utf8'))[0].der).serialHex.replace(/^0+/, ''), s.replace(/^0+/, ''), `${where}newcerts/${s}.pem holds serial ${s}`);
  }
  const next = parseInt(fs.readFileSync(path.join(ca, 'serial'), 'utf8').trim(), 16);
  const max = Math.max(0xfff, ...serials.map((s) => parseInt(s, 16)));
  if (opts.recovered) {
    const inNewcerts = files(path.join(ca, 'newcerts')).filter((f) => !f.startsWith('.')).map((f) => f.replace(/\.pem$/, ''));
    assert.deepEqual(inNewcerts.sort(), [...serials].sort(), `${where}every certificate in newcerts/ is in index.txt`);
    assert.equal(next, max + 1, `${where}serial file holds the next serial`);
    for (const sub of ['', 'certs', 'newcerts', 'csr', 'private', 'crl']) {
      assert.deepEqual(files(path.join(ca, sub)).filter((f) => TEMP.test(f)), [], `${where}no temp file of a dead writer left in ${sub || '.'}`);
    }
  } else {
    assert.ok(next >= max, `${where}serial file (${next.toString(16)}) is not behind the index (${max.toString(16)})`);
  }
  return { serials };
}

/** openssl ca reads the index: -status on every serial, and -gencrl. */
function opensslAccepts(dir: string, serials: string[], cnf = 'ca/openssl.cnf'): void {
  // -status on every 10th serial and the last one (each is a process start; -gencrl reads them all).
  for (const s of serials.filter((_, i) => i % 10 === 0 || i === serials.length - 1)) assert.match(openssl(['ca', '-config', cnf, '-status', s], { cwd: dir }).stderr, new RegExp(`${s}=Valid \\(V\\)`), `openssl ca -status ${s}`);
  const gen = openssl(['ca', '-config', cnf, '-gencrl', '-out', 'openssl-gencrl.pem', '-batch'], { cwd: dir });
  assert.equal(gen.code, 0, `openssl ca -gencrl: ${gen.stderr}`);
}

function runProcess(argv: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CLI, ...argv], { cwd, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr!.on('data', (d) => (stderr += d));
    c.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('CA robustness: concurrent issuance (issue 9.2)', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(async () => {
    dir = tmpDir('wca-conc-');
    await ok(['init', 'ca', '--cn', 'Concurrency Root', '--org', 'Example', '--key-type', 'p256', '--policy', 'policy_loose'], dir);
  });
  afterEach(() => rm(dir));

  it('200 issuances at once in one process: 200 distinct serials, a well-formed index openssl ca accepts', async () => {
    const c = ctx();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => issue(c, path.join(dir, 'ca'), { profile: 'server', subject: { CN: `h${i}.example.com` }, keyType: 'p256' })));
    const serials = results.map((r) => r.serialHex);
    assert.equal(new Set(serials).size, 200, 'distinct serials');
    const { serials: indexed } = checkConsistent(path.join(dir, 'ca'), { recovered: true, what: 'in-process' });
    assert.equal(indexed.length, 200);
    assert.equal(fs.readFileSync(path.join(dir, 'ca/serial'), 'utf8'), '10C8\n');
    assert.ok(!fs.existsSync(path.join(dir, 'ca/.workspace-ca.lock')), 'the lock is released');
    opensslAccepts(dir, indexed);
  });

  it('4 CLI processes × 25 issuances while 100 more run async in this process: 200 serials, one index', async () => {
    const errors: string[] = [];
    const lanes = Array.from({ length: 4 }, async (_, lane) => {
      for (let i = 0; i < 25; i++) {
        const r = await runProcess(['issue', 'ca', '--cn', `p${lane}-${i}.example.com`, '--key-type', 'p256'], dir);
        if (r.code !== 0) errors.push(`lane ${lane} #${i}: ${r.stderr}`);
      }
    });
    const c = ctx();
    const local = Array.from({ length: 100 }, (_, i) => issue(c, path.join(dir, 'ca'), { profile: 'server', subject: { CN: `l${i}.example.com` }, keyType: 'p256' }).catch((e: Error) => errors.push(`in-process #${i}: ${e.message}`)));
    // Everything settles before any assertion: the folder is removed only when no writer is left.
    await Promise.all([...lanes, ...local]);
    assert.deepEqual(errors, []);
    const { serials } = checkConsistent(path.join(dir, 'ca'), { recovered: true, what: 'multi-process' });
    assert.equal(serials.length, 200);
    assert.equal(fs.readFileSync(path.join(dir, 'ca/serial'), 'utf8'), '10C8\n');
    // Every certs/<name>.cert.pem is the newcerts/ copy of its serial (no two writers crossed).
    for (const f of files(path.join(dir, 'ca/certs')).filter((f) => f !== 'ca.cert.pem')) {
      const cert = parseCertificate(splitPem(fs.readFileSync(path.join(dir, 'ca/certs', f), 'utf8'))[0].der);
      assert.deepEqual(fs.readFileSync(path.join(dir, 'ca/newcerts', `${cert.serialHex.replace(/^0+/, '')}.pem`)), fs.readFileSync(path.join(dir, 'ca/certs', f)), f);
    }
    opensslAccepts(dir, serials);
  });

  it('a lock file naming a dead process is taken over at once', async () => {
    const lock = path.join(dir, 'ca/.workspace-ca.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: hostname(), time: NOW.toISOString(), token: 'crashed' }));
    const t0 = process.hrtime.bigint();
    const r = await issue(ctx(), path.join(dir, 'ca'), { profile: 'server', subject: { CN: 'after-crash.example.com' }, keyType: 'p256' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.equal(r.serialHex, '1000');
    assert.ok(ms < 10_000, `took over in ${ms.toFixed(0)} ms`);
    assert.ok(!fs.existsSync(lock));
  });

  it('a lock held by a live process is waited for, not broken', async () => {
    const lock = path.join(dir, 'ca/.workspace-ca.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), time: NOW.toISOString(), token: 'held' }));
    let done = false;
    const p = issue(ctx(), path.join(dir, 'ca'), { profile: 'server', subject: { CN: 'waits.example.com' }, keyType: 'p256' }).then((r) => ((done = true), r));
    // Give the issuance every chance to (wrongly) go ahead: wait until it has polled the lock a few times.
    for (let i = 0; i < 20 && !done; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(done, false, 'issuance waits while a live process holds the lock');
    assert.deepEqual(files(path.join(dir, 'ca/newcerts')), []);
    fs.unlinkSync(lock);
    assert.equal((await p).serialHex, '1000');
  });
});

/** A FilePort that dies at its n-th operation: the op does not happen (a write leaves half a temp file), and nothing after it either. */
class CrashingPort implements FilePort {
  ops = 0;
  crashed = false;
  constructor(
    private readonly inner: NodeFilePort,
    private readonly crashAt: number,
    private readonly deadPid: number,
  ) {}
  private async step(): Promise<void> {
    if (this.crashed || this.ops++ === this.crashAt) {
      this.crashed = true;
      throw new Error('simulated crash');
    }
  }
  async readFile(p: string) {
    await this.step();
    return this.inner.readFile(p);
  }
  async writeFile(p: string, data: Uint8Array, o?: { exclusive?: boolean; mode?: number }) {
    if (!this.crashed && this.ops === this.crashAt) {
      // Killed mid-write: half a temp file, named the way NodeFilePort names them, by a dead writer.
      fs.writeFileSync(path.join(path.dirname(p), `.${path.basename(p)}.tmp-${this.deadPid}-0123456789ab`), Buffer.from(data).subarray(0, data.length >> 1), { mode: o?.mode ?? 0o644 });
    }
    await this.step();
    return this.inner.writeFile(p, data, o);
  }
  async mkdir(p: string, o?: { mode?: number }) {
    await this.step();
    return this.inner.mkdir(p, o);
  }
  async stat(p: string) {
    await this.step();
    return this.inner.stat(p);
  }
  async list(p: string) {
    await this.step();
    return this.inner.list(p);
  }
  async rename(a: string, b: string) {
    await this.step();
    return this.inner.rename(a, b);
  }
  async remove(p: string) {
    await this.step();
    return this.inner.remove(p);
  }
  async chmod(p: string, m: number) {
    await this.step();
    return this.inner.chmod(p, m);
  }
}

describe('CA robustness: interrupted issuance (issue 9.3)', function () {
  this.timeout(180_000);
  let dir: string;
  let ca: string;
  before(async () => {
    dir = tmpDir('wca-kill-');
    ca = path.join(dir, 'ca');
    await ok(['init', 'ca', '--cn', 'Interrupted Root', '--org', 'Example', '--key-type', 'p256', '--policy', 'policy_loose'], dir);
    await ok(['issue', 'ca', '--cn', 'before.example.com', '--key-type', 'p256'], dir);
  });
  after(() => rm(dir));

  it('an issuance that dies at each of its file operations in turn: the next one recovers and the CA stays consistent', async () => {
    const dead = deadPid();
    const lock = path.join(ca, '.workspace-ca.lock');
    let completedAt = -1;
    for (let k = 0; k < 200 && completedAt < 0; k++) {
      const port = new CrashingPort(new NodeFilePort(), k, dead);
      const c: CaContext = { fs: port, now: () => NOW };
      try {
        await issue(c, ca, { profile: 'server', subject: { CN: `crash-${k}.example.com` }, keyType: 'p256' });
        completedAt = k;
      } catch (e) {
        // Core may word the failure its own way (e.g. "missing" for an unreadable file); it must be our crash.
        if (!port.crashed) throw e;
      }
      // A killed process leaves its lock behind, naming a pid that is gone.
      if (fs.existsSync(lock)) fs.writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), time: NOW.toISOString(), token: 'dead' }));
      checkConsistent(ca, { recovered: false, what: `crash at op ${k}` });
      // The temp file of the dead writer is invisible to the tree model.
      const model = await loadCa(new NodeFilePort(), ca, [], NOW);
      assert.ok(!JSON.stringify(model).includes('.tmp-'), `crash at op ${k}: the CA model lists no temp file`);
      // The next operation recovers; the CA is consistent both ways.
      await issue(ctx(), ca, { profile: 'server', subject: { CN: `next-${k}.example.com` }, keyType: 'p256' });
      checkConsistent(ca, { recovered: true, what: `after crash at op ${k}` });
    }
    assert.ok(completedAt > 10, `an issuance has many crash points (${completedAt})`);
    opensslAccepts(dir, parseIndex(fs.readFileSync(path.join(ca, 'index.txt'), 'utf8')).map((e) => e.serialHex));
  });

  it('kill -9 of CLI issuances at 30 seeded moments: consistent after every kill, recovered by the next issuance', async function () {
    const rng = mulberry32(0x9ca);
    // How long one issuance takes here, so the kills land inside it rather than before it.
    const t0 = process.hrtime.bigint();
    assert.equal((await runProcess(['issue', 'ca', '--cn', 'timing.example.com', '--key-type', 'p256'], dir)).code, 0);
    const full = Number(process.hrtime.bigint() - t0) / 1e6;
    let killed = 0;
    let finished = 0;
    const recoveredAfter: string[] = [];
    for (let i = 0; i < 30; i++) {
      const delay = Math.round(full * (0.25 + rng() * 0.85));
      const child: ChildProcess = spawn(process.execPath, [CLI, 'issue', 'ca', '--cn', `k${i}.example.com`, '--key-type', 'p256'], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, stdio: 'ignore' });
      const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      const code = await exit;
      if (code === 0) finished++;
      else killed++;
      checkConsistent(ca, { recovered: false, what: `kill #${i} after ${delay} ms` });
      const before = files(path.join(ca, 'newcerts')).length;
      const idxBefore = fs.readFileSync(path.join(ca, 'index.txt'), 'utf8').split('\n').filter(Boolean).length;
      // Every few kills, the next issuance runs and recovers (the others pile up interrupted work).
      if (i % 4 === 3) {
        await ok(['issue', 'ca', '--cn', `after-k${i}.example.com`, '--key-type', 'p256'], dir);
        checkConsistent(ca, { recovered: true, what: `issuance after kill #${i}` });
        if (before > idxBefore) recoveredAfter.push(`#${i}`);
      }
    }
    console.log(`      ${killed} issuances killed, ${finished} finished before the kill; one issuance takes ${full.toFixed(0)} ms; recovery rolled a certificate forward after kills ${recoveredAfter.join(', ') || '(none)'}`);
    assert.ok(killed >= 15, `most runs were killed mid-way (${killed})`);
    opensslAccepts(dir, parseIndex(fs.readFileSync(path.join(ca, 'index.txt'), 'utf8')).map((e) => e.serialHex));
  });
});

/**
 * Path-validation throughput: leaf -> intermediate -> root, every check on (signatures, validity,
 * CA rules, EKU, name constraints, host), against `openssl verify` given ~1000 leaf files in ONE
 * call (its best case: no per-process cost per certificate).
 *
 * Run alone:
 *   npx esbuild bench/verify.ts --bundle --platform=node --outfile=out/bench/verify.js && node out/bench/verify.js
 *   (options: --leaves N, --seconds S, --key rsa2048|p256)
 */
import { spawnSync } from 'node:child_process';
import { KeyObject, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseCertificate } from '../src/core/der/x509';
import { issueCertificate } from '../src/core/issue';
import { TrustStore } from '../src/core/verify';

export interface BenchVerifyOptions {
  /** Distinct leaf certificates (default 1000). */
  leaves?: number;
  /** Minimum time spent validating in-process (default 2 s). */
  seconds?: number;
  /** Key type of all three certificates (default rsa2048, the common case). */
  key?: 'rsa2048' | 'p256';
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

const NOW = new Date('2025-06-01T12:00:00Z');
const DAY = 86400_000;

function keyPair(kind: 'rsa2048' | 'p256'): { priv: KeyObject; spki: Buffer } {
  const p = kind === 'p256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { priv: p.privateKey, spki: p.publicKey.export({ type: 'spki', format: 'der' }) };
}

/** Validations per second: ours in-process (one TrustStore) and openssl's one-call batch. */
export async function benchVerify(opts: BenchVerifyOptions = {}): Promise<{ oursPerSec: number; opensslPerSec: number }> {
  const n = opts.leaves ?? 1000;
  const seconds = opts.seconds ?? 2;
  const kind = opts.key ?? 'rsa2048';
  const log = opts.log ?? (() => undefined);

  const rootKey = keyPair(kind);
  const interKey = keyPair(kind);
  const leafKey = keyPair(kind);
  const validity = { notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 365 * DAY) };
  const root = issueCertificate({ profile: 'root-ca', subject: { CN: 'Bench Root CA' }, publicKey: rootKey.spki, ...validity }, { privateKey: rootKey.priv });
  const rootParsed = parseCertificate(root.der);
  const inter = issueCertificate({ profile: 'intermediate-ca', subject: { CN: 'Bench Intermediate CA' }, publicKey: interKey.spki, ...validity }, { cert: rootParsed, privateKey: rootKey.priv });
  const interParsed = parseCertificate(inter.der);
  const leaves = Array.from({ length: n }, (_, i) =>
    issueCertificate(
      { profile: 'server', subject: { CN: `host${i}.example.com` }, sans: [{ type: 'dns', value: `host${i}.example.com` }], publicKey: leafKey.spki, ...validity },
      { cert: interParsed, privateKey: interKey.priv },
    ),
  );
  log(`issued ${n} ${kind} leaves`);

  // Ours: one trust store, a fresh leaf every time (leaf results are never cached).
  const store = new TrustStore([root.der]);
  const hosts = leaves.map((_, i) => `host${i}.example.com`);
  const check = store.verify({ leaf: leaves[0].der, intermediates: [inter.der], now: NOW, host: hosts[0] });
  if (!check.valid) throw new Error(`bench chain does not validate: ${check.checks.filter((c) => c.status === 'fail').map((c) => c.message).join('; ')}`);
  let done = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000 || done < n) {
    for (let i = 0; i < n; i++) {
      const r = store.verify({ leaf: leaves[i].der, intermediates: [inter.der], now: NOW, host: hosts[i] });
      if (!r.valid) throw new Error(`leaf ${i} did not validate`);
    }
    done += n;
  }
  const oursPerSec = (done * 1000) / (performance.now() - t0);
  const cpu = process.cpuUsage(cpu0);
  // CPU-time rate too: on a shared machine wall time includes waiting for a core.
  const cpuPerSec = (done * 1e6) / (cpu.user + cpu.system);
  log(`ours: ${Math.round(oursPerSec)} validations/s wall, ${Math.round(cpuPerSec)}/s per CPU-second (${done} in ${((performance.now() - t0) / 1000).toFixed(2)} s)`);

  // openssl: all leaf files in one `openssl verify` call.
  const dir = mkdtempSync(path.join(tmpdir(), 'wca-bench-verify-'));
  let opensslPerSec = NaN;
  try {
    writeFileSync(path.join(dir, 'root.pem'), root.pem);
    writeFileSync(path.join(dir, 'inter.pem'), inter.pem);
    const files = leaves.map((l, i) => {
      const f = path.join(dir, `leaf${i}.pem`);
      writeFileSync(f, l.pem);
      return f;
    });
    const at = String(Math.floor(NOW.getTime() / 1000));
    const t1 = performance.now();
    const p = spawnSync('openssl', ['verify', '-attime', at, '-CAfile', path.join(dir, 'root.pem'), '-untrusted', path.join(dir, 'inter.pem'), ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const ms = performance.now() - t1;
    if (p.status !== 0) throw new Error(`openssl verify failed: ${p.stderr || p.stdout}`);
    opensslPerSec = (n * 1000) / ms;
    log(`openssl verify (one call, ${n} files): ${Math.round(opensslPerSec)} validations/s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { oursPerSec, opensslPerSec };
}

// Standalone use only (inside the bundled `npm run bench`, `module` is the bundle).
if (require.main === module && /verify\.js$/.test(process.argv[1] ?? "")) {
  const argv = process.argv.slice(2);
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  benchVerify({
    leaves: arg('leaves') ? Number(arg('leaves')) : undefined,
    seconds: arg('seconds') ? Number(arg('seconds')) : undefined,
    key: arg('key') as 'rsa2048' | 'p256' | undefined,
    log: (l) => process.stdout.write(l + '\n'),
  }).then(
    (r) => process.stdout.write(`${JSON.stringify({ oursPerSec: Math.round(r.oursPerSec), opensslPerSec: Math.round(r.opensslPerSec), ratio: +(r.oursPerSec / r.opensslPerSec).toFixed(1) })}\n`),
    (e) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

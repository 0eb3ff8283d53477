/**
 * Extension rows: `dist/extension.js` size, activation time (module load + activate(), with the
 * host API stubbed — it measures our code, not VS Code's), and the 10,000-certificate CA model.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import Module from 'node:module';
import { formatIndexLine } from '../src/core/ca/indexTxt';
import { loadCa } from '../src/core/ca/model';
import { NodeFilePort } from '../src/node/nodeFilePort';
import { cliInit } from './support';
import { Row, repeat } from './harness';
import { BenchOptions } from './rows';

/** A vscode module where every API exists and does nothing; enough for activate() to run through. */
function stubVscode(repoRoot: string): unknown {
  const disposable = { dispose() {} };
  const handler: ProxyHandler<(...a: unknown[]) => unknown> = {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a thenable
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'dispose') return () => undefined;
      if (prop === 'workspaceFolders') return [];
      if (prop === 'isTrusted') return true;
      if (prop === 'length') return 0;
      if (prop === Symbol.toPrimitive) return () => '';
      return stub;
    },
    set() {
      return true;
    },
    apply() {
      return stub;
    },
    construct() {
      return stub as object;
    },
  };
  const stub: unknown = new Proxy(function () {}, handler);
  void disposable;
  // esbuild's ESM interop copies the module's own keys: list the real top-level names of the API.
  const dts = fs.readFileSync(path.join(repoRoot, 'node_modules/@types/vscode/index.d.ts'), 'utf8');
  const mod: Record<string, unknown> = { __esModule: true };
  for (const m of dts.matchAll(/^\texport (?:namespace|enum|class|function|const|let|var) (\w+)/gm)) mod[m[1]] = stub;
  return mod;
}

export async function extensionRows(o: BenchOptions): Promise<Row[]> {
  const ext = path.join(o.repoRoot, 'dist', 'extension.js');
  const rows: Row[] = [];
  const size = fs.statSync(ext).size;
  const minified = !fs.readFileSync(ext, 'utf8').slice(0, 2000).includes('\n\n');
  rows.push({ name: `dist/extension.js size${minified ? '' : ' (not a production build: run npm run package first)'}`, unit: 'KB', ours: size / 1024, target: '<= 400 KB', met: size <= 400 * 1024 });

  const vscode = stubVscode(o.repoRoot);
  const M = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
  const origLoad = M._load;
  M._load = function (req: string, ...rest: unknown[]) {
    return req === 'vscode' ? vscode : origLoad.call(this, req, ...rest);
  };
  const ctx = { subscriptions: [] as { dispose(): unknown }[], extensionUri: { fsPath: o.repoRoot, path: o.repoRoot, scheme: 'file' }, extensionPath: o.repoRoot, globalState: vscode, workspaceState: vscode, secrets: vscode, extension: vscode, storageUri: vscode, globalStorageUri: vscode, logUri: vscode, extensionMode: 1, environmentVariableCollection: vscode, asAbsolutePath: (p: string) => path.join(o.repoRoot, p) };
  try {
    const r = await repeat(Math.max(o.runs, 7), () => {
      delete require.cache[require.resolve(ext)];
      const t0 = performance.now();
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built bundle is the point
      const m = require(ext) as { activate(c: unknown): unknown; deactivate?(): unknown };
      m.activate(ctx);
      const ms = performance.now() - t0;
      // Shut it down again, as VS Code would: its timers must not run during the later rows.
      for (const d of ctx.subscriptions.splice(0)) d.dispose();
      m.deactivate?.();
      return ms;
    });
    rows.push({ name: 'extension activation (load + activate, host API stubbed)', unit: 'ms', ours: r.median, oursMin: r.min, target: '< 50 ms', met: r.median < 50, note: 'first load in a fresh process pays node-forge and the whole bundle; later runs are warm' });
  } finally {
    M._load = origLoad;
  }

  process.stderr.write('bench: activation done; building a 10,000-certificate CA...\n');
  // A CA with 10,000 issued certificates (index.txt + newcerts/), generated here.
  const dir = fs.mkdtempSync(path.join(o.tmp, 'big-ca-'));
  const now = new Date('2026-01-01T00:00:00Z');
  const caDir = await cliInit(o.repoRoot, dir);
  const inter = path.join(caDir, 'intermediate');
  const pem = fs.readFileSync(path.join(inter, 'certs', 'intermediate.cert.pem'));
  const lines: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const serialHex = (0x100000 + i).toString(16).toUpperCase();
    const revoked = i % 50 === 0;
    lines.push(formatIndexLine({ status: revoked ? 'R' : 'V', expires: new Date(now.getTime() + ((i % 700) - 200) * 86400_000), revoked: revoked ? now : undefined, reason: revoked ? 'keyCompromise' : undefined, serialHex, file: 'unknown', subject: `/C=GB/O=Bench/CN=host${i}.bench.test` }));
    fs.writeFileSync(path.join(inter, 'newcerts', `${serialHex}.pem`), pem);
  }
  fs.writeFileSync(path.join(inter, 'index.txt'), lines.join('\n') + '\n');
  const port = new NodeFilePort();
  process.stderr.write('bench: loading it...\n');
  for (let i = 0; i < 2; i++) await loadCa(port, caDir, [inter], now); // warm-up
  let heapMb = 0;
  const r = await repeat(Math.max(o.runs, 5), async () => {
    (global as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const model = await loadCa(port, caDir, [inter], now);
    const ms = performance.now() - t0;
    heapMb = Math.max(heapMb, (process.memoryUsage().heapUsed - before) / 2 ** 20);
    if (model.children[0].issued.length < 10_000) throw new Error('model incomplete');
    return ms;
  });
  rows.push({ name: 'load a 10,000-certificate CA into the tree model', unit: 'ms', ours: r.median, oursMin: r.min, target: '< 300 ms and < 100 MB', met: r.median < 300 && heapMb < 100, note: `heap growth ${heapMb.toFixed(1)} MB${(global as { gc?: unknown }).gc ? '' : ' (run node with --expose-gc for a cleaner figure)'}` });
  return rows;
}

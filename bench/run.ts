/**
 * `npm run bench`: every row of issue 8 side by side with its peer (openssl, or node:crypto alone)
 * in one run, as a table and optionally JSON (`--json file`). No timed assertions anywhere: this
 * prints numbers and whether each target was met.
 *   node out/bench/run.js [--json bench.json] [--runs N] [--quick] [--only issue,keygen,...]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Row, fmt } from './harness';
import { BenchOptions, cliRows, decodeRows, issuanceRows, keygenRows, machine } from './rows';
import { EXTRA_ROWS } from './extra';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const repoRoot = path.resolve(__dirname, '..', '..');
  const shared = process.env.WORKSPACE_CA_SHARED ?? path.resolve(repoRoot, '..', 'shared');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wca-bench-'));
  const o: BenchOptions = { runs: Number(arg('runs') ?? 5), quick: process.argv.includes('--quick'), repoRoot, sharedDir: fs.existsSync(shared) ? shared : undefined, tmp };
  const only = arg('only')?.split(',');
  const groups: [string, (o: BenchOptions) => Promise<Row[]>][] = [
    ['issue', issuanceRows],
    ...EXTRA_ROWS,
    ['decode', decodeRows],
    ['keygen', keygenRows],
    ['cli', cliRows],
  ];
  const rows: Row[] = [];
  try {
    for (const [name, fn] of groups) {
      if (only && !only.includes(name)) continue;
      process.stderr.write(`bench: ${name}...\n`);
      rows.push(...(await fn(o)));
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const m = machine();
  const header = ['row', 'unit', 'ours (median)', 'ours (min)', 'peer', 'ratio', 'target', 'met'];
  const lines = rows.map((r) => [r.name, r.unit, fmt(r.ours), fmt(r.oursMin), r.peer !== undefined ? `${fmt(r.peer)} (${r.peerName})` : '-', r.ratio !== undefined ? `${r.ratio.toFixed(1)}x` : '-', r.target, r.met ? 'yes' : 'NO']);
  const md = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
  process.stdout.write(`Machine: ${m.cpus} x ${m.cpuModel}, ${m.memGiB} GiB, node ${m.node}, ${m.openssl}\n\n${md}\n\n`);
  for (const r of rows) if (r.note) process.stdout.write(`- ${r.name}: ${r.note}\n`);
  const json = arg('json');
  if (json) fs.writeFileSync(json, JSON.stringify({ machine: m, rows: rows.map((r) => ({ name: r.name, unit: r.unit, ours: r.ours, oursMin: r.oursMin, peer: r.peer ?? null, peerName: r.peerName ?? null, ratio: r.ratio ?? null, target: r.target, met: r.met, note: r.note ?? null })) }, null, 2) + '\n');
}

main().then(
  () => process.exit(0), // activation leaves the extension's timers behind
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

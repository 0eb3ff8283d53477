/**
 * The long fuzz run (issue 9.1): `npm run fuzz -- --iterations 100000 [--seed N] [--bound-ms 1000]`.
 * Seeds: the shared corpus (skipped with a note when absent) and our own outputs, made now with
 * a fixed clock. Prints progress, the slowest input, and every failure with the index that
 * regenerates it; exit 1 when an input failed or exceeded the bound.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { corpusDir, corpusSeeds, fuzz, ownSeeds } from './engine';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`--${name} needs a number`);
    process.exit(2);
  }
  return v;
}

async function main(): Promise<number> {
  const iterations = arg('iterations', 10000);
  const seed = arg('seed', 9);
  const boundMs = arg('bound-ms', 1000);
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : undefined;
  const now = new Date('2026-01-01T00:00:00Z');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wca-fuzz-'));
  try {
    const own = await ownSeeds(tmp, now);
    const c = corpusDir();
    const seeds = [...own.seeds, ...(c.dir ? corpusSeeds(c.dir) : [])];
    if (!c.dir) console.log(`corpus skipped: ${c.reason}`);
    console.log(`fuzz: seed ${seed}, ${iterations} inputs from ${seeds.length} seed files, bound ${boundMs} ms per call (one input through one entry point)`);
    const stats = fuzz({
      seed,
      iterations,
      seeds,
      anchor: own.anchor,
      now,
      boundMs,
      hangMs: Math.max(10000, boundMs * 10),
      only,
      progressEvery: Math.max(1000, Math.floor(iterations / 20)),
      progress: (done, s) => console.log(`  ${done} inputs, slowest ${s.slowestMs.toFixed(1)} ms, failures ${s.failures.length}, rss ${Math.round(process.memoryUsage().rss / 1048576)} MB`),
    });
    console.log(`\ninputs ${stats.inputs}, calls ${stats.calls}, ${stats.seconds.toFixed(1)} s, slowest call ${stats.slowestMs.toFixed(1)} ms (${stats.slowest}), calls over 100 ms: ${stats.over100ms}, rss ${stats.rssMb} MB`);
    console.log('outcomes (ok / PkiError) per entry point:');
    for (const [t, o] of Object.entries(stats.outcomes)) console.log(`  ${t.padEnd(26)} ${o.ok} / ${o.pkiError}`);
    for (const o of stats.overBound) console.log(`OVER BOUND #${o.index} ${o.ms.toFixed(0)} ms: ${o.how}`);
    for (const f of stats.failures) console.log(`FAILURE #${f.index} ${f.target} (${f.how}): ${f.error}`);
    console.log(`${stats.failures.length} failures, ${stats.overBound.length} over the bound`);
    return stats.failures.length || stats.overBound.length ? 1 : 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(2);
  },
);

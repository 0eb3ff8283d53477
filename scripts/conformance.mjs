// Runs the x509-limbo scorer (../shared/conformance/limbo_run.py) on `node dist/cli.js verify`
// and then reports timing from its JSON results: the pathological (denial-of-service) cases one by
// one, the slowest cases and how many took over 1 s. Timing is reported, never asserted (the
// exit code is the scorer's: --fail-on false-accept makes it fail on any false accept).
//   node scripts/conformance.mjs [scorer options, e.g. --suite core --fail-on false-accept]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const shared = process.env.WORKSPACE_CA_SHARED ?? path.resolve('..', 'shared');
const args = process.argv.slice(2);
const suite = args.includes('--suite') ? args[args.indexOf('--suite') + 1] : 'all';
fs.mkdirSync('out/conformance', { recursive: true });
const out = path.join('out', 'conformance', `${suite}.json`);
fs.rmSync(out, { force: true });
const r = spawnSync('python3', [path.join(shared, 'conformance', 'limbo_run.py'), '--verifier', 'node dist/cli.js verify', '--out', out, ...args], { stdio: 'inherit' });

if (fs.existsSync(out)) {
  const results = JSON.parse(fs.readFileSync(out, 'utf8')).results ?? [];
  const timed = results.filter((x) => typeof x.seconds === 'number');
  if (timed.length) {
    const fmt = (x) => `  ${x.seconds.toFixed(3).padStart(7)} s  ${x.id}  (${x.outcome}, ${x.verdict})`;
    const patho = timed.filter((x) => x.id.startsWith('pathological::'));
    if (patho.length) console.log(`\npathological cases (denial of service; target < 0.5 s each):\n${patho.map(fmt).join('\n')}`);
    const slow = [...timed].sort((a, b) => b.seconds - a.seconds).slice(0, 5);
    console.log(`\nslowest cases:\n${slow.map(fmt).join('\n')}`);
    const over = timed.filter((x) => x.seconds > 1).length;
    const max = slow[0].seconds;
    console.log(`\ntiming: ${timed.length} cases, ${over} over 1 s, slowest ${max.toFixed(3)} s, pathological max ${patho.length ? Math.max(...patho.map((x) => x.seconds)).toFixed(3) : '-'} s`);
  }
}
process.exit(r.status ?? 1);

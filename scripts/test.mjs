#!/usr/bin/env node
// `npm test`: every stage in order, each one's output streamed, then one closing line
// `N passed, N failed` summed over all stages. The static stage (build, tsc, eslint) must pass
// before anything runs; after that every stage runs even if an earlier one failed, so one run
// shows everything that is broken. Exit code 1 when any stage failed.
//
//   npm test                              every stage; the full conformance run only when CI=true
//   WORKSPACE_CA_FULL_CONFORMANCE=1 npm test   force the full 9,757-case run locally
//   npm test -- --only unit,servers       a subset (stage keys below)
import { spawn } from 'node:child_process';

const full = process.env.CI === 'true' || process.env.WORKSPACE_CA_FULL_CONFORMANCE === '1';
const STAGES = [
  { key: 'static', title: 'build, type-check, lint', cmd: 'node esbuild.js --tests && npm run --silent typecheck && npm run --silent lint', required: true },
  { key: 'unit', title: 'unit tests (plain node, openssl as oracle)', cmd: 'npm run --silent test:unit' },
  { key: 'conformance-core', title: 'x509-limbo core suite (fails on any false accept)', cmd: 'npm run --silent test:conformance-core' },
  { key: 'integration', title: 'integration tests inside VS Code (code-server)', cmd: 'npm run --silent test:integration' },
  { key: 'e2e', title: 'UI end-to-end (Playwright + chromium)', cmd: 'npm run --silent test:e2e' },
  { key: 'servers', title: 'generated configuration against real servers', cmd: 'npm run --silent test:servers' },
  ...(full ? [{ key: 'conformance', title: 'x509-limbo, all 9,757 cases (fails on any false accept)', cmd: 'npm run --silent conformance -- --fail-on false-accept' }] : []),
];

const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? process.argv[onlyArg + 1].split(',') : undefined;

/**
 * Counts from the closing lines of mocha, our runners and the limbo scorer. For the scorer, a
 * failure is a false accept or an error: its false rejects are known and listed in the README.
 */
function counts(text) {
  const limboPassed = text.match(/^\s*passed\s*:\s*(\d+)/m);
  if (limboPassed && /FALSE ACCEPTS/.test(text)) {
    const fa = text.match(/^\s*FALSE ACCEPTS\s*:\s*(\d+)/m);
    const err = text.match(/^\s*errors\s*:\s*(\d+)/m);
    return { passed: Number(limboPassed[1]), failed: Number(fa?.[1] ?? 0) + Number(err?.[1] ?? 0) };
  }
  let passed = 0;
  let failed = 0;
  let m;
  const plain = /^\s*(?:\w+:\s*)?(\d+) passed, (\d+) failed/gm;
  while ((m = plain.exec(text))) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  if (passed + failed === 0) {
    for (m of text.matchAll(/^\s+(\d+) passing/gm)) passed += Number(m[1]);
    for (m of text.matchAll(/^\s+(\d+) failing/gm)) failed += Number(m[1]);
  }
  return { passed, failed };
}

function run(stage) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn('bash', ['-c', stage.cmd], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out, secs: (Date.now() - t0) / 1000 }));
  });
}

const summary = [];
let passed = 0;
let failed = 0;
let broken = false;
for (const stage of STAGES) {
  if (only && !only.includes(stage.key)) continue;
  process.stdout.write(`\n=== ${stage.key}: ${stage.title}\n`);
  const r = await run(stage);
  const c = counts(r.out);
  passed += c.passed;
  failed += c.failed;
  // A stage that failed without a counted failing test still counts as one failure.
  const stageFailed = r.code !== 0;
  if (stageFailed && c.failed === 0) failed += 1;
  broken ||= stageFailed;
  summary.push(`  ${stageFailed ? 'FAIL' : 'ok  '} ${stage.key.padEnd(18)} ${String(c.passed).padStart(6)} passed ${String(c.failed).padStart(4)} failed  ${r.secs.toFixed(0)} s`);
  if (stageFailed && stage.required) {
    process.stdout.write(`\n${stage.key} failed: nothing else runs until it passes.\n`);
    break;
  }
}
if (!full && !only) summary.push('  (the full 9,757-case conformance run is part of CI; locally: npm run conformance)');
process.stdout.write(`\n=== summary\n${summary.join('\n')}\n\n${passed} passed, ${failed} failed\n`);
process.exit(broken ? 1 : 0);

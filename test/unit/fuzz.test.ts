/**
 * Issue 9.1: the decoders never crash, hang or explode on hostile bytes. A quick deterministic
 * slice of the mutation fuzzer (test/fuzz/engine.ts) over the shared corpus and our own outputs,
 * plus a table of crafted files aimed at the costs a file's author controls (KDF iteration
 * counts, thousands of PEM armour lines, deep nesting). `npm run fuzz -- --iterations 100000`
 * runs the long one.
 *
 * Bound: the design target is 100 ms per call; the assertion is 1 s (shared CI cores), and the
 * slowest call is printed. A real hang is caught by the engine's watchdog, which kills the run.
 */
import * as assert from 'node:assert/strict';
import * as forge from 'node-forge';
import { generateKeyPairSync } from 'node:crypto';
import { PkiError } from '../../src/core/errors';
import { Seed, corpusDir, corpusSeeds, fuzz, ownSeeds, startWatchdog, targets } from '../fuzz/engine';
import { NOW, rm, tmpDir } from './support/pki';

const BOUND_MS = 1000;
const QUICK_INPUTS = Number(process.env.WORKSPACE_CA_FUZZ_INPUTS ?? 2000);

/** Sets every "OCTET STRING salt, INTEGER iterations" count in a (nested) DER structure. */
function setIterations(der: Buffer, n: number, opts: { top?: boolean; nested?: boolean } = { top: true, nested: true }): Buffer {
  const A = forge.asn1;
  const intBytes = forge.util.hexToBytes(n.toString(16).padStart(8, '0'));
  const visit = (node: forge.asn1.Asn1, depth: number): void => {
    if (Array.isArray(node.value)) {
      node.value.forEach((k, i) => {
        const prev = node.value[i - 1] as forge.asn1.Asn1 | undefined;
        const isCount = i > 0 && k.type === A.Type.INTEGER && k.tagClass === A.Class.UNIVERSAL && prev?.type === A.Type.OCTETSTRING && prev.tagClass === A.Class.UNIVERSAL;
        if (isCount && ((depth === 1 && opts.top) || (depth > 1 && opts.nested))) k.value = intBytes;
        visit(k, depth + 1);
      });
    } else if (node.type === A.Type.OCTETSTRING && node.tagClass === A.Class.UNIVERSAL && typeof node.value === 'string' && node.value.charCodeAt(0) === 0x30) {
      try {
        const inner = A.fromDer(node.value, { strict: true } as never);
        visit(inner, depth + 1);
        node.value = A.toDer(inner).getBytes();
      } catch {
        // encrypted content: leave it
      }
    }
  };
  const top = A.fromDer(der.toString('binary'));
  visit(top, 0);
  return Buffer.from(A.toDer(top).getBytes(), 'binary');
}

describe('fuzz: decoders on mutated and crafted input (issue 9.1)', function () {
  this.timeout(120_000);
  let tmp: string;
  let seeds: Seed[] = [];
  let anchor: Buffer;
  let corpusNote = '';

  before(async function () {
    tmp = tmpDir('wca-fuzz-');
    const own = await ownSeeds(tmp, NOW);
    anchor = own.anchor;
    const c = corpusDir();
    if (c.dir) seeds = [...own.seeds, ...corpusSeeds(c.dir)];
    else {
      corpusNote = ` (corpus skipped: ${c.reason})`;
      seeds = own.seeds;
    }
  });
  after(() => rm(tmp));

  it(`${QUICK_INPUTS} mutated inputs through every entry point: a value or a PkiError, each call under ${BOUND_MS} ms`, function () {
    const stats = fuzz({ seed: 9, iterations: QUICK_INPUTS, seeds, anchor, now: NOW, boundMs: BOUND_MS, hangMs: 20_000 });
    console.log(
      `      ${stats.inputs} inputs × ${Object.keys(stats.outcomes).length} entry points from ${seeds.length} seeds${corpusNote}: ${stats.seconds.toFixed(1)} s, ` +
        `slowest call ${stats.slowestMs.toFixed(1)} ms (${stats.slowest}), ${stats.over100ms} calls over 100 ms, rss ${stats.rssMb} MB`,
    );
    assert.deepEqual(stats.failures.map((f) => `#${f.index} ${f.target} (${f.how}): ${f.error}`), [], 'only PkiErrors may escape');
    assert.deepEqual(stats.overBound.map((o) => `#${o.index} ${o.how}: ${o.ms.toFixed(0)} ms`), []);
    assert.ok(stats.rssMb < 1500, `memory stayed bounded (rss ${stats.rssMb} MB)`);
    // Every entry point saw both outcomes (the fuzzer reaches past the first check).
    for (const t of ['decodeFile', 'decodeCertificate', 'asn1Tree', 'verifyFiles', 'lintFile']) assert.ok(stats.outcomes[t].ok > 0 && stats.outcomes[t].pkiError > 0, `${t}: ${JSON.stringify(stats.outcomes[t])}`);
  });

  describe('crafted files: the cost the author chooses is bounded', () => {
    const p12 = () => seeds.find((s) => s.name === 'own:www.p12')!.bytes;
    const encKey = () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      return Buffer.from(privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'fuzz-pass-1234' }) as Buffer);
    };
    const pem = (label: string, der: Buffer) => Buffer.from(`-----BEGIN ${label}-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`);
    const cases: { name: string; input: () => Buffer; want?: RegExp }[] = [
      { name: 'PKCS#12 with a MAC iteration count of 2^31-1', input: () => setIterations(p12(), 0x7fffffff, { top: true }), want: /2,147,483,647 iterations/ },
      { name: 'PKCS#12 whose encrypted bags ask for 2^31-1 PBKDF2 iterations', input: () => setIterations(p12(), 0x7fffffff, { nested: true }), want: /iterations/ },
      { name: 'encrypted PKCS#8 key asking for 2^31-1 PBKDF2 iterations (PEM)', input: () => pem('ENCRYPTED PRIVATE KEY', setIterations(encKey(), 0x7fffffff)), want: /iterations/ },
      { name: 'encrypted PKCS#8 key asking for 2^31-1 PBKDF2 iterations (DER)', input: () => setIterations(encKey(), 0x7fffffff), want: /iterations/ },
      { name: '10,000 BEGIN lines before one certificate', input: () => Buffer.concat([Buffer.from('-----BEGIN CERTIFICATE-----\n'.repeat(10_000)), anchor]) },
      { name: '10,000 BEGIN lines of different labels, no END', input: () => Buffer.from(Array.from({ length: 10_000 }, (_, i) => `-----BEGIN X${i % 50}-----\nAAAA\n`).join('')) },
      { name: 'SEQUENCE nested 100,000 deep (indefinite lengths)', input: () => Buffer.from('3080'.repeat(100_000), 'hex') },
      { name: 'SEQUENCE nested 3,000 deep (definite lengths)', input: () => { let b = Buffer.from([0x05, 0x00]); for (let i = 0; i < 3000; i++) b = Buffer.concat([Buffer.from([0x30, 0x83, (b.length >> 16) & 0xff, (b.length >> 8) & 0xff, b.length & 0xff]), b]); return b; } },
      { name: 'a declared length of 2^32-1 on 10 bytes', input: () => Buffer.from('3084ffffffff0201000500', 'hex') },
      { name: 'a 3 MB base64 line inside PEM armour', input: () => Buffer.from(`-----BEGIN CERTIFICATE-----\n${'QUFB'.repeat(750_000)}\n-----END CERTIFICATE-----\n`) },
    ];
    for (const c of cases) {
      it(c.name, function () {
        const input = c.input();
        const messages: string[] = [];
        let slowest = 0;
        // A hang cannot be interrupted from JavaScript: the watchdog kills the run after 15 s.
        const dog = startWatchdog(15_000, `crafted "${c.name}"`);
        dog.tick(1);
        try {
        for (const t of targets(anchor, NOW)) {
          const s = process.hrtime.bigint();
          try {
            t.run(input);
          } catch (e) {
            if (!(e instanceof PkiError)) assert.fail(`${t.name} threw ${e instanceof Error ? e.stack : String(e)}`);
            messages.push(e.message);
          }
          const ms = Number(process.hrtime.bigint() - s) / 1e6;
          slowest = Math.max(slowest, ms);
          assert.ok(ms < BOUND_MS, `${t.name} took ${ms.toFixed(0)} ms`);
        }
        } finally {
          dog.stop();
        }
        if (c.want) assert.ok(messages.some((m) => c.want!.test(m)), `refused with a message naming the cost: ${messages.join(' | ')}`);
      });
    }
  });
});

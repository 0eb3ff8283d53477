/**
 * A deterministic mutation fuzzer for every decode entry point (issue 9.1). Our own code, no
 * dependency: a seeded PRNG, a handful of mutators that know DER (length inflation, huge declared
 * lengths, deep nesting, huge integers) and PEM (broken base64, torn armour), and a harness that
 * runs one input through every entry point and classifies what comes back.
 *
 * The contract under test (STYLE.md §13 "errors are data"): each entry point returns a value or
 * throws a PkiError, quickly. Anything else (TypeError, RangeError, a forge string thrown, a
 * stack overflow) is a failure; so is an input that takes longer than the bound. A real hang
 * cannot be interrupted from JavaScript, so a watchdog thread kills the process and names the
 * input (seed + index: every input can be regenerated on its own).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { decodeCertificate, decodeCrl, decodeCsr, decodeFile, decodePkcs12, decodePrivateKey, decodePublicKey, asn1Tree } from '../../src/core/decode';
import { findEmbeddedCertificates } from '../../src/core/embedded';
import { PkiError } from '../../src/core/errors';
import { isEncryptedKey, readPrivateKey } from '../../src/core/keys';
import { lintFile } from '../../src/core/lint';
import { readBlocks, scanPem, splitPem } from '../../src/core/pem';
import { readCertificates } from '../../src/core/export';
import { parseCertificate } from '../../src/core/der/x509';
import { verifyFiles } from '../../src/core/verify/files';
import { buildViewState } from '../../src/extension/editor/viewModel';
import { VERBS } from '../../src/cli/verbs';

// ---------------------------------------------------------------------------------------------
// PRNG: mulberry32, seeded per input from (run seed, index) so any input regenerates alone.

export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mix(seed: number, i: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ i, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const int = (r: Rng, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[int(r, xs.length)];

// ---------------------------------------------------------------------------------------------
// Seeds

export interface Seed {
  name: string;
  bytes: Buffer;
}

/** The shared corpus folder, or undefined (with the reason) when it is not there. */
export function corpusDir(): { dir?: string; reason?: string } {
  // $WORKSPACE_CA_SHARED, else <repo>/../shared (the repo is found from this bundle or the cwd).
  const candidates = process.env.WORKSPACE_CA_SHARED
    ? [process.env.WORKSPACE_CA_SHARED]
    : [path.resolve(__dirname, '../../../../shared'), path.resolve(__dirname, '../../../shared'), path.resolve(process.cwd(), '../shared')];
  for (const c of candidates) if (fs.existsSync(path.join(c, 'corpus', 'manifest.json'))) return { dir: path.join(c, 'corpus') };
  return { reason: `no corpus at ${candidates.map((c) => path.join(c, 'corpus')).join(' or ')} (set WORKSPACE_CA_SHARED)` };
}

export function corpusSeeds(dir: string): Seed[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { file: string }[];
  return manifest.map((m) => ({ name: `corpus:${m.file}`, bytes: fs.readFileSync(path.join(dir, m.file)) }));
}

const PASS = 'fuzz-pass-1234';

/**
 * Our own outputs, made with the CLI in a temp folder (fixed clock): root + intermediate, a
 * server certificate, an encrypted key, a CSR, a CRL with an entry, DER, PKCS#12, a chain.
 */
export async function ownSeeds(tmp: string, now: Date): Promise<{ seeds: Seed[]; anchor: Buffer }> {
  const run = async (...argv: string[]) => {
    // The verbs directly, not runCli: a bundle of src/cli/main.ts runs the CLI on process.argv.
    let err = '';
    const verb = VERBS.find((v) => v.name === argv[0])!;
    const code = await verb.run(argv.slice(1), { out: () => undefined, err: (t) => (err += t), env: { P: PASS }, cwd: tmp, now: () => now });
    if (code !== 0) throw new Error(`workspace-ca ${argv.join(' ')}: ${err}`);
  };
  await run('init', 'ca', '--cn', 'Fuzz Root', '--org', 'Fuzz', '--key-type', 'p256', '--passphrase-env', 'P');
  await run('intermediate', 'ca', '--cn', 'Fuzz Intermediate', '--key-type', 'p256', '--ca-passphrase-env', 'P');
  await run('issue', 'ca', '--cn', 'www.fuzz.test', '--san', 'DNS:www.fuzz.test,IP:10.0.0.1,email:a@fuzz.test', '--key-type', 'p256', '--ca-passphrase-env', 'P');
  await run('issue', 'ca', '--cn', 'ed.fuzz.test', '--key-type', 'ed25519', '--ca-passphrase-env', 'P', '--passphrase-env', 'P');
  await run('issue', 'ca', '--cn', 'rsa.fuzz.test', '--key-type', 'rsa2048', '--ca-passphrase-env', 'P');
  await run('revoke', 'ca', 'ca/intermediate/certs/rsa.fuzz.test.cert.pem');
  await run('crl', 'ca', '--ca-passphrase-env', 'P');
  await run('export', 'ca/intermediate/certs/www.fuzz.test.cert.pem', '--format', 'der', '--out', 'www.der');
  await run('export', 'ca/intermediate/certs/www.fuzz.test.cert.pem', '--format', 'p12', '--out', 'www.p12', '--password-env', 'P');
  const files = [
    'ca/certs/ca.cert.pem',
    'ca/intermediate/certs/ca-chain.cert.pem',
    'ca/intermediate/certs/www.fuzz.test.cert.pem',
    'ca/intermediate/certs/ed.fuzz.test.cert.pem',
    'ca/intermediate/private/www.fuzz.test.key.pem',
    'ca/intermediate/private/ed.fuzz.test.key.pem',
    'ca/intermediate/private/intermediate.key.pem',
    'ca/intermediate/csr/www.fuzz.test.csr.pem',
    'ca/intermediate/crl/intermediate.crl.pem',
    'www.der',
    'www.p12',
  ];
  const seeds = files.map((f) => ({ name: `own:${f}`, bytes: fs.readFileSync(path.join(tmp, f)) }));
  return { seeds, anchor: fs.readFileSync(path.join(tmp, 'ca/certs/ca.cert.pem')) };
}

// ---------------------------------------------------------------------------------------------
// DER helpers for the structure-aware mutators

interface Node {
  /** Offset of the identifier octet, of the length octets, of the content, and the end. */
  start: number;
  lenAt: number;
  valueStart: number;
  end: number;
  constructed: boolean;
  tag: number;
}

/** Walks a (possibly broken) DER buffer leniently and lists the TLVs it can find. */
function walk(buf: Buffer, start = 0, end = buf.length, out: Node[] = [], depth = 0): Node[] {
  let p = start;
  while (p < end && out.length < 4000 && depth < 40) {
    const tag = buf[p];
    if (p + 1 >= end) break;
    const lenAt = p + 1;
    let len = buf[lenAt];
    let q = lenAt + 1;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || q + n > end) break;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[q + i];
      q += n;
    }
    if (q + len > end) break;
    const node = { start: p, lenAt, valueStart: q, end: q + len, constructed: (tag & 0x20) !== 0, tag };
    out.push(node);
    if (node.constructed) walk(buf, q, q + len, out, depth + 1);
    p = q + len;
  }
  return out;
}

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Replaces the length octets of `node` with `raw`. */
function setLength(buf: Buffer, node: Node, raw: Buffer): Buffer {
  return Buffer.concat([buf.subarray(0, node.lenAt), raw, buf.subarray(node.valueStart)]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

// ---------------------------------------------------------------------------------------------
// PEM helpers

const PEM_RE = /-----BEGIN ([A-Z0-9 #]+)-----\r?\n([\s\S]*?)-----END \1-----/;

function unwrapPem(b: Buffer): { label: string; der: Buffer; text: string } | undefined {
  if (!b.includes('-----BEGIN')) return undefined;
  const text = b.toString('latin1');
  const m = PEM_RE.exec(text);
  if (!m) return undefined;
  return { label: m[1], der: Buffer.from(m[2].replace(/^[A-Za-z-]+:.*$/gm, ''), 'base64'), text };
}

function wrapPem(label: string, der: Buffer): Buffer {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return Buffer.from(`-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`, 'latin1');
}

// ---------------------------------------------------------------------------------------------
// Mutators: each takes the DER (or raw bytes) and returns new bytes.

type Mutator = (r: Rng, b: Buffer, seeds: Seed[]) => Buffer;

const bitFlip: Mutator = (r, b) => {
  if (!b.length) return b;
  const out = Buffer.from(b);
  const n = 1 + int(r, 8);
  for (let i = 0; i < n; i++) out[int(r, out.length)] ^= 1 << int(r, 8);
  return out;
};

const truncate: Mutator = (r, b) => b.subarray(0, int(r, b.length + 1));

const interesting = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff, 0x30, 0xa0, 0x05];
const byteSet: Mutator = (r, b) => {
  if (!b.length) return b;
  const out = Buffer.from(b);
  for (let i = 0, n = 1 + int(r, 4); i < n; i++) out[int(r, out.length)] = pick(r, interesting);
  return out;
};

/** A TLV whose declared length grows by a little or a lot (reads past the end, or past a parent). */
const inflateLength: Mutator = (r, b) => {
  const nodes = walk(b);
  if (!nodes.length) return bitFlip(r, b, []);
  const n = pick(r, nodes);
  const len = n.end - n.valueStart;
  const grow = pick(r, [1, 2, 16, 255, 65536, 1 << 24]);
  return setLength(b, n, lengthBytes(len + grow));
};

/** Declared lengths no file can have: 2^31-1, 2^32-1, 8-byte lengths, non-minimal, indefinite. */
const hugeLength: Mutator = (r, b) => {
  const nodes = walk(b);
  if (!nodes.length) return Buffer.concat([Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff]), b]);
  const n = pick(r, nodes);
  const raw = pick(r, [
    Buffer.from([0x84, 0x7f, 0xff, 0xff, 0xff]),
    Buffer.from([0x84, 0xff, 0xff, 0xff, 0xff]),
    Buffer.from([0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    Buffer.from([0x88, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10]),
    Buffer.from([0xff]),
    Buffer.from([0x80]),
    Buffer.from([0x81, 0x05]),
  ]);
  return setLength(b, n, raw);
};

/** Nesting thousands deep: inside a node of the file, or on its own (definite and indefinite). */
const deepNest: Mutator = (r, b) => {
  const depth = pick(r, [65, 200, 1000, 5000, 50000]);
  const tag = pick(r, [0x30, 0x31, 0xa0, 0xa3, 0x24]);
  let inner: Buffer;
  if (r() < 0.5) {
    // Indefinite-length BER opening tags with no content: cheap to build at any depth.
    inner = Buffer.alloc(depth * 2);
    for (let i = 0; i < depth; i++) {
      inner[2 * i] = tag;
      inner[2 * i + 1] = 0x80;
    }
  } else {
    inner = Buffer.from([0x05, 0x00]);
    for (let i = 0; i < Math.min(depth, 5000); i++) inner = tlv(tag, inner);
  }
  const nodes = walk(b).filter((n) => n.constructed);
  if (!nodes.length || r() < 0.3) return inner;
  const n = pick(r, nodes);
  const content = Buffer.concat([b.subarray(n.valueStart, n.end), inner]);
  // Re-encode this node's length (the parents keep theirs: that is a second kind of damage).
  return Buffer.concat([b.subarray(0, n.start), tlv(b[n.start], content), b.subarray(n.end)]);
};

/** INTEGERs (versions, iteration counts, key sizes) set to huge or negative values. */
const bigInteger: Mutator = (r, b) => {
  const nodes = walk(b).filter((n) => n.tag === 0x02);
  if (!nodes.length) return byteSet(r, b, []);
  const n = pick(r, nodes);
  const value = pick(r, [
    Buffer.from([0x7f, 0xff, 0xff, 0xff]),
    Buffer.from([0x3b, 0x9a, 0xca, 0x00]), // 1e9
    Buffer.from([0x00, 0x98, 0x96, 0x80]), // 1e7
    Buffer.from([0xff]),
    Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0]),
    Buffer.alloc(0),
    Buffer.alloc(5000, 0x7f),
  ]);
  return Buffer.concat([b.subarray(0, n.start), tlv(0x02, value), b.subarray(n.end)]);
};

/** Strings and OIDs replaced by odd content (control characters, invalid UTF-8, overlong OIDs). */
const oddContent: Mutator = (r, b) => {
  const nodes = walk(b).filter((n) => !n.constructed && n.end > n.valueStart);
  if (!nodes.length) return bitFlip(r, b, []);
  const n = pick(r, nodes);
  const content = pick(r, [
    Buffer.from('\u202egpj.exe\u0000\u001b[31m<script>alert(1)</script>', 'utf8'),
    Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
    Buffer.alloc(70000, 0x41),
    Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
    Buffer.from([0x80, 0x80, 0x80]),
  ]);
  return Buffer.concat([b.subarray(0, n.start), tlv(b[n.start], content), b.subarray(n.end)]);
};

const chunkOps: Mutator = (r, b) => {
  if (b.length < 2) return Buffer.concat([b, b]);
  const a = int(r, b.length);
  const len = 1 + int(r, Math.min(256, b.length - a));
  switch (int(r, 3)) {
    case 0:
      return Buffer.concat([b.subarray(0, a), b.subarray(a + len)]); // delete
    case 1:
      return Buffer.concat([b.subarray(0, a + len), b.subarray(a, a + len), b.subarray(a + len)]); // duplicate
    default: {
      const c = int(r, b.length);
      const out = Buffer.from(b);
      b.subarray(a, a + len).copy(out, c); // overwrite elsewhere
      return out;
    }
  }
};

const splice: Mutator = (r, b, seeds) => {
  const other = pick(r, seeds).bytes;
  const x = unwrapPem(other)?.der ?? other;
  return Buffer.concat([b.subarray(0, int(r, b.length + 1)), x.subarray(int(r, x.length + 1))]);
};

const randomBytes: Mutator = (r) => {
  const out = Buffer.alloc(int(r, 2048));
  for (let i = 0; i < out.length; i++) out[i] = int(r, 256);
  if (out.length && r() < 0.5) out[0] = 0x30;
  return out;
};

const DER_MUTATORS: [string, Mutator][] = [
  ['bit-flip', bitFlip],
  ['truncate', truncate],
  ['byte-set', byteSet],
  ['inflate-length', inflateLength],
  ['huge-length', hugeLength],
  ['deep-nest', deepNest],
  ['big-integer', bigInteger],
  ['odd-content', oddContent],
  ['chunk', chunkOps],
  ['splice', splice],
  ['random', randomBytes],
];

/** Mutations of the PEM text itself: base64 broken in the ways real files are. */
function pemTextMutation(r: Rng, text: string): { name: string; text: string } {
  const lines = text.split('\n');
  const body = () => 1 + int(r, Math.max(1, lines.length - 3));
  switch (int(r, 10)) {
    case 0: {
      const i = body();
      const l = lines[i] ?? '';
      const at = int(r, l.length + 1);
      lines[i] = l.slice(0, at) + pick(r, ['!', '*', '=', '==', '-', '\u0000', '\u00e9', ' ', '\t', '====', '-----']) + l.slice(at);
      return { name: 'pem-bad-char', text: lines.join('\n') };
    }
    case 1:
      return { name: 'pem-no-padding', text: text.replace(/=+\n-----END/, '\n-----END') };
    case 2:
      return { name: 'pem-no-end', text: text.replace(/-----END[^\n]*\n?/, '') };
    case 3:
      return { name: 'pem-torn-end', text: text.replace(/-----END ([A-Z ]+)-----/, (_m, l: string) => `-----END ${l.slice(0, int(r, l.length))}`) };
    case 4: {
      lines.splice(body(), 1);
      return { name: 'pem-drop-line', text: lines.join('\n') };
    }
    case 5:
      return { name: 'pem-one-line', text: text.replace(/\n(?!-----)/g, '') };
    case 6:
      return { name: 'pem-huge-line', text: text.replace(/(-----BEGIN [^\n]*\n)/, `$1${'A'.repeat(r() < 0.9 ? pick(r, [1000, 20000]) : pick(r, [100000, 1000000]))}\n`) };
    case 7:
      return { name: 'pem-many-begins', text: `-----BEGIN CERTIFICATE-----\n`.repeat(r() < 0.9 ? pick(r, [2, 100]) : 5000) + text };
    case 8:
      return { name: 'pem-headers', text: text.replace(/(-----BEGIN [^\n]*\n)/, `$1Proc-Type: 4,ENCRYPTED\nDEK-Info: ${pick(r, ['AES-256-CBC,', 'DES-EDE3-CBC,ZZ', 'X'.repeat(5000) + ',00'])}\n\n`) };
    default:
      return { name: 'pem-crlf-mix', text: lines.map((l) => (r() < 0.5 ? l + '\r' : l)).join('\n') };
  }
}

/** Input number `i` of run `seed`: deterministic, independent of every other input. */
export function makeInput(seed: number, i: number, seeds: Seed[]): { input: Buffer; how: string } {
  const r = mulberry32(mix(seed, i));
  const s = pick(r, seeds);
  const pem = unwrapPem(s.bytes);
  if (pem && r() < 0.25) {
    const m = pemTextMutation(r, pem.text);
    return { input: Buffer.from(m.text, 'latin1'), how: `${m.name} of ${s.name}` };
  }
  let der = pem ? pem.der : s.bytes;
  const names: string[] = [];
  for (let k = 0, n = 1 + (r() < 0.3 ? int(r, 3) : 0); k < n; k++) {
    const [name, m] = pick(r, DER_MUTATORS);
    der = m(r, der, seeds);
    names.push(name);
  }
  // Half of the PEM seeds go back into PEM armour (the PEM path is a separate parser).
  const input = pem && r() < 0.5 ? wrapPem(pem.label, der) : der;
  return { input, how: `${names.join('+')} of ${s.name}${input === der ? '' : ' (PEM)'}` };
}

// ---------------------------------------------------------------------------------------------
// The harness: every entry point, each call classified.

export interface Target {
  name: string;
  run(input: Buffer): unknown;
}

/** Every decode entry point of core (and the view model the viewer builds from its result). */
export function targets(anchor: Buffer, now: Date): Target[] {
  const text = (b: Buffer) => b.toString('utf8');
  const ders = (b: Buffer): Buffer[] => {
    // The DER inside PEM blocks, or the bytes as they are.
    try {
      const blocks = splitPem(text(b));
      return blocks.length ? blocks.slice(0, 3).map((x) => x.der) : [b];
    } catch {
      return [b];
    }
  };
  return [
    { name: 'decodeFile', run: (b) => buildViewState(decodeFile(b, { asn1: true }), { fileName: 'x.pem', now, canSign: true }) },
    { name: 'decodeFile(.p12)', run: (b) => decodeFile(b, { fileName: 'x.p12', password: PASS }) },
    { name: 'decodeCertificate', run: (b) => ders(b).map((d) => decodeCertificate(d)) },
    { name: 'decodeCsr', run: (b) => ders(b).map((d) => decodeCsr(d)) },
    { name: 'decodeCrl', run: (b) => ders(b).map((d) => decodeCrl(d)) },
    { name: 'parseCertificate', run: (b) => ders(b).map((d) => parseCertificate(d)) },
    { name: 'asn1Tree', run: (b) => ders(b).map((d) => asn1Tree(d)) },
    { name: 'decodePrivateKey', run: (b) => ders(b).map((d) => decodePrivateKey({ label: pemLabel(b) ?? 'PRIVATE KEY', der: d }, { passphrase: PASS })) },
    { name: 'decodePublicKey', run: (b) => ders(b).map((d) => decodePublicKey({ label: 'PUBLIC KEY', der: d })) },
    { name: 'readPrivateKey', run: (b) => readPrivateKey(b, isEncryptedKey(b) ? PASS : undefined) },
    { name: 'decodePkcs12', run: (b) => decodePkcs12(b, PASS) },
    { name: 'scanPem', run: (b) => scanPem(text(b)) },
    { name: 'splitPem', run: (b) => splitPem(text(b)) },
    { name: 'readBlocks', run: (b) => readBlocks(b) },
    { name: 'readCertificates', run: (b) => readCertificates(b) },
    { name: 'verifyFiles', run: (b) => verifyFiles({ leaf: b, anchors: anchor, intermediates: b, now, host: 'www.fuzz.test' }) },
    { name: 'verifyFiles(anchor)', run: (b) => verifyFiles({ leaf: anchor, anchors: b, now }) },
    { name: 'findEmbeddedCertificates', run: (b) => findEmbeddedCertificates(`tls.crt: ${b.toString('base64')}\n${text(b)}`, { now }) },
    { name: 'lintFile', run: (b) => lintFile(b, { now }) },
  ];
}

function pemLabel(b: Buffer): string | undefined {
  return /-----BEGIN ([A-Z0-9 ]+)-----/.exec(b.subarray(0, 200).toString('latin1'))?.[1];
}

export interface Failure {
  index: number;
  how: string;
  target: string;
  error: string;
}

export interface FuzzStats {
  inputs: number;
  calls: number;
  seconds: number;
  slowestMs: number;
  slowest: string;
  /** Calls (one input through one entry point) slower than 100 ms, the design target. */
  over100ms: number;
  /** Calls above the bound. */
  overBound: { index: number; how: string; ms: number }[];
  failures: Failure[];
  /** PkiError codes seen, and how many inputs every target accepted or refused. */
  outcomes: Record<string, { ok: number; pkiError: number }>;
  rssMb: number;
}

export interface FuzzOptions {
  seed: number;
  iterations: number;
  seeds: Seed[];
  anchor: Buffer;
  now: Date;
  /** A call (one input, one entry point) slower than this (ms) is reported in overBound. */
  boundMs: number;
  /** The watchdog kills the process when one input (all entry points) takes longer than this (ms). */
  hangMs: number;
  /** Called every `progressEvery` inputs. */
  progress?: (done: number, stats: FuzzStats) => void;
  progressEvery?: number;
  /** Only these targets (all by default). */
  only?: string[];
}

/**
 * A watchdog thread: the main thread ticks a shared counter before each input; when the counter
 * stops moving for `hangMs`, the watchdog prints which input hung and kills the process (a
 * synchronous loop in the main thread cannot be interrupted any other way).
 */
export function startWatchdog(hangMs: number, seed: number | string): { tick(i: number): void; stop(): void } {
  const sab = new SharedArrayBuffer(8);
  const cells = new Int32Array(sab);
  const src = `
    const { workerData } = require('node:worker_threads');
    const cells = new Int32Array(workerData.sab);
    let last = -1, since = Date.now();
    setInterval(() => {
      if (Atomics.load(cells, 1) === 1) process.exit(0);
      const now = Atomics.load(cells, 0);
      if (now !== last) { last = now; since = Date.now(); return; }
      if (Date.now() - since > workerData.hangMs) {
        // fs.writeSync: a worker's process.stderr is flushed by the (blocked) main thread.
        require('node:fs').writeSync(2, 'fuzz: input #' + now + ' of seed ' + workerData.seed + ' hung for more than ' + workerData.hangMs + ' ms: killing the process\\n');
        process.kill(process.pid, 'SIGKILL');
      }
    }, 100);`;
  const w = new Worker(src, { eval: true, workerData: { sab, hangMs, seed } });
  w.unref();
  return {
    tick: (i) => Atomics.store(cells, 0, i),
    stop: () => {
      Atomics.store(cells, 1, 1);
      void w.terminate();
    },
  };
}

/** Runs the fuzzer; returns figures and failures (never throws for a failing input). */
export function fuzz(o: FuzzOptions): FuzzStats {
  const all = targets(o.anchor, o.now).filter((t) => !o.only || o.only.includes(t.name));
  const stats: FuzzStats = { inputs: 0, calls: 0, seconds: 0, slowestMs: 0, slowest: '', overBound: [], over100ms: 0, failures: [], outcomes: {}, rssMb: 0 };
  for (const t of all) stats.outcomes[t.name] = { ok: 0, pkiError: 0 };
  const dog = startWatchdog(o.hangMs, o.seed);
  const t0 = process.hrtime.bigint();
  try {
    for (let i = 0; i < o.iterations; i++) {
      dog.tick(i);
      const { input, how } = makeInput(o.seed, i, o.seeds);
      for (const t of all) {
        stats.calls++;
        const s = process.hrtime.bigint();
        try {
          t.run(input);
          stats.outcomes[t.name].ok++;
        } catch (e) {
          if (e instanceof PkiError) stats.outcomes[t.name].pkiError++;
          else if (stats.failures.length < 200) stats.failures.push({ index: i, how, target: t.name, error: e instanceof Error ? `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 4).join('\n')}` : `thrown ${typeof e}: ${String(e)}` });
        }
        const ms = Number(process.hrtime.bigint() - s) / 1e6;
        if (ms > stats.slowestMs) {
          stats.slowestMs = ms;
          stats.slowest = `#${i} ${t.name} on ${how} (${input.length} bytes)`;
        }
        if (ms > o.boundMs && stats.overBound.length < 50) stats.overBound.push({ index: i, how: `${t.name} on ${how}`, ms });
        if (ms > 100) stats.over100ms++;
      }
      stats.inputs++;
      if (o.progress && o.progressEvery && (i + 1) % o.progressEvery === 0) o.progress(i + 1, stats);
    }
  } finally {
    dog.stop();
  }
  stats.seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  stats.rssMb = Math.round(process.memoryUsage().rss / 1048576);
  return stats;
}

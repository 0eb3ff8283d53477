/** Benchmark plumbing: repeated runs, median/min, event-loop stall sampling, openssl spawning. */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface Row {
  name: string;
  unit: string;
  /** Our median (and min, for the table). */
  ours: number;
  oursMin?: number;
  /** The peer's median (openssl or node:crypto alone), when there is one. */
  peer?: number;
  peerName?: string;
  /** ours/peer for rates (higher is better) or peer/ours for times; undefined without a peer. */
  ratio?: number;
  /** Human text of the target, e.g. ">= 1000 certs/s and >= 30x". */
  target: string;
  met: boolean;
  note?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `fn` `runs` times, returns each run's result (a number such as ms or ops/s). */
export async function repeat(runs: number, fn: () => Promise<number> | number): Promise<{ median: number; min: number; max: number; all: number[] }> {
  const all: number[] = [];
  for (let i = 0; i < runs; i++) all.push(await fn());
  return { median: median(all), min: Math.min(...all), max: Math.max(...all), all };
}

/** Operations per second of `op` repeated `n` times. */
export async function rate(n: number, op: (i: number) => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  return (n * 1000) / (performance.now() - t0);
}

/** Measures the longest gap between 1 ms timer ticks while `work` runs: the event-loop stall. */
export async function withStall<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; stallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  const t0 = performance.now();
  try {
    const result = await work();
    const ms = performance.now() - t0;
    worst = Math.max(worst, performance.now() - last);
    return { result, ms, stallMs: worst };
  } finally {
    clearInterval(timer);
  }
}

export function spawnOk(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): void {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, input: opts.input, stdio: ['pipe', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr?.toString()}`);
}

export function fmt(n: number | undefined): string {
  if (n === undefined) return '-';
  if (n >= 1000) return Math.round(n).toLocaleString('en-US');
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

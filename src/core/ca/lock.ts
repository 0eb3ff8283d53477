/**
 * A lock file per issuing CA so concurrent issuances (async in one process, or several CLI
 * processes) get distinct serials and a well-formed index. Stale locks (holder's process gone on
 * this host; older than STALE_MS by the caller's clock when held from another host) are taken over.
 */
import { hostname } from 'node:os';
import { PkiError, isPkiError } from '../errors';
import { FilePort } from './fileport';

const STALE_MS = 60_000;
const MAX_WAIT_MS = 60_000;

interface LockInfo {
  pid: number;
  host: string;
  time: string;
  token: string;
}

/** True when a process with this pid runs on this host (EPERM: it exists, owned by someone else). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let counter = 0;

/** Callers of this process queued per lock path (the tail of each queue). */
const queues = new Map<string, Promise<void>>();

/**
 * Runs `fn` holding the lock at `lockPath`. Callers in this process queue up in memory first, so
 * only one of them at a time contends for the lock file: 200 async issuances polling the file
 * (each poll a stat and a read through libuv's 4 threads) starved the holder's own writes and
 * made each issuance 5x slower. Other processes are kept out by the lock file alone.
 */
export async function withLock<T>(fs: FilePort, lockPath: string, now: () => Date, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(lockPath) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const tail = prev.then(() => mine);
  queues.set(lockPath, tail);
  await prev;
  try {
    return await withFileLock(fs, lockPath, now, fn);
  } finally {
    release();
    if (queues.get(lockPath) === tail) queues.delete(lockPath);
  }
}

/** Runs `fn` holding the lock file at `lockPath` (exclusive create; stale locks taken over). */
async function withFileLock<T>(fs: FilePort, lockPath: string, now: () => Date, fn: () => Promise<T>): Promise<T> {
  const token = `${process.pid}-${Date.now().toString(36)}-${++counter}-${Math.random().toString(36).slice(2)}`;
  const info: LockInfo = { pid: process.pid, host: hostname(), time: now().toISOString(), token };
  const body = Buffer.from(JSON.stringify(info));
  let waited = 0;
  let delay = 2;
  for (;;) {
    // A stat first: the exclusive write is a full atomic write (temp file, fsync, link), and 200
    // waiters retrying it flooded the disk with fsyncs that slowed the holder down (5x per issuance).
    if (!(await fs.stat(lockPath))) {
      try {
        await fs.writeFile(lockPath, body, { exclusive: true });
        break;
      } catch (e) {
        if (!isPkiError(e, 'exists')) throw e;
      }
    }
    // Someone holds it: take it over if stale.
    let holder: LockInfo | undefined;
    try {
      holder = JSON.parse(Buffer.from(await fs.readFile(lockPath)).toString('utf8')) as LockInfo;
    } catch {
      holder = undefined; // being written or removed right now: wait
    }
    if (holder && isStale(holder, now())) {
      await fs.remove(lockPath).catch(() => undefined);
      continue;
    }
    if (waited > MAX_WAIT_MS) throw new PkiError('locked', `The CA is locked by another issuance (${lockPath}); remove the file if no other workspace-ca is running`);
    await new Promise((r) => setTimeout(r, delay));
    waited += delay;
    delay = Math.min(delay * 2, 50);
  }
  try {
    return await fn();
  } finally {
    await fs.remove(lockPath).catch(() => undefined);
  }
}

/**
 * On this host the holder's pid decides: a lock is stale exactly when its process is gone. The
 * age is only used for a holder on another host (a CA folder on a network share), whose pid
 * cannot be checked. Comparing the age on this host too broke live locks: two processes with
 * different clocks (an injected clock, or skew) each saw the other's fresh lock as "older than a
 * minute", took it over, and signed two certificates with the same serial (issue 9 test
 * "4 CLI processes × 25 issuances ...").
 */
function isStale(h: LockInfo, now: Date): boolean {
  if (h.host === hostname()) return typeof h.pid === 'number' && !alive(h.pid);
  const t = Date.parse(h.time);
  return Number.isFinite(t) && now.getTime() - t > STALE_MS;
}

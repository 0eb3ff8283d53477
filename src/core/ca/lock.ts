/**
 * A lock file per issuing CA so concurrent issuances (async in one process, or several CLI
 * processes) get distinct serials and a well-formed index. Stale locks (holder gone, or older
 * than STALE_MS by the caller's clock) are taken over.
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let counter = 0;

/** Runs `fn` holding the lock at `lockPath`. */
export async function withLock<T>(fs: FilePort, lockPath: string, now: () => Date, fn: () => Promise<T>): Promise<T> {
  const token = `${process.pid}-${Date.now().toString(36)}-${++counter}-${Math.random().toString(36).slice(2)}`;
  const info: LockInfo = { pid: process.pid, host: hostname(), time: now().toISOString(), token };
  const body = Buffer.from(JSON.stringify(info));
  let waited = 0;
  let delay = 2;
  for (;;) {
    try {
      await fs.writeFile(lockPath, body, { exclusive: true });
      break;
    } catch (e) {
      if (!isPkiError(e, 'exists')) throw e;
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

function isStale(h: LockInfo, now: Date): boolean {
  if (h.host === hostname() && typeof h.pid === 'number' && !alive(h.pid)) return true;
  const t = Date.parse(h.time);
  return Number.isFinite(t) && now.getTime() - t > STALE_MS;
}

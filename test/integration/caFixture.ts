/**
 * CA fixtures for the deploy and watch suites: a root + intermediate CA made by core in a folder of
 * the test workspace at a fixed time (STYLE.md §10), leaves issued at that time with chosen
 * lifetimes. Each suite makes its own folder and removes it afterwards.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CaContext, createIntermediate, initRoot, issue, revoke } from '../../src/core/ca/ca';
import { San } from '../../src/core/san';
import { NodeFilePort } from '../../src/node/nodeFilePort';

export const ROOT_PASS = 'root-pass';
export const INTER_PASS = 'inter-pass';

export interface CaFixture {
  /** The CA folder (root; the intermediate is in <dir>/intermediate). */
  dir: string;
  ctx: CaContext;
  /** Issues a leaf from the intermediate; returns the certificate and key paths. */
  leaf(cn: string, o?: { days?: number; sans?: San[]; keyPassphrase?: string; profile?: 'server' | 'client' }): Promise<{ cert: string; key: string }>;
  revoke(certPath: string, reason?: 'keyCompromise' | 'superseded'): Promise<void>;
  remove(): void;
}

export async function makeCa(dir: string, names: { root: string; intermediate: string }, at: Date): Promise<CaFixture> {
  fs.rmSync(dir, { recursive: true, force: true });
  const ctx: CaContext = {
    fs: new NodeFilePort(),
    now: () => at,
    caPassphrase: async (purpose) => (/intermediate/i.test(purpose) ? INTER_PASS : ROOT_PASS),
  };
  await initRoot(ctx, dir, { subject: { CN: names.root, O: 'Workspace CA Tests' }, keyType: 'p256', passphrase: ROOT_PASS });
  await createIntermediate(ctx, dir, { subject: { CN: names.intermediate }, keyType: 'p256', passphrase: INTER_PASS });
  return {
    dir,
    ctx,
    async leaf(cn, o = {}) {
      const r = await issue(ctx, dir, { profile: o.profile ?? 'server', subject: { CN: cn }, sans: o.sans, keyType: 'p256', days: o.days, keyPassphrase: o.keyPassphrase });
      return { cert: r.certPath, key: r.keyPath };
    },
    async revoke(certPath, reason = 'keyCompromise') {
      await revoke(ctx, dir, fs.readFileSync(certPath), reason);
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Days after `d`. */
export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}

export const rel = (ws: string, p: string) => path.relative(ws, p).split(path.sep).join('/');

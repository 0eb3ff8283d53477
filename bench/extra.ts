/** Rows that live with their subsystems (verification, CA model, extension). */
import { extensionRows } from './extension';
import { Row, repeat } from './harness';
import { BenchOptions } from './rows';
import { benchVerify } from './verify';

/** leaf → intermediate → root with all checks, in-process vs one `openssl verify` call with every leaf. */
async function verifyRows(o: BenchOptions): Promise<Row[]> {
  let peer = 0;
  const ours = await repeat(Math.min(o.runs, 3), async () => {
    const r = await benchVerify({ leaves: o.quick ? 300 : 1000, seconds: o.quick ? 1 : 2 });
    peer = Math.max(peer, r.opensslPerSec);
    return r.oursPerSec;
  });
  const ratio = ours.median / peer;
  return [{ name: 'verify leaf → intermediate → root, all checks (RSA-2048)', unit: 'validations/s', ours: ours.median, oursMin: ours.min, peer, peerName: 'openssl verify, all leaves in one call', ratio, target: '>= 10,000/s and >= 3x', met: ours.median >= 10000 && ratio >= 3 }];
}

export const EXTRA_ROWS: [string, (o: BenchOptions) => Promise<Row[]>][] = [
  ['verify', verifyRows],
  ['extension', extensionRows],
];

import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** A root + intermediate made by our CLI (as users would), in `dir/ca`. */
export async function cliInit(repoRoot: string, dir: string): Promise<string> {
  const cli = path.join(repoRoot, 'dist', 'cli.js');
  execFileSync(process.execPath, [cli, 'init', 'ca', '--cn', 'Bench Root', '--key-type', 'p256'], { cwd: dir, stdio: 'ignore' });
  execFileSync(process.execPath, [cli, 'intermediate', 'ca', '--cn', 'Bench Intermediate', '--key-type', 'p256'], { cwd: dir, stdio: 'ignore' });
  return path.join(dir, 'ca');
}

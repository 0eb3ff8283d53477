/**
 * Desktop runner for the same integration suite, with @vscode/test-electron (it downloads VS Code
 * 1.100.x, so it needs the internet; CI uses test/host/run-integration.mjs with code-server instead).
 *
 *   npm run test:electron
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  // bundled to out/test/integration/runTest.js
  const repo = path.resolve(__dirname, '../../..');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'workspace-ca-electron-'));
  try {
    execFileSync(process.execPath, [path.join(repo, 'test/host/seed-ca.mjs'), path.join(workspace, 'openssl-ca')], { stdio: 'inherit' });
    await runTests({
      version: '1.100.3',
      extensionDevelopmentPath: repo,
      extensionTestsPath: path.join(__dirname, 'index.js'),
      extensionTestsEnv: { WORKSPACE_CA_TEST_PASS: 'trusted' },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error('Integration tests failed:', e);
  process.exit(1);
});

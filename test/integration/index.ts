/**
 * Entry point the extension host loads (extensionTestsPath): run() resolves when every test passed.
 * Pass "trusted" runs every *.test.js except untrusted.test.js; pass "untrusted" (Workspace Trust on,
 * folder not trusted) runs only that one. WORKSPACE_CA_TEST_GREP filters by test title.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const untrusted = process.env.WORKSPACE_CA_TEST_PASS === 'untrusted';
  // spec reporter -> process.stdout -> the workbench log -> the runner's terminal
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec', timeout: 30000 });
  if (process.env.WORKSPACE_CA_TEST_GREP) mocha.grep(process.env.WORKSPACE_CA_TEST_GREP);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js') && (f === 'untrusted.test.js') === untrusted)
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    } catch (e) {
      reject(e);
    }
  });
}

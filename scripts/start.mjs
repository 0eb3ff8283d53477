#!/usr/bin/env node
// `npm start`: build, prepare demo/ (a workspace holding a CA made by our CLI), and open it in a real
// VS Code — code-server 4.100.3 on 127.0.0.1 — with this repository loaded as the extension under
// development. Prints the URL; runs until Ctrl-C, then stops code-server and removes its state.
//
//   npm start [-- --port 8080] [-- --fresh]      (--fresh recreates demo/)
//
// code-server comes from test/host/install-code-server.sh (run here, ~3 s when already installed).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, log, mkRunDir, onShutdown, parseArgs, run, startCodeServer, workbenchUrl } from '../test/host/lib.mjs';

let opts;
try {
  opts = parseArgs(process.argv.slice(2), { port: 'value', fresh: 'flag', help: 'flag' });
} catch (e) {
  console.error(`${e.message}\nusage: npm start [-- --port <n>] [-- --fresh]`);
  process.exit(2);
}
if (opts.help) {
  console.log('usage: npm start [-- --port <n>] [-- --fresh]');
  process.exit(0);
}

const demo = path.join(REPO_ROOT, 'demo');
const cli = (...args) => run(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), ...args]);

await run('bash', [path.join(REPO_ROOT, 'test/host/install-code-server.sh')], { env: { ...process.env, INSTALL_CHROMIUM: '0' } });
await run(process.execPath, [path.join(REPO_ROOT, 'esbuild.js')]);

if (opts.fresh) fs.rmSync(demo, { recursive: true, force: true });
if (!fs.existsSync(path.join(demo, 'ca/certs/ca.cert.pem'))) {
  log('creating demo/ca with the workspace-ca CLI');
  fs.rmSync(path.join(demo, 'ca'), { recursive: true, force: true });
  fs.mkdirSync(demo, { recursive: true });
  await cli('init', 'demo/ca', '--cn', 'Demo Root CA');
  await cli('intermediate', 'demo/ca', '--cn', 'Demo Intermediate CA');
  await cli('issue', 'demo/ca', '--cn', 'www.demo.test', '--san', 'DNS:www.demo.test,IP:127.0.0.1', '--profile', 'server');
  await cli('issue', 'demo/ca', '--cn', 'old.demo.test', '--profile', 'server');
  await cli('revoke', 'demo/ca', 'demo/ca/intermediate/certs/old.demo.test.cert.pem', '--reason', 'superseded');
  await cli('crl', 'demo/ca');
  fs.writeFileSync(path.join(demo, 'README.md'), '# Workspace CA demo\n\n`ca/` was made by `workspace-ca init`, `intermediate`, `issue`, `revoke` and `crl`. Open the Workspace CA view in the activity bar.\n');
}

const runDir = mkRunDir('workspace-ca-start-');
let server;
const shutdown = onShutdown(async () => {
  await server?.stop();
  fs.rmSync(runDir, { recursive: true, force: true });
});
try {
  server = await startCodeServer({ runDir, port: Number(opts.port ?? process.env.PORT ?? 0) || undefined });
} catch (e) {
  console.error(e.message);
  await shutdown(1);
}
const url = workbenchUrl({ server, workspace: demo, extensionDevelopmentPath: REPO_ROOT });
console.log(`\nWorkspace CA is running in VS Code (code-server ${server.port}, pid ${server.pid}). Open:\n\n  ${url}\n\nRebuild with \`npm run build\` and reload the window (F1 > Developer: Reload Window) to pick up changes. Ctrl-C stops it.\n`);
// stay up until a signal; onShutdown stops code-server and removes its state
await new Promise(() => {});

// Bundles test/servers/*.test.ts into out/test/servers/ for mocha (same settings as esbuild.js).
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';

const entryPoints = readdirSync('test/servers').filter((f) => f.endsWith('.test.ts')).map((f) => `test/servers/${f}`);
await esbuild.build({ entryPoints, bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, outdir: 'out/test/servers', external: ['mocha'], logLevel: 'warning' });

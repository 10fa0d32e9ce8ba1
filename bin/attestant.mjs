#!/usr/bin/env node
// The CLI and the service run the compiled bundle in dist/ (built by `npm ci`, see
// scripts/build.mjs); when the sources changed since, it is rebuilt first (esbuild, well under a
// second), so a checkout never runs stale code.
import { buildDist, isFresh } from '../scripts/build.mjs';

if (!isFresh()) await buildDist();
const { main } = await import('../dist/attestant.js');
process.exitCode = await main(process.argv.slice(2));

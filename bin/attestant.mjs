#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx (one code path for dev, tests and production;
// Prisma 7's generated client is TypeScript with .ts imports).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

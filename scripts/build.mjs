// Compiles src/ into dist/ (esbuild: one ESM bundle with a chunk per lazily loaded command;
// packages stay external). The service runs the compiled JavaScript: running TypeScript through
// tsx costs a module-hooks thread, about 35 MB of resident memory, in every process. Tests and
// scripts keep using tsx on the sources.
//
//   node scripts/build.mjs          build if any input is newer than the last build
//   node scripts/build.mjs --force  build unconditionally
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
const metaFile = join(outdir, 'meta.json');

/** True when dist/ was built from the current sources (every input older than the build). */
export function isFresh() {
  if (!existsSync(metaFile)) return false;
  const builtAt = statSync(metaFile).mtimeMs;
  const { inputs } = JSON.parse(readFileSync(metaFile, 'utf8'));
  for (const input of Object.keys(inputs)) {
    let m;
    try { m = statSync(join(root, input)).mtimeMs; } catch { return false; }
    if (m > builtAt) return false;
  }
  return true;
}

export async function buildDist() {
  // Imported here, not at the top: the CLI checks freshness on every start and rarely builds.
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: { attestant: 'src/cli/main.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    // Bundled ESM has no require(); a few dependencies are CommonJS-only at their import sites.
    banner: { js: "import { createRequire as __attestantCreateRequire } from 'node:module'; const require = __attestantCreateRequire(import.meta.url);" },
  });
  writeFileSync(metaFile, JSON.stringify(result.metafile));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // An install without the sources (the Dockerfile's dependency stage) has nothing to build.
  if (!existsSync(join(root, 'src', 'cli', 'main.ts'))) process.exit(0);
  if (process.argv.includes('--force') || !isFresh()) await buildDist();
}

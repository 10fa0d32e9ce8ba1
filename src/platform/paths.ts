// Files the service reads at run time (migrations, bundled schemas) are located from the project
// root, not from the importing module: the same code runs from src/ (tsx) and from the bundle in
// dist/, whose modules sit at a different depth.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'prisma', 'migrations'))) return dir;
    if (dirname(dir) === dir) throw new Error(`attestant: no project root above ${from}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

export function projectPath(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}

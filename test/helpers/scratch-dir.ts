// A temporary directory for one test file, removed when the file's process exits (the test runner
// runs each file in a process of its own), so that test runs leave nothing behind in the system's
// temporary directory: before, each `npm test` left 27 directories there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

// The tests' temporary directories are removed when a test file's process exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

test('a scratch directory exists while its process runs and is gone after it exits', () => {
  const helper = fileURLToPath(new URL('../helpers/scratch-dir.ts', import.meta.url));
  const script = `import { scratchDir } from ${JSON.stringify(helper)}; import { writeFileSync, existsSync } from 'node:fs';
    const d = scratchDir('attestant-scratch-test-'); writeFileSync(d + '/f', 'x'); console.log(d, existsSync(d + '/f'));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
  const [dir, existed] = out.split(' ');
  assert.equal(existed, 'true');
  assert.ok(dir && dir.includes('attestant-scratch-test-'), out);
  assert.equal(existsSync(dir!), false);
});

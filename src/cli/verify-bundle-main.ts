// Stand-alone entry for the conformance protocol, for local testing:
//   node --import tsx src/cli/verify-bundle-main.ts verify-bundle --bundle ...
import { runVerifyBundle } from './verify-bundle.ts';

const code = await runVerifyBundle(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
process.exitCode = code;

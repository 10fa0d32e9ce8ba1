// The trust material in force, built once at start and swapped atomically on reload.
import { createHash } from 'node:crypto';
import { buildTrust, readTrustSource, type Trust, type TrustSource } from '../verify/index.ts';
import { FileBacked } from '../platform/file-backed.ts';

export class TrustStore extends FileBacked<Trust> {
  constructor(configPath: string | undefined) {
    super(
      () => {
        const source = readTrustSource(configPath);
        return { value: buildTrust(source), digest: sourceDigest(source) };
      },
      // The file and every file it names; a configuration that cannot be read is a change too.
      () => {
        try {
          return sourceDigest(readTrustSource(configPath));
        } catch (e) {
          return `unreadable: ${(e as Error).message}`;
        }
      },
    );
  }

  get trust(): Trust {
    return this.value;
  }
}

function sourceDigest(source: TrustSource): string {
  return createHash('sha256').update(JSON.stringify(source)).digest('hex');
}

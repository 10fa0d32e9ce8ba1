// A full garbage collection on demand. Used only between the phases of a very large ingest, where
// V8 would otherwise grow the heap for the next phase instead of first reclaiming the previous
// phase's garbage (a 50 MB SBOM's parse tree is ~150 MB): peak memory, not speed, is what matters
// there. --expose-gc is switched on for a fresh context, so the process needs no start-up flag.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

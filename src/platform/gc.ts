// A full garbage collection on demand. Used only while a very large upload streams through ingest
// (spilled to disk), where V8 would otherwise grow the heap with each batch's garbage, and let
// off-heap chunks pile up, instead of reclaiming them: peak memory, not speed, is what matters
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

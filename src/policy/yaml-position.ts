import { isMap, isSeq, isScalar } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

/**
 * Maps a JSON pointer into a parsed YAML document to a 1-based line/column,
 * using the source ranges `yaml` keeps on every node.
 *
 * `at: 'key'` points at the mapping key (what you want for "unknown field"
 * errors); `at: 'value'` at the value. When the pointer runs past the document
 * (a missing required field) the deepest existing node is used.
 */
export function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function positionOf(
  doc: Document,
  lc: LineCounter,
  pointer: string,
  at: 'key' | 'value' = 'value',
): { line: number; column: number } {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  const tokens = decodePointer(pointer);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    const last = i === tokens.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === t);
      if (!pair) break;
      const keyStart = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      if (last && at === 'key' && keyStart !== undefined) {
        offset = keyStart;
        break;
      }
      const valueStart = (pair.value as Node | null)?.range?.[0];
      offset = valueStart ?? keyStart ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(t)] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const p = lc.linePos(offset);
  return { line: p.line, column: p.col };
}

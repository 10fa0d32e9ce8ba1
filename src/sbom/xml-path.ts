// Maps line numbers reported by libxml2 (schema validation errors) to element paths such as
// /bom/components/component[3]/name, so XML findings point at an element like JSON findings do.

const TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>|<(\/?)([A-Za-z_][\w.:-]*)(?:\s[^>]*?)?(\/?)>/g;

/**
 * One linear pass over the document: for each requested line, the path of the first element
 * that starts on that line (or, failing that, the element open at the end of the line).
 * Namespace prefixes are dropped; [n] is the 1-based position among same-named siblings.
 */
export function xmlPathsAtLines(text: string, lines: readonly number[]): Map<number, string> {
  const wanted = new Set(lines);
  const out = new Map<number, string>();
  if (wanted.size === 0) return out;
  const maxLine = Math.max(...wanted);
  const stack: Array<{ seg: string; counts: Map<string, number> }> = [{ seg: '', counts: new Map() }];
  const path = () => stack.slice(1).map((s) => s.seg).join('/');
  let line = 1;
  let pos = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    for (let i = text.indexOf('\n', pos); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) {
      if (wanted.has(line) && !out.has(line)) out.set(line, '/' + path());
      line++;
    }
    pos = m.index;
    if (line > maxLine) break;
    const name = m[2];
    if (name !== undefined) {
      const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
      if (m[1] === '/') {
        if (stack.length > 1) stack.pop();
      } else {
        const parent = stack[stack.length - 1]!;
        const n = (parent.counts.get(local) ?? 0) + 1;
        parent.counts.set(local, n);
        stack.push({ seg: `${local}[${n}]`, counts: new Map() });
        if (wanted.has(line) && !out.has(line)) out.set(line, '/' + path());
        if (m[3] === '/') stack.pop();
      }
    }
  }
  return out;
}

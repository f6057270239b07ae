/** Where things are in JSON text: the span of each JSON pointer (for problems), and the path at the cursor (for completion). */

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Spans of every value in valid JSON text, by JSON pointer; a property's span starts at its key. */
export function pointerSpans(text: string): Map<string, { from: number; to: number }> {
  const spans = new Map<string, { from: number; to: number }>();
  let i = 0;
  const ws = () => { while (i < text.length && /\s/.test(text[i]!)) i++; };
  const str = () => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (pointer: string, from: number): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      while (text[i] !== '}' && i < text.length) {
        ws();
        const keyStart = i;
        const key = str();
        ws();
        i++; // :
        value(`${pointer}/${escape(key)}`, keyStart);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      i++;
      let n = 0;
      ws();
      while (text[i] !== ']' && i < text.length) {
        ws();
        value(`${pointer}/${n++}`, i);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '"') str();
    else while (i < text.length && !/[\s,}\]]/.test(text[i]!)) i++;
    spans.set(pointer, { from, to: i });
  };
  try {
    ws();
    value('', i);
  } catch {
    // Invalid text: the spans found so far are still right.
  }
  return spans;
}

/** The span for a pointer, or the nearest enclosing one that exists. */
export function spanOf(spans: Map<string, { from: number; to: number }>, pointer: string): { from: number; to: number } | undefined {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const s = spans.get(p);
    if (s) return s;
    if (!p) return undefined;
  }
}

/** The object path around a cursor in possibly unfinished JSON, and whether the cursor is where a key goes. */
export function pathAt(text: string, pos: number): { path: string[]; inKey: boolean } {
  const stack: { kind: '{' | '['; key?: string; index: number }[] = [];
  let lastString: string | undefined;
  let expectKey = false;
  for (let i = 0; i < pos; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i++;
      while (i < pos && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= pos) return { path: names(stack), inKey: expectKey };
      try { lastString = JSON.parse(text.slice(start, i + 1)) as string; } catch { lastString = undefined; }
      continue;
    }
    if (c === '{') { stack.push({ kind: '{', index: 0 }); expectKey = true; }
    else if (c === '[') { stack.push({ kind: '[', index: 0 }); expectKey = false; }
    else if (c === '}' || c === ']') { stack.pop(); expectKey = false; }
    else if (c === ':') { const top = stack.at(-1); if (top) top.key = lastString; expectKey = false; }
    else if (c === ',') { const top = stack.at(-1); if (top?.kind === '[') top.index++; expectKey = top?.kind === '{'; }
  }
  return { path: names(stack), inKey: expectKey };
}

/** The keys leading to the innermost open container (the container's own key is its parent's). */
function names(stack: { kind: '{' | '['; key?: string; index: number }[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < stack.length - 1; i++) {
    const s = stack[i]!;
    out.push(s.kind === '[' ? String(s.index) : s.key ?? '');
  }
  return out;
}

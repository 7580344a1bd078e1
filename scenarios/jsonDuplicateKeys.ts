// A repeated key in a JSON object is ambiguous (JSON.parse keeps the last one, other readers the
// first), so hashpivot refuses it in JSON as it does in YAML: in a scenario file and in summary.json.
// JSON.parse cannot tell (its reviver sees the finished object), hence this scan of the text.

/** Where a repeated key was found: the key (decoded) and the line and column of its second use. */
export interface DuplicateKey {
  key: string;
  line: number;
  column: number;
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The first key that appears twice in one object of `text`, or null. `text` must be valid JSON
 * (call it after JSON.parse succeeded); keys are compared decoded, so "a" and "\u0061" repeat.
 * One pass over the text, no recursion: a deeply nested file cannot overflow the stack.
 */
export function findDuplicateJsonKey(text: string): DuplicateKey | null {
  const objects: (Set<string> | null)[] = []; // null: an array
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) objects.push(new Set());
    else if (c === 0x5b) objects.push(null);
    else if (c === 0x7d || c === 0x5d) objects.pop();
    else if (c === 0x22) {
      let end = i + 1;
      let escaped = false;
      while (end < text.length) {
        const d = text.charCodeAt(end);
        if (d === 0x5c) {
          escaped = true;
          end += 2;
          continue;
        }
        if (d === 0x22) break;
        end++;
      }
      const keys = objects[objects.length - 1];
      let next = end + 1;
      while (next < text.length && isSpace(text.charCodeAt(next))) next++;
      // In valid JSON a string followed by ':' is a key.
      if (keys && text.charCodeAt(next) === 0x3a) {
        const key = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        if (keys.has(key)) return { key, ...position(text, i) };
        keys.add(key);
      }
      i = end;
    }
  }
  return null;
}

/**
 * How deeply a JSON text nests, read from its bytes without parsing it. The diff walks values
 * recursively; a state nested 100,000 deep overflowed the stack and answered 500. Counting first
 * lets it refuse such a state with a clear answer. Pure, one pass, no allocation: a UTF-8 byte
 * below 0x80 is always that ASCII character (multi-byte sequences use only bytes ≥ 0x80).
 */

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of objects and arrays in `bytes` (a scalar document is 0), stopping once it passes `stopAbove`. */
export function jsonDepth(bytes: Uint8Array, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) depth--;
  }
  return deepest;
}

// The nesting bound of the engine's JSON input (program and input log): every validator, canonical
// renderer and operator recurses over values, so a 100,000-deep array would overflow the stack in
// whichever came first. Checked on the text, before JSON.parse, in one pass.

/** Arrays and objects nested deeper than this are refused (SEMANTICS.md, "Bounds"). */
export const JSON_NESTING_DEPTH_MAX = 64;

/** The deepest nesting of [ and { in JSON text (strings skipped), stopping early once past limit. */
export function jsonNestingDepth(text: string, limit = JSON_NESTING_DEPTH_MAX): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

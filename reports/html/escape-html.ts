// Text for HTML (element text and double-quoted attribute values alike, SVG included). Everything a
// SUT controls passes through here: markup characters become entities, and control characters (ANSI
// escapes, bidi overrides) become visible \xNN / \uNNNN text instead of steering the terminal-like view.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** C0 controls but tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates, BOM. */
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

export function escapeHtml(text: string): string {
  return text
    .replace(INVISIBLE, (c) => {
      const code = c.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    })
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

// The one escaping of text a SUT controls (its name, stderr, paths, messages) for a terminal: every
// control character (C0, DEL, C1: escape sequences that clear the screen, move the cursor or retitle
// the window) and every bidirectional override becomes a visible \uXXXX; newlines and tabs are kept
// only when the caller prints several lines of its own.

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_AND_LINES = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const visible = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** text with control characters made visible; multiline keeps \n and \t (the caller's own line breaks). */
export function terminalSafe(text: string, multiline = false): string {
  return text.replace(multiline ? CONTROL : CONTROL_AND_LINES, visible);
}

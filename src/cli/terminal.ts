/**
 * Text from certificates is attacker-controlled (issue 9.4): written raw, an ESC sequence clears
 * or recolours the terminal, a CR or newline forges a line ("Verified OK"), and U+202E reverses
 * what follows ("invoice\u202Egpj.exe" displays as "invoiceexe.jpg"). The CLI prints such text
 * with these characters escaped, visibly and readably: \x1b, \n, \u202e.
 */

/** C0 controls, DEL, C1 controls, and the bidirectional formatting characters (Unicode UAX #9). */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_FIELD = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same minus line feed and tab, for whole output text (lines the CLI itself laid out). */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const n = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** One field value (a name, a SAN): every control and bidi character escaped, newlines too. */
export function safeField(s: string): string {
  return s.replace(UNSAFE_IN_FIELD, escapeChar);
}

/** Output text laid out by the CLI: controls and bidi characters escaped, its own newlines and tabs kept. */
export function safeText(s: string): string {
  return s.replace(UNSAFE_IN_TEXT, escapeChar);
}

/** JSON for the terminal: JSON.stringify escapes C0 but leaves C1 and bidi characters raw. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_TEXT, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

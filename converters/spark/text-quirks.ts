/**
 * Encoding oddities of the release (spec §9.6) that an importer keeps byte for byte but reports:
 * C1 control characters (mojibake: UTF-8 read as Latin-1), U+FFFD, NUL and other control
 * characters. Works on raw JSON text, where NUL and C0 controls appear as `\u00XX` escapes
 * (JSON forbids them raw) and C1 characters and U+FFFD appear as themselves, and on plain text
 * (SKILL.md), where everything appears raw.
 */

/** What {@link scanTextQuirks} found, as counts. */
export interface TextQuirks {
  /** C1 control characters U+0080–U+009F. */
  c1: number;
  /** U+FFFD replacement characters. */
  replacement: number;
  /** `\u0000` escapes (NUL once decoded, at whatever nesting depth). */
  nul: number;
  /** Escapes of other C0 controls than tab, newline, carriage return and ESC (ANSI colours are expected). */
  control: number;
}

const GATE = /[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\u0080-\u009f\ufffd]|\\u00[01]/;
const RAW_CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f]/g;
const RAW_NUL = /\u0000/g;
const C1 = /[\u0080-\u009f]/g;
const REPLACEMENT = /\ufffd/g;
const ESCAPED_CONTROL = /\\u00([01][0-9a-fA-F])/g;

function count(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let n = 0;
  while (pattern.exec(text)) n++;
  return n;
}

/** Counts the quirks in `text`, or undefined when there are none (the common, cheap case). */
export function scanTextQuirks(text: string): TextQuirks | undefined {
  if (!GATE.test(text)) return undefined;
  let nul = 0;
  let control = 0;
  ESCAPED_CONTROL.lastIndex = 0;
  for (let m = ESCAPED_CONTROL.exec(text); m; m = ESCAPED_CONTROL.exec(text)) {
    const code = parseInt(m[1], 16);
    if (code === 0) nul++;
    else if (code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x1b) control++;
  }
  // Raw controls only occur in non-JSON text (SKILL.md); JSON must escape them.
  nul += count(text, RAW_NUL);
  control += count(text, RAW_CONTROL);
  const quirks = { c1: count(text, C1), replacement: count(text, REPLACEMENT), nul, control };
  return quirks.c1 + quirks.replacement + quirks.nul + quirks.control > 0 ? quirks : undefined;
}

/** The 1-based line of character `index` in `text`. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

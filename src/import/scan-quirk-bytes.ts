/**
 * Encoding oddities of the SPARK release (spec §9.6) that the importer keeps byte for byte but
 * reports: C1 control characters (mojibake: UTF-8 read as Latin-1, then written as UTF-8),
 * U+FFFD, NUL and other control characters, and escaped lone UTF-16 surrogates (valid JSON, not
 * valid Unicode: kept in JSON output, but Parquet/DuckDB refuse them). Works on the raw bytes with native searches, so it
 * costs almost nothing next to JSON.parse. In JSON text NUL and C0 controls can only appear as
 * `\u00XX` escapes (at any nesting depth: a nested escape is `\\u00XX`, which contains one);
 * in plain text (SKILL.md) they appear raw.
 */

/** What a hit is. */
export type QuirkKind = 'c1' | 'replacement' | 'nul' | 'control' | 'surrogate';

/** One quirk at a byte offset. */
export interface QuirkHit {
  kind: QuirkKind;
  offset: number;
}

const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);
const ESCAPE = Buffer.from('\\u', 'latin1');

function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return -1;
}

/** Tab, newline, carriage return and ESC (ANSI colours in verifier output) are expected. */
function isExpectedControl(code: number): boolean {
  return code === 0x09 || code === 0x0a || code === 0x0d || code === 0x1b;
}

const HIGH = (byte: number) => (byte >= 0x38 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x62) || (byte >= 0x41 && byte <= 0x42);
const LOW = (byte: number) => (byte >= 0x63 && byte <= 0x66) || (byte >= 0x43 && byte <= 0x46);

/** Whether the `\ud…` escape at `i` is half of no pair (nested JSON doubles the backslashes). */
function isLoneSurrogateEscape(buf: Buffer, i: number): boolean {
  const kind = buf[i + 3];
  if (HIGH(kind)) {
    let j = i + 6;
    while (buf[j] === 0x5c) j++;
    return !(j > i + 6 && buf[j] === 0x75 && (buf[j + 1] === 0x64 || buf[j + 1] === 0x44) && LOW(buf[j + 2]));
  }
  if (LOW(kind)) {
    // Paired when a high escape ends right before this one's backslashes.
    let j = i;
    while (j > 0 && buf[j - 1] === 0x5c) j--;
    const h = j - 6;
    return !(h >= 0 && buf[h + 1] === 0x75 && (buf[h + 2] === 0x64 || buf[h + 2] === 0x44) && HIGH(buf[h + 3]) && buf[h] === 0x5c);
  }
  return false;
}

/**
 * The quirks in `bytes`, in no particular order. `raw` also looks for raw control bytes (plain
 * text; JSON cannot hold them).
 */
export function scanQuirkBytes(bytes: Uint8Array, options: { raw?: boolean } = {}): QuirkHit[] {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hits: QuirkHit[] = [];
  // U+0080–U+009F are C2 80 … C2 9F in UTF-8.
  for (let i = buf.indexOf(0xc2); i !== -1; i = buf.indexOf(0xc2, i + 1)) {
    const next = buf[i + 1];
    if (next >= 0x80 && next <= 0x9f) hits.push({ kind: 'c1', offset: i });
  }
  for (let i = buf.indexOf(REPLACEMENT); i !== -1; i = buf.indexOf(REPLACEMENT, i + 3)) hits.push({ kind: 'replacement', offset: i });
  // One pass over `\u` escapes (backslashes are everywhere in nested JSON, so each search
  // for a pattern starting with one costs a full scan): NUL and control escapes, surrogates.
  for (let i = buf.indexOf(ESCAPE); i !== -1; i = buf.indexOf(ESCAPE, i + 2)) {
    const first = buf[i + 2];
    if (first === 0x30 && buf[i + 3] === 0x30) {
      const high = hexDigit(buf[i + 4]);
      const low = hexDigit(buf[i + 5]);
      if (high < 0 || high > 1 || low < 0) continue;
      const code = high * 16 + low;
      if (code === 0) hits.push({ kind: 'nul', offset: i });
      else if (!isExpectedControl(code)) hits.push({ kind: 'control', offset: i });
    } else if ((first === 0x64 || first === 0x44) && isLoneSurrogateEscape(buf, i)) {
      hits.push({ kind: 'surrogate', offset: i });
    }
  }
  if (options.raw) {
    for (let i = 0; i < buf.length; i++) {
      const byte = buf[i];
      if (byte >= 0x20 || isExpectedControl(byte)) continue;
      hits.push({ kind: byte === 0 ? 'nul' : 'control', offset: i });
    }
  }
  return hits;
}

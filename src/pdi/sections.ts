/**
 * Characters Python's `str.strip()` removes: general category Zs, or bidirectional class WS,
 * B or S. SPARK trims with Python, so this differs from JS `trim()` on purpose: U+001C–U+001F
 * and U+0085 are stripped, U+FEFF is not.
 */
const PY_WHITESPACE = '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const PY_WHITESPACE_SET = new Set(PY_WHITESPACE);

/** Python's `str.strip()`: removes {@link PY_WHITESPACE} characters at both ends. */
export function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PY_WHITESPACE_SET.has(text[start]!)) start++;
  while (end > start && PY_WHITESPACE_SET.has(text[end - 1]!)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** The memo sections the proxies read. */
export type MemoSectionTitle = 'Verified Facts' | 'Next Strategy';

/**
 * `section(x, title)` (spec §6.2): the body after the first occurrence of
 * `"### " + title + "\n"` anywhere in `text` (so `#### Verified Facts` matches too), up to the
 * next `"\n### "` or the end, stripped. `""` when the heading is absent — including memos
 * written with `\r\n`, whose headings never end in a bare `\n`.
 */
export function section(text: string, title: string): string {
  const marker = `### ${title}\n`;
  const at = text.indexOf(marker);
  if (at < 0) return '';
  const start = at + marker.length;
  const end = text.indexOf('\n### ', start);
  return pyStrip(end < 0 ? text.slice(start) : text.slice(start, end));
}

/** Python's `str.splitlines()` separators: \r\n, \n, \r, \v, \f, U+001C–U+001E, U+0085, U+2028, U+2029. */
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** The failure mark SPARK's test summaries put before a failed test. */
export const FAILED_MARK = '\u2717';

/**
 * `failed(t)` (spec §6.2): the set of failed-test strings of a test summary — every line
 * that, stripped, starts with ✗ (U+2717) contributes the rest of the line, stripped.
 */
export function failedTests(summary: string): Set<string> {
  const failed = new Set<string>();
  if (summary === '') return failed;
  for (const raw of summary.split(LINE_BREAK)) {
    const line = pyStrip(raw);
    if (line.startsWith(FAILED_MARK)) failed.add(pyStrip(line.slice(FAILED_MARK.length)));
  }
  return failed;
}

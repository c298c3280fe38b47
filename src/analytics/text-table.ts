/** Options of {@link formatTextTable}. */
export interface TextTableOptions {
  /** Longest cell shown, in terminal columns; longer text ends in `…` (default 60). */
  maxCellWidth?: number;
  /** Columns to right-align; default: columns whose non-null cells are all numbers. */
  rightAlign?: readonly boolean[];
}

/**
 * Renders rows as an aligned plain-text table for a terminal: a header, a rule, one line per
 * row. Control characters are shown escaped (`\n`, `\x00`), so one row is always one line;
 * wide (CJK, emoji) characters count as two columns. NULL shows as `NULL`.
 */
export function formatTextTable(header: readonly string[], rows: readonly (readonly unknown[])[], options: TextTableOptions = {}): string {
  const max = options.maxCellWidth ?? 60;
  const cells = rows.map((row) => header.map((_, i) => clip(displayCell(row[i]), max)));
  const heads = header.map((h) => clip(escapeControls(h), max));
  const right =
    options.rightAlign ??
    header.map((_, i) => rows.some((r) => r[i] !== null && r[i] !== undefined) && rows.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === 'number' || typeof r[i] === 'bigint'));
  const widths = heads.map((h, i) => Math.max(displayWidth(h), ...cells.map((row) => displayWidth(row[i]))));
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => {
        const pad = ' '.repeat(widths[i] - displayWidth(value));
        return right[i] ? pad + value : value + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(heads), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n') + '\n';
}

/** A cell as one line of text: strings escaped, numbers as JS prints them, objects as JSON. */
export function displayCell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return escapeControls(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return escapeControls(JSON.stringify(value));
}

/** Shows C0/C1 controls, DEL and lone surrogates as escapes, so they cannot move the cursor or break lines. */
export function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/** Terminal columns of `text`: wide East Asian characters and emoji take two, combining marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch.codePointAt(0)!);
  return width;
}

function charWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

function clip(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = '';
  let width = 0;
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0)!);
    if (width + w > max - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

/**
 * Codex runs every shell command as `/bin/bash -lc <script>`, quoting the script with the Rust
 * `shlex` crate. Undoing that gives the script the agent wrote (what a `code_action` should
 * hold); redoing it must give back the exact original string, which the importer checks.
 */

/** The wrapper Codex puts in front of every command (`["/bin/bash", "-lc", script]` joined). */
export const CODEX_SHELL_PREFIX = '/bin/bash -lc ';

/**
 * Parses `text` as exactly one POSIX shell word (single quotes, double quotes with their four
 * escapes, backslash escapes) and returns its value, or `undefined` when `text` is not one word.
 */
export function parseShellWord(text: string): string | undefined {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === SQ) {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return undefined;
      out += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === DQ) {
      i++;
      let chunkStart = i;
      for (;;) {
        // Jump to the next character that matters inside double quotes.
        const quote = text.indexOf('"', i);
        if (quote < 0) return undefined;
        const backslash = text.indexOf('\\', i);
        if (backslash < 0 || backslash > quote) {
          out += text.slice(chunkStart, quote);
          i = quote + 1;
          break;
        }
        const next = text.charCodeAt(backslash + 1);
        if (next === DOLLAR || next === BACKQUOTE || next === DQ || next === BACKSLASH || next === NEWLINE) {
          out += text.slice(chunkStart, backslash);
          // A backslash-newline inside double quotes is a line continuation: both vanish.
          if (next !== NEWLINE) out += text[backslash + 1];
          i = backslash + 2;
          chunkStart = i;
        } else {
          i = backslash + 1;
        }
      }
    } else if (c === BACKSLASH) {
      if (i + 1 >= n) return undefined;
      if (text.charCodeAt(i + 1) !== NEWLINE) out += text[i + 1];
      i += 2;
    } else if (c === 32 || c === 9 || c === NEWLINE) {
      return undefined;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

const SQ = 39;
const DQ = 34;
const DOLLAR = 36;
const BACKQUOTE = 96;
const BACKSLASH = 92;
const NEWLINE = 10;
const CARET = 94;
const BANG = 33;

/** Characters that end a single-quoted chunk in shlex's quoting. */
const SINGLE_BREAKERS = /['\\^]/;
/** A character that cannot stay unquoted. */
const NEEDS_QUOTES = /[^+\-./:@\]_0-9A-Za-z]/;

const UNQUOTED = 1;
const SINGLE = 2;
const DOUBLE = 4;

/** For each ASCII code, the quoting styles that can hold it (non-ASCII: single or double). */
const STYLES_OK = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    let ok = SINGLE | DOUBLE;
    const ch = String.fromCharCode(c);
    if (/[+\-./:@\]_0-9A-Za-z]/.test(ch)) ok |= UNQUOTED;
    if (c === SQ || c === CARET || c === BACKSLASH) ok &= ~SINGLE;
    if (c === CARET || c === BANG || c === DOLLAR || c === BACKQUOTE) ok &= ~DOUBLE;
    table[c] = ok;
  }
  return table;
})();

/**
 * Quotes `word` for a POSIX shell the way the `shlex` crate (1.3) does: it splits the word into
 * the longest chunks one quoting style can hold (bare, then single quotes, then double quotes)
 * and keeps `^`, `!`, `$` and backquotes out of double quotes.
 */
export function quoteShellWord(word: string): string {
  if (word === '') return "''";
  let out = '';
  let start = 0;
  const n = word.length;
  while (start < n) {
    let ok = UNQUOTED | SINGLE | DOUBLE;
    let i = start;
    // shlex never double-quotes a leading caret (a zsh escaping issue).
    if (word.charCodeAt(start) === CARET) {
      ok = SINGLE;
      i++;
    }
    for (; i < n; i++) {
      const c = word.charCodeAt(i);
      const cur = ok & (c < 128 ? STYLES_OK[c] : SINGLE | DOUBLE);
      if (cur === 0) break;
      ok = cur;
    }
    if (ok & UNQUOTED) {
      if (start === 0 && i === n) return word;
      out += word.slice(start, i);
    } else if (ok & SINGLE) {
      out += `'${word.slice(start, i)}'`;
    } else {
      out += `"${word.slice(start, i).replace(/[$`"\\]/g, '\\$&')}"`;
    }
    start = i;
  }
  return out;
}

/**
 * The script inside a Codex `/bin/bash -lc …` command, when unwrapping and re-quoting gives the
 * command back exactly; otherwise `undefined` (the caller keeps the raw command).
 */
export function unwrapCodexCommand(command: string): string | undefined {
  if (!command.startsWith(CODEX_SHELL_PREFIX)) return undefined;
  // Fast path for the common case, `'…'` around a script with no quote, backslash or caret:
  // shlex writes exactly that when some character needs quoting.
  const last = command.length - 1;
  if (command.charCodeAt(CODEX_SHELL_PREFIX.length) === SQ && command.charCodeAt(last) === SQ && last > CODEX_SHELL_PREFIX.length) {
    const inner = command.slice(CODEX_SHELL_PREFIX.length + 1, last);
    if (!SINGLE_BREAKERS.test(inner) && NEEDS_QUOTES.test(inner)) return inner;
  }
  const script = parseShellWord(command.slice(CODEX_SHELL_PREFIX.length));
  if (script === undefined) return undefined;
  return CODEX_SHELL_PREFIX + quoteShellWord(script) === command ? script : undefined;
}

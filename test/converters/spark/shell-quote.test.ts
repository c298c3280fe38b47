import { describe, expect, it } from 'vitest';
import { parseShellWord, quoteShellWord, unwrapCodexCommand } from '../../../converters/spark/shell-quote.js';

describe('quoteShellWord (shlex 1.3 style, as Codex writes commands)', () => {
  it.each([
    ['ls', 'ls'],
    ['', "''"],
    ['ls /root', "'ls /root'"],
    ["sed -n '1,200p' f.md", `"sed -n '1,200p' f.md"`],
    // $ and ` cannot go in double quotes, ' cannot go in single quotes: the word is split.
    ["echo '$HOME'", `"echo '"'$HOME'"'"`],
    ['a^b', "a'^b'"],
    ['^x', "'^x'"],
    ['echo !', "'echo !'"],
    // A backslash cannot go in single quotes (fish compatibility): double quotes with escapes.
    ['x="\\n"', '"x=\\"\\\\n\\""'],
  ])('%j → %s', (word, quoted) => {
    expect(quoteShellWord(word)).toBe(quoted);
    expect(parseShellWord(quoted)).toBe(word);
  });

  it('round-trips awkward scripts through a POSIX parse', () => {
    const scripts = [
      "python3 - <<'PY'\nprint('hi')\nPY",
      'printf "%s\\n" "$x" `date`',
      "grep -E '^(a|b)$' f | sed 's/\\\\/\\//g'",
      'cat <<EOF\n“smart” quotes ✓ and émoji 🚀\nEOF',
    ];
    for (const script of scripts) expect(parseShellWord(quoteShellWord(script))).toBe(script);
  });
});

describe('parseShellWord', () => {
  it('refuses text that is not exactly one word', () => {
    expect(parseShellWord("'a' 'b'")).toBeUndefined();
    expect(parseShellWord("'unterminated")).toBeUndefined();
    expect(parseShellWord('"unterminated')).toBeUndefined();
    expect(parseShellWord('a b')).toBeUndefined();
  });
  it('applies the four double-quote escapes and keeps other backslashes', () => {
    expect(parseShellWord('"a\\$b\\`c\\"d\\\\e\\nf"')).toBe('a$b`c"d\\e\\nf');
  });
});

describe('unwrapCodexCommand', () => {
  it('gives the script when re-quoting reproduces the command exactly', () => {
    expect(unwrapCodexCommand("/bin/bash -lc 'cat /app/problem.json'")).toBe('cat /app/problem.json');
    expect(unwrapCodexCommand(`/bin/bash -lc "sed -n '1,5p' x"`)).toBe("sed -n '1,5p' x");
  });
  it('gives undefined when the quoting is not the one Codex writes (the raw command is kept instead)', () => {
    // Valid shell, same script, but shlex would have written "ls /root" in single quotes.
    expect(unwrapCodexCommand('/bin/bash -lc "ls /root"')).toBeUndefined();
    expect(unwrapCodexCommand('bash -c ls')).toBeUndefined();
    expect(unwrapCodexCommand("/bin/bash -lc 'a' 'b'")).toBeUndefined();
  });
});

describe('unwrapCodexCommand on commands quoted the Codex way', () => {
  it('gives back every script, whichever quoting shlex chose', () => {
    const scripts = ['ls', 'ls /root', "cat 'a b'", 'echo $HOME', 'a^b', 'x\\y', '', 'printf "%s" ✓', "python3 - <<'PY'\nprint(1)\nPY", '!bang', "it's"];
    for (const script of scripts) expect(unwrapCodexCommand(`/bin/bash -lc ${quoteShellWord(script)}`)).toBe(script);
  });
});

/** `--include` / `--exclude` patterns, matched against repo-relative paths. */
export interface PathPatterns {
  include?: readonly string[];
  exclude?: readonly string[];
}

/**
 * Builds the file selection of `trajkit download`, with the semantics of `huggingface-cli
 * download --include/--exclude` (Python `fnmatch`): `*` matches any run of characters *including*
 * `/`, `?` one character, `[abc]`/`[!abc]` a set; a pattern ending in `/` matches everything
 * under that folder. A path is kept when it matches some include (or there are none) and no
 * exclude.
 */
export function createPathFilter(patterns: PathPatterns): (path: string) => boolean {
  const include = (patterns.include ?? []).map(fnmatchRegExp);
  const exclude = (patterns.exclude ?? []).map(fnmatchRegExp);
  return (path) => (include.length === 0 || include.some((re) => re.test(path))) && !exclude.some((re) => re.test(path));
}

function fnmatchRegExp(pattern: string): RegExp {
  const source = pattern.endsWith('/') ? `${pattern}*` : pattern;
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (source[j] === '!') j++;
      if (source[j] === ']') j++;
      while (j < source.length && source[j] !== ']') j++;
      if (j >= source.length) {
        out += '\\[';
        continue;
      }
      let set = source.slice(i + 1, j).replace(/\\/g, '\\\\');
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      else if (set.startsWith('^')) set = `\\${set}`;
      out += `[${set}]`;
      i = j;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}

/**
 * Escapes text from the data for HTML text and attribute values. Besides `& < > " '`, it makes
 * characters that HTML would drop, misparse or hide visible: C0 controls (NUL included), DEL and
 * C1 controls (mojibake) become `\x00`-style escapes, lone UTF-16 surrogates U+FFFD. Tab and
 * newline stay.
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => {
      switch (c) {
        case '&':
          return '&amp;';
        case '<':
          return '&lt;';
        case '>':
          return '&gt;';
        case '"':
          return '&quot;';
        case "'":
          return '&#39;';
      }
      const code = c.charCodeAt(0);
      if (code <= 0x9f) return `\\x${code.toString(16).padStart(2, '0')}`;
      return '\ufffd';
    },
  );
}

// Escaping for the HTML reports. Every piece of text that comes from a scenario (its name,
// description, source notes, strategy names) or from a results folder goes through escapeHtml;
// every JSON value embedded in a <script> goes through jsonForScript.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element's content or a quoted attribute value (OWASP XSS cheat sheet, rule #1 and #2). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON that can sit inside <script>...</script> without ending it: `<` becomes \u003c (so no
 * `</script>` or `<!--` can appear), `>` and `&` likewise, and U+2028/U+2029, which JSON allows in
 * strings but older JavaScript parsers treat as line ends. The result is still valid JSON.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A library's source inlined in a <script> element. The minified vega builds contain no
 * `</script` today; if a later version does, `<\/script` means the same inside JavaScript strings,
 * regular expressions and comments, which is the only place such text can occur in a library.
 */
export function scriptText(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

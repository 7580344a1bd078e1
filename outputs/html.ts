// HTML for the reports, built so that forgetting to escape is impossible: markup exists only as an
// `Html` value, made by the `html` tagged template, and every value interpolated into that template
// is escaped unless it is itself an `Html` value. A string can become markup without escaping only
// through `trustedHtml(...)`, which is kept for text that comes from this program's own code
// (styles, the inlined chart libraries), never from a scenario or a results folder.
//
//   html`<td class="text">${strategy.name}</td>`            // name escaped
//   html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`  // a list of Html joined, not escaped again
//   html`<p>${cond ? html`<b>warning</b>` : ''}</p>`         // '' / null / undefined / false render as nothing
//
// Escaping covers element content and quoted attribute values (OWASP XSS cheat sheet, rules #1 and
// #2): & < > " '. Attributes in the templates are always quoted, and no value goes into a URL, a
// style or an event handler. JSON embedded in a <script> goes through jsonForScript.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Markup. The class is not exported, so only `html` and `trustedHtml` below can make one. */
class Markup {
  /** Nominal: a plain object with a `markup` field is not Html to the type checker (nor to render). */
  private readonly isMarkup = true;
  constructor(readonly markup: string) {}

  toString(): string {
    return this.isMarkup ? this.markup : '';
  }
}
export type Html = Markup;

/** What may be interpolated: text and numbers (escaped), markup (kept), lists of these, or nothing. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

/** Text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

function render(value: HtmlValue): string {
  if (value instanceof Markup) return value.markup;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number' || value === true) return escapeHtml(String(value));
  // An object would print as "[object Object]": a bug in the template, not user data.
  throw new TypeError(`html: cannot interpolate a ${typeof value}`);
}

/** The tagged template: the literal parts are the template's own markup; every value is escaped unless it is Html. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let markup = strings[0];
  for (let i = 0; i < values.length; i++) markup += render(values[i]) + strings[i + 1];
  return new Markup(markup);
}

/** Markup from this program's own code (never from a scenario or a results folder), used as it is. */
export function trustedHtml(markup: string): Html {
  return new Markup(markup);
}

/** Html values joined with a separator (itself markup from the caller's code, e.g. '\n'). */
export function joinHtml(parts: readonly Html[], separator = ''): Html {
  return new Markup(parts.map((p) => p.markup).join(separator));
}

/**
 * JSON that can sit inside <script>...</script> without ending it: `<` becomes \u003c (so no
 * `</script>` or `<!--` can appear), `>` and `&` likewise, and U+2028/U+2029, which JSON allows in
 * strings but older JavaScript parsers treat as line ends. The result is still valid JSON.
 */
export function jsonForScript(value: unknown): Html {
  return new Markup(
    JSON.stringify(value)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029'),
  );
}

/**
 * A library's source inlined in a <script> element. The minified vega builds contain no
 * `</script` today; if a later version does, `<\/script` means the same inside JavaScript strings,
 * regular expressions and comments, which is the only place such text can occur in a library.
 */
export function scriptText(source: string): Html {
  return new Markup(source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--'));
}

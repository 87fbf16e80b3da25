/**
 * The Sec-WebSocket-Extensions header field (RFC 6455 9.1): a comma-separated list of extensions, each a
 * token followed by `;`-separated parameters.
 *
 *   extension-list  = 1#extension
 *   extension       = extension-token *( ";" extension-param )
 *   extension-param = token [ "=" (token | quoted-string) ]
 *
 * RFC 6455 9.1: "When using the quoted-string syntax variant, the value after quoted-string unescaping
 * MUST conform to the 'token' ABNF." So a quoted value is unquoted here and must be a token. Parsing is
 * pure and total: a header that does not match the grammar gives `null`, never an exception.
 */

export interface ExtensionParam {
  /** Lowercase parameter name. */
  readonly name: string;
  /** The value (unquoted), or null when the parameter has none. */
  readonly value: string | null;
}

export interface ExtensionElement {
  /** Lowercase extension name, e.g. `permessage-deflate`. */
  readonly name: string;
  readonly params: readonly ExtensionParam[];
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses one or more header values (joined with commas); null when the grammar is not met. */
export function parseExtensionHeader(value: string): ExtensionElement[] | null {
  const elements: ExtensionElement[] = [];
  for (const item of splitOutsideQuotes(value, ',')) {
    // RFC 9110 5.6.1: empty list elements are ignored by recipients.
    if (item.trim() === '') continue;
    const parts = splitOutsideQuotes(item, ';').map((p) => p.trim());
    const name = parts[0] ?? '';
    if (!TOKEN.test(name)) return null;
    const params: ExtensionParam[] = [];
    for (const part of parts.slice(1)) {
      const param = parseParam(part);
      if (param === null) return null;
      params.push(param);
    }
    elements.push({ name: name.toLowerCase(), params });
  }
  return elements;
}

function parseParam(part: string): ExtensionParam | null {
  const eq = part.indexOf('=');
  if (eq === -1) return TOKEN.test(part) ? { name: part.toLowerCase(), value: null } : null;
  const name = part.slice(0, eq).trim();
  let value = part.slice(eq + 1).trim();
  if (!TOKEN.test(name)) return null;
  if (value.startsWith('"')) {
    if (value.length < 2 || !value.endsWith('"')) return null;
    value = value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return TOKEN.test(value) ? { name: name.toLowerCase(), value } : null;
}

/** Splits on `separator` outside double quotes (a quoted-string may hold `,` or `;`). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === separator) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** The header value for one element, e.g. `permessage-deflate; client_max_window_bits=10`. */
export function formatExtension(element: ExtensionElement): string {
  return [
    element.name,
    ...element.params.map((p) => (p.value === null ? p.name : `${p.name}=${p.value}`)),
  ].join('; ');
}

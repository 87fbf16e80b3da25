/**
 * The packetdrill lexer. packetdrill's is a flex scanner (gtests/net/packetdrill/lexer.l); this one
 * follows the same rules: at each position the longest match wins and, between matches of equal
 * length, the rule listed first. Keywords (`ack`, `win`, `mss`, `TS`...) are words here; the parser
 * knows which word it expects, exactly as packetdrill only treats a word as a keyword when the whole
 * word is that keyword. `//` and C comments and whitespace are skipped; lines are counted.
 */

export type TokenType =
  | 'option' // --name
  | 'float'
  | 'int'
  | 'hex'
  | 'word'
  | 'string' // "..."
  | 'backquoted' // `...`
  | 'code' // %{ ... }%
  | 'ipv4'
  | 'ipv6'
  | 'ellipsis'
  | 'char'
  | 'eof';

export interface Token {
  readonly type: TokenType;
  /** The text as written (for strings and commands: without the delimiters). */
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/** A script that cannot be parsed: file line and column, as packetdrill reports. */
export class DrillSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'DrillSyntaxError';
  }
}

interface Rule {
  readonly type: TokenType | 'skip';
  readonly re: RegExp;
}

// In lexer.l's order (ties go to the earlier rule). Sticky regexes match at lastIndex only.
const RULES: readonly Rule[] = [
  { type: 'ellipsis', re: /\.\.\./y },
  { type: 'option', re: /--[a-zA-Z0-9_]+/y },
  { type: 'float', re: /-?[0-9]*\.[0-9]+/y },
  { type: 'int', re: /-?[0-9]+/y },
  { type: 'hex', re: /0x[0-9a-fA-F]+/y },
  { type: 'word', re: /[a-zA-Z0-9_]+/y },
  { type: 'string', re: /"(?:\\[\s\S]|[^"\\])*"/y },
  { type: 'backquoted', re: /`(?:\\[\s\S]|[^`\\])*`/y },
  { type: 'char', re: /[^ \t\r\n]/y },
  { type: 'skip', re: /[ \t\r\n]+/y },
  { type: 'skip', re: /\/\/[^\n]*(?:\n|$)/y },
  { type: 'skip', re: /\/\*(?:[^*]|\*(?!\/))*\*\//y },
  { type: 'code', re: /%\{(?:[^}]|\}(?!%))*\}%/y },
  { type: 'ipv4', re: /[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/y },
  // IPv6 literals only matter for recognising IPv6 scripts (which are reported unsupported).
  {
    type: 'ipv6',
    re: /(?:[0-9a-fA-F]{1,4}:){1,7}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4})*)?|::(?:[0-9a-fA-F]{1,4}:?)+/y,
  },
];

/** Splits a script into tokens (ending with an `eof` token). */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  while (pos < source.length) {
    let best: { rule: Rule; text: string } | undefined;
    for (const rule of RULES) {
      rule.re.lastIndex = pos;
      const m = rule.re.exec(source);
      if (m && (!best || m[0].length > best.text.length)) best = { rule, text: m[0] };
    }
    if (!best) throw new DrillSyntaxError('unreadable character', line, pos - lineStart + 1);
    const { rule, text } = best;
    if (rule.type !== 'skip') {
      const inner =
        rule.type === 'string' || rule.type === 'backquoted'
          ? text.slice(1, -1)
          : rule.type === 'code'
            ? text.slice(2, -2).trim()
            : text;
      tokens.push({ type: rule.type, text: inner, line, column: pos - lineStart + 1 });
    }
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = pos + i + 1;
      }
    }
    pos += text.length;
  }
  tokens.push({ type: 'eof', text: '', line, column: pos - lineStart + 1 });
  return tokens;
}

/**
 * cpp-style conditionals (`#ifdef NAME`, `#ifndef NAME`, `#if 0/1`, `#else`, `#endif`): FreeBSD's
 * tcp-testsuite passes its scripts through the C preprocessor, with one branch per stack (`FreeBSD`,
 * `STANDARD`). Lines outside the taken branches become empty, so line numbers stay those of the file.
 */
export function preprocess(source: string, defines: ReadonlySet<string>): string {
  const lines = source.split('\n');
  const stack: Array<{ taking: boolean; parentTaking: boolean; elseSeen: boolean }> = [];
  const taking = () => stack.every((s) => s.taking);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*#\s*(\w+)\s*(.*?)\s*$/.exec(lines[i]!);
    if (!m) {
      if (!taking()) lines[i] = '';
      continue;
    }
    const [, directive, arg = ''] = m;
    const parentTaking = taking();
    if (directive === 'ifdef' || directive === 'ifndef' || directive === 'if') {
      const value =
        directive === 'if'
          ? arg !== '0' && (arg === '1' || defines.has(arg.replace(/^defined\s*\(?\s*(\w+)\s*\)?$/, '$1')))
          : defines.has(arg) === (directive === 'ifdef');
      stack.push({ taking: value, parentTaking, elseSeen: false });
    } else if (directive === 'else') {
      const top = stack[stack.length - 1];
      if (!top || top.elseSeen) throw new DrillSyntaxError('#else without #if', i + 1, 1);
      top.taking = !top.taking;
      top.elseSeen = true;
    } else if (directive === 'endif') {
      if (!stack.pop()) throw new DrillSyntaxError('#endif without #if', i + 1, 1);
    } else if (directive === 'define' || directive === 'undef' || directive === 'include') {
      throw new DrillSyntaxError(`#${directive} is not supported`, i + 1, 1);
    }
    lines[i] = '';
  }
  if (stack.length > 0) throw new DrillSyntaxError('#if without #endif', lines.length, 1);
  return lines.join('\n');
}

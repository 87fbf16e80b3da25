/**
 * A bound on nesting, checked on the text before YAML parses it: the language never nests more than a
 * few levels, and a file nested thousands deep would otherwise exhaust the parser's stack (or, for deep
 * indentation, its memory) instead of getting an error with a line and column.
 */
import { ScenarioError } from './errors.js';

/** Flow collections (`[`, `{`) open at once, at most. */
export const MAX_FLOW_DEPTH = 64;
/** Columns of indentation, at most (about a hundred block levels). */
export const MAX_INDENT = 256;

/** The first place nested beyond the limits, as an error; undefined when the text stays within them. */
export function findDeepNesting(source: string, file: string): ScenarioError | undefined {
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  let quote: string | undefined;
  let comment = false;
  const at = (i: number, message: string) =>
    new ScenarioError('SCENARIO_TOO_DEEP', message, { file, line, column: i - lineStart + 1 });
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      comment = false;
      let indent = 0;
      while (source[i + 1 + indent] === ' ') indent++;
      if (indent > MAX_INDENT) {
        return at(
          i + 1 + indent,
          `indented ${indent} columns; scenarios nest at most ${MAX_INDENT} columns deep`,
        );
      }
      continue;
    }
    if (comment) continue;
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    // A quote opens a quoted scalar only where a value can start (`it's` is plain text).
    if ((c === '"' || c === "'") && /^$|[\s[{,:-]/.test(source[i - 1] ?? '')) quote = c;
    else if (c === '#' && (i === lineStart || /\s/.test(source[i - 1] ?? ''))) comment = true;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_FLOW_DEPTH) {
        return at(i, `nested more than ${MAX_FLOW_DEPTH} brackets deep; scenarios never need that many`);
      }
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

/**
 * Command-line arguments to values, with messages a person can act on. util.parseArgs in strict mode
 * reports an unknown flag with advice about `--` and reads `--seed -1` as "ambiguous"; here it runs
 * leniently and its tokens are checked against the command's options: an unknown flag gets the nearest
 * known one, a string flag takes the next argument whatever it looks like, a switch given a value and
 * a flag without its value are named plainly.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { didYouMean } from '@synack/scenarios';
import { UsageError } from './io.js';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface ParsedArgs {
  readonly values: Readonly<Values>;
  readonly positionals: readonly string[];
}

export function parseCommandArgs(args: readonly string[], options: Options): ParsedArgs {
  const { tokens } = parseArgs({
    args: [...args],
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const values: Values = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (spec === undefined) {
      const flags = Object.keys(options).map((name) => `--${name}`);
      const suggestion = token.rawName.startsWith('--') ? didYouMean(token.rawName, flags) : undefined;
      throw new UsageError(
        `unknown option '${token.rawName}'${suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`}`,
      );
    }
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`--${token.name} takes no value`);
      values[token.name] = true;
      continue;
    }
    if (token.value === undefined) throw new UsageError(`--${token.name} needs a value`);
    if (spec.multiple === true) {
      const list = values[token.name];
      values[token.name] = [...(Array.isArray(list) ? list : []), token.value];
    } else values[token.name] = token.value;
  }
  return { values, positionals };
}

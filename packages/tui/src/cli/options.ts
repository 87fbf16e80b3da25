/** Options shared by several commands, parsed and checked in one place. */
import { isLang, type Lang, langFromEnv } from '../narration/index.js';
import { type CliIo, UsageError } from './io.js';

export const SEED_OPTION = { seed: { type: 'string' } } as const;
export const JSON_OPTION = { json: { type: 'boolean' } } as const;
export const LANG_OPTION = { lang: { type: 'string' } } as const;
export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

export function parseSeed(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) {
    throw new UsageError(`--seed wants a whole number from 0 to 4294967295, not '${value}'`);
  }
  return Number(value);
}

export function parseLang(value: string | undefined, io: CliIo): Lang {
  if (value === undefined) return langFromEnv(io.env);
  if (!isLang(value)) throw new UsageError(`--lang wants 'en' or 'zh', not '${value}'`);
  return value;
}

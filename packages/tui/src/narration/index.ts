/**
 * Picks the language: `--lang` wins, else the locale from LC_ALL, LC_MESSAGES or LANG (POSIX order of
 * precedence), else English.
 */
import { en } from './en.js';
import type { Lang, Strings } from './strings.js';
import { zh } from './zh.js';

export type { Lang, Strings } from './strings.js';

export function stringsFor(lang: Lang): Strings {
  return lang === 'zh' ? zh : en;
}

export function isLang(value: string): value is Lang {
  return value === 'en' || value === 'zh';
}

export function langFromEnv(env: Readonly<Record<string, string | undefined>>): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

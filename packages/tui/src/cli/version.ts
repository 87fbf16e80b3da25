/**
 * The package's version, read from its package.json at run time. The relative place is the same from
 * src/cli/, dist/cli/ and the bundled bin in dist/bin/: two folders up.
 */
import { readFileSync } from 'node:fs';

export function version(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const { version: v } = JSON.parse(text) as { version?: unknown };
    return typeof v === 'string' ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Headless Chromium for the browser oracle tests (ws-frame's interop, tui's `synack serve` page):
 * where the binary is, whether it is there, and how to launch it on a machine without network.
 * Outside CI a missing Chromium skips those tests with a visible warning; in CI it is an error,
 * because `.ci/run` installs it.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.SYNACK_CHROMIUM ?? '/usr/bin/chromium';

export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);

if (!HAVE_CHROMIUM) {
  const message = `Chromium not found at ${CHROMIUM_PATH} (set SYNACK_CHROMIUM): browser tests skipped`;
  if (process.env.CI) throw new Error(message);
  console.warn(message);
}

/** CI machines have no network, so everything that would phone home is off. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

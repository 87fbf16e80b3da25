/**
 * Seeded randomness for the application during a simulated run, so that the same seed gives the same
 * bytes on the wire even for libraries that draw random numbers (the `ws` client's Sec-WebSocket-Key
 * and masking keys come from `crypto.randomBytes` / `randomFillSync`).
 *
 * Libraries often keep their own reference to a crypto function from the moment they load
 * (`const { randomBytes } = require('crypto')`), so replacing the function for the length of a run would
 * come too late. Instead this module, when first imported, puts pass-through wrappers in place of
 * `crypto.randomBytes`, `randomFillSync`, Web Crypto's `getRandomValues` and `Math.random`: they call the real
 * functions unless a seeded run is active, and draw from the run's generator while one is. Import
 * `@synack/tcp-sim/net` (or `/vitest`) before the libraries under test for their randomness to be seeded.
 */
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { Rng } from '../sim/rng.js';

let active: Rng | undefined;

/** Fills `view` from the active generator. */
function fill(view: ArrayBufferView, offset = 0, size = view.byteLength - offset): void {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + offset, size);
  for (let i = 0; i < bytes.length; i += 4) {
    let word = active!.nextU32();
    for (let j = i; j < Math.min(i + 4, bytes.length); j++) {
      bytes[j] = word & 0xff;
      word >>>= 8;
    }
  }
}

const HOOKED = Symbol.for('@synack/tcp-sim/net random hooks');

function installHooks(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[HOOKED]) return;
  g[HOOKED] = true;
  const real = {
    randomBytes: crypto.randomBytes,
    randomFillSync: crypto.randomFillSync,
    webGetRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto),
    mathRandom: Math.random,
  };
  crypto.randomBytes = function randomBytes(size: number, callback?: (e: Error | null, b: Buffer) => void) {
    if (!active) return (real.randomBytes as (...a: unknown[]) => Buffer)(size, callback);
    const out = Buffer.alloc(size);
    fill(out);
    if (callback) process.nextTick(callback, null, out);
    return out;
  } as typeof crypto.randomBytes;
  crypto.randomFillSync = function randomFillSync<T extends ArrayBufferView>(
    buf: T,
    offset?: number,
    size?: number,
  ) {
    if (!active) return (real.randomFillSync as (...a: unknown[]) => T)(buf, offset, size);
    fill(buf, offset ?? 0, size ?? buf.byteLength - (offset ?? 0));
    return buf;
  } as typeof crypto.randomFillSync;
  const getRandomValues = <T extends ArrayBufferView | null>(array: T): T => {
    if (!active || array === null) return real.webGetRandomValues(array as never) as T;
    fill(array);
    return array;
  };
  // Web Crypto's getRandomValues (globalThis.crypto; node:crypto's own is a getter onto it).
  Object.defineProperty(globalThis.crypto, 'getRandomValues', {
    value: getRandomValues,
    configurable: true,
    writable: true,
  });
  Math.random = () => (active ? active.next() : real.mathRandom());
  syncBuiltinESMExports();
}

installHooks();

/** Makes the application's randomness come from `seed` until the returned function is called. */
export function seedApplicationRandomness(seed: number | string): () => void {
  const previous = active;
  active = new Rng(seed).fork('application');
  return () => {
    active = previous;
  };
}

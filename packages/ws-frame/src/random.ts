/**
 * Randomness is injected (ARCHITECTURE.md: one seed). `RandomSource` is what the core takes; `defaultRandom`
 * is the only place that reaches for a real entropy source (Web Crypto, present in Node 20 and
 * browsers), and only the browser-shaped WebSocket and the node adapter fall back to it.
 */
export type RandomSource = (length: number) => Uint8Array;

export const defaultRandom: RandomSource = (length) => {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
};

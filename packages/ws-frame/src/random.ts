/**
 * Randomness is injected (ARCHITECTURE.md: one seed). `RandomSource` is what the core takes; `defaultRandom`
 * is the only place that reaches for a real entropy source (Web Crypto, present in Node 20 and
 * browsers), and only the browser-shaped WebSocket and the node adapter fall back to it.
 */
export type RandomSource = (length: number) => Uint8Array;

/**
 * Random bytes are drawn POOL bytes at a time and handed out in order, never twice: a client needs
 * 4 fresh bytes per frame (RFC 6455 5.3), and one getRandomValues call per frame cost more than
 * encoding the frame. Each call returns a copy the caller owns.
 */
const POOL = 4096;
const pool = new Uint8Array(POOL);
let poolUsed = POOL;

export const defaultRandom: RandomSource = (length) => {
  if (length > POOL) {
    const out = new Uint8Array(length);
    // getRandomValues fills at most 65,536 bytes per call.
    for (let at = 0; at < length; at += 65536)
      globalThis.crypto.getRandomValues(out.subarray(at, at + 65536));
    return out;
  }
  if (poolUsed + length > POOL) {
    globalThis.crypto.getRandomValues(pool);
    poolUsed = 0;
  }
  const out = pool.slice(poolUsed, poolUsed + length);
  poolUsed += length;
  return out;
};

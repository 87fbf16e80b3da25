/**
 * The WebSocket layer's randomness (Sec-WebSocket-Key, masking keys), drawn from the scenario's one
 * seed through tcp-sim's splittable generator: each consumer gets its own stream by name, so adding a
 * connection never changes another's keys or masks.
 */
import { Rng } from '@synack/tcp-sim';
import type { RandomSource } from '@synack/ws-frame';

export function seededRandom(seed: number, name: string): RandomSource {
  const rng = new Rng(seed, `ws/${name}`);
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      const word = rng.nextU32();
      for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  };
}

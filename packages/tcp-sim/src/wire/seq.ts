/**
 * Sequence-number arithmetic, RFC 9293 3.4: sequence numbers live in a space of 2^32 and every
 * comparison is "modulo 2^32", so all comparisons go through these functions (like Linux's
 * before()/after()), never through `<` on raw numbers.
 */

const MOD = 0x1_0000_0000;

/** (a + n) mod 2^32, as an unsigned 32-bit number. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** Signed distance b - a in the sequence space (valid while |b - a| < 2^31). */
export function seqDiff(b: number, a: number): number {
  return (b - a) | 0;
}

/** a < b in sequence space. */
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** a <= b in sequence space. */
export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

/** a > b in sequence space. */
export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

/** a >= b in sequence space. */
export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/** start <= x < start + len, modulo 2^32 (the RFC's half-open window test). */
export function seqInWindow(x: number, start: number, len: number): boolean {
  const d = (x - start) >>> 0;
  return d < len;
}

/** Normalises any integer to the unsigned 32-bit sequence space. */
export function seqNormalize(n: number): number {
  return ((n % MOD) + MOD) % MOD;
}

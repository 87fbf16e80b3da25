/**
 * RFC 6455 5.3 client-to-server masking: octet i of the payload is XORed with octet (i mod 4) of the
 * 32-bit masking key. XOR is its own inverse, so masking and unmasking are the same function.
 *
 * Theory of operation: bytes before the first 4-byte-aligned address are done one by one; the aligned
 * middle is done as 32-bit words through a Uint32Array view with the key rotated to match the starting
 * phase; the tail is done byte by byte. This is several times faster than a byte loop and stays pure JS.
 * From SIMD_THRESHOLD bytes up, `applyMask` hands the work to the WebAssembly SIMD masker
 * (mask-simd.ts) when the engine has SIMD.
 */
import { createSimdMasker, type SimdMasker } from './mask-simd.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The key as the 32-bit word whose memory bytes are key[phase], key[phase+1], ... (mod 4). */
function keyWord(key: Uint8Array, phase: number): number {
  const b0 = key[phase & 3]!;
  const b1 = key[(phase + 1) & 3]!;
  const b2 = key[(phase + 2) & 3]!;
  const b3 = key[(phase + 3) & 3]!;
  return LITTLE_ENDIAN
    ? (b0 | (b1 << 8) | (b2 << 16) | (b3 << 24)) >>> 0
    : ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
}

/**
 * XORs `data` in place with `key` (4 bytes), as if `data` started at byte `keyOffset` of the payload
 * (so a payload may be masked piece by piece as it arrives). Returns `data`.
 */
export function applyMask(data: Uint8Array, key: Uint8Array, keyOffset = 0): Uint8Array {
  if (data.length >= SIMD_THRESHOLD) {
    if (simd === undefined) simd = createSimdMasker();
    if (simd !== null) return simd.applyMask(data, key, keyOffset);
  }
  return applyMaskJs(data, key, keyOffset);
}

/**
 * Writes `source` XOR `key` (as if `source` started at payload byte `keyOffset`) to `target`, which
 * has the same length, leaving `source` as it is: unmasking and copying in one pass. Returns `target`.
 */
export function maskInto(source: Uint8Array, target: Uint8Array, key: Uint8Array, keyOffset = 0): Uint8Array {
  if (source.length >= SIMD_THRESHOLD) {
    if (simd === undefined) simd = createSimdMasker();
    if (simd !== null) return simd.maskInto(source, target, key, keyOffset);
  }
  target.set(source);
  return applyMaskJs(target, key, keyOffset);
}

/** Below this many bytes the copies into WebAssembly memory cost more than the SIMD XOR saves. */
export const SIMD_THRESHOLD = 2048;
let simd: SimdMasker | null | undefined;

/** The pure-JS masker (same contract as `applyMask`). */
export function applyMaskJs(data: Uint8Array, key: Uint8Array, keyOffset = 0): Uint8Array {
  const length = data.length;
  if (length < 32) {
    const k0 = key[keyOffset & 3]!;
    const k1 = key[(keyOffset + 1) & 3]!;
    const k2 = key[(keyOffset + 2) & 3]!;
    const k3 = key[(keyOffset + 3) & 3]!;
    let i = 0;
    for (; i + 3 < length; i += 4) {
      data[i]! ^= k0;
      data[i + 1]! ^= k1;
      data[i + 2]! ^= k2;
      data[i + 3]! ^= k3;
    }
    if (i < length) data[i]! ^= k0;
    if (i + 1 < length) data[i + 1]! ^= k1;
    if (i + 2 < length) data[i + 2]! ^= k2;
    return data;
  }
  let i = 0;
  const misalign = data.byteOffset & 3;
  const head = misalign === 0 ? 0 : 4 - misalign;
  for (; i < head; i++) data[i]! ^= key[(keyOffset + i) & 3]!;
  const words = (length - head) >>> 2;
  const view = new Uint32Array(data.buffer, data.byteOffset + head, words);
  const k = keyWord(key, keyOffset + head);
  let w = 0;
  const unrolled = words & ~7;
  for (; w < unrolled; w += 8) {
    view[w] = view[w]! ^ k;
    view[w + 1] = view[w + 1]! ^ k;
    view[w + 2] = view[w + 2]! ^ k;
    view[w + 3] = view[w + 3]! ^ k;
    view[w + 4] = view[w + 4]! ^ k;
    view[w + 5] = view[w + 5]! ^ k;
    view[w + 6] = view[w + 6]! ^ k;
    view[w + 7] = view[w + 7]! ^ k;
  }
  for (; w < words; w++) view[w] = view[w]! ^ k;
  for (i = head + words * 4; i < length; i++) data[i]! ^= key[(keyOffset + i) & 3]!;
  return data;
}

/** Unmasking is masking (RFC 6455 5.3: "the same algorithm applies regardless of the direction"). */
export const unmask = applyMask;

/** Masks `source` into a fresh array, leaving `source` untouched. */
export function maskCopy(source: Uint8Array, key: Uint8Array, keyOffset = 0): Uint8Array {
  return applyMask(new Uint8Array(source), key, keyOffset);
}

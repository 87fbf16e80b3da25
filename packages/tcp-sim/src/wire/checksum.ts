/**
 * The Internet checksum, RFC 1071: the 16-bit ones' complement of the ones' complement sum of the
 * data taken as big-endian 16-bit words (an odd trailing byte is padded with zero). TCP (RFC 9293
 * 3.1) sums a pseudo-header of source address, destination address, zero, protocol and TCP length
 * in front of the segment.
 */

/** Adds `bytes[start..end)` to a running 32-bit sum without folding. */
export function sumWords(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  const evenEnd = end - ((end - start) & 1);
  for (; i < evenEnd; i += 2) {
    sum += (bytes[i]! << 8) | bytes[i + 1]!;
  }
  if (i < end) sum += bytes[i]! << 8;
  // Fold now and then so the sum stays a small integer even for jumbo inputs.
  return sum;
}

/** Folds a running sum to 16 bits and takes the ones' complement. */
export function finishChecksum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** The RFC 1071 checksum of a byte range. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return finishChecksum(sumWords(bytes, start, end));
}

/** The sum of the TCP/IPv4 pseudo-header (RFC 9293 3.1, "TCP Pseudo-Header"). */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

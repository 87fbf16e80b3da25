/**
 * The Internet checksum, RFC 1071: the 16-bit ones' complement of the ones' complement sum of the
 * data taken as big-endian 16-bit words (an odd trailing byte is padded with zero). TCP (RFC 9293
 * 3.1) sums a pseudo-header of source address, destination address, zero, protocol and TCP length
 * in front of the segment.
 */

/**
 * Adds `bytes[start..end)`, as big-endian 16-bit words, to a running sum without folding. The high
 * and low octets of the words are summed apart (eight octets per turn) and joined at the end: the
 * same sum, with half the shifts and a quarter of the loop tests of a word-by-word loop. Every
 * segment is summed twice (sender and receiver), so this loop is much of the cost of real bytes.
 * The sum stays an exact integer for any input below 2^40 octets.
 */
export function sumWords(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let hi = 0;
  let lo = 0;
  let i = start;
  const end8 = end - ((end - start) & 7);
  for (; i < end8; i += 8) {
    hi += bytes[i]! + bytes[i + 2]! + bytes[i + 4]! + bytes[i + 6]!;
    lo += bytes[i + 1]! + bytes[i + 3]! + bytes[i + 5]! + bytes[i + 7]!;
  }
  for (; i + 1 < end; i += 2) {
    hi += bytes[i]!;
    lo += bytes[i + 1]!;
  }
  if (i < end) hi += bytes[i]!; // an odd trailing octet is padded with zero (RFC 1071)
  return initial + hi * 256 + lo;
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

/**
 * How numbers are written on screen, in one place so the header, the ladder, the panels and the
 * narration agree: one format for a moment of virtual time, one for a duration, one for a segment's
 * numbers (seq always relative, ack only when the ACK flag makes it mean something), and ssthresh's
 * "arbitrarily high" start spelled as a word rather than 2147483647.
 */
import type { ArrowView } from './model.js';

/** A moment of virtual time: milliseconds with three decimals (microseconds), seconds past 10 s. */
export function formatTime(ms: number): string {
  return ms < 10_000 ? `${ms.toFixed(3)}ms` : `${(ms / 1000).toFixed(3)}s`;
}

/** A duration from the trace, rounded to whole microseconds (no 1000.0000000000001). */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** A duration as people read it: `990ms`, `2.5ms`, `12.5s`. */
export function formatDuration(ms: number): string {
  const r = roundMs(ms);
  if (r >= 10_000) return `${roundMs(r / 1000)}s`;
  return `${r}ms`;
}

/**
 * ssthresh starts "arbitrarily high" (RFC 5681 3.1): tcp-sim uses 2^31 - 1 until the first loss. Any
 * value that large is that start, never a threshold anyone set.
 */
export const SSTHRESH_UNSET = 2 ** 31 - 1;

export function isSsthreshUnset(ssthresh: number): boolean {
  return ssthresh >= SSTHRESH_UNSET;
}

/**
 * A segment's numbers: `seq=1 ack=1 len=153`, or `seq=0 len=0` when the ACK flag is off (RFC 9293
 * 3.1: the acknowledgment field is significant only when ACK is set, so its value means nothing).
 */
export function numbersText(a: Pick<ArrowView, 'flags' | 'seq' | 'ack' | 'len'>): string {
  const ack = a.flags.includes('ACK') ? ` ack=${a.ack}` : '';
  return `seq=${a.seq}${ack} len=${a.len}`;
}

/**
 * Out-of-order reassembly (RFC 9293 3.10.7.4 seventh step and 3.4: "segments with higher beginning
 * sequence numbers SHOULD be held for later processing").
 *
 * Theory of operation: the queue holds non-overlapping pieces of data that lie after RCV.NXT, sorted
 * by sequence number. Overlapping arrivals store only the octets not held yet, so duplicate data can
 * never be delivered twice. A FIN seen beyond a hole is remembered by its sequence number and reported
 * only when the hole before it fills. Memory is bounded by the receive window because the caller trims
 * every segment to the window before inserting it.
 */
import { seqAdd, seqDiff } from '../wire/seq.js';

interface Piece {
  seq: number;
  data: Uint8Array;
}

export interface ReassemblyOutput {
  /** In-order data now ready for the application, in sequence order. */
  readonly chunks: Uint8Array[];
  /** The new RCV.NXT (including the FIN if it was reached). */
  readonly rcvNxt: number;
  /** True when the FIN was reached: the peer's stream ends at rcvNxt - 1. */
  readonly fin: boolean;
}

export class ReassemblyQueue {
  private pieces: Piece[] = [];
  private finSeq: number | undefined;
  private held = 0;

  /** Octets held out of order. */
  get bytes(): number {
    return this.held;
  }

  get hasFin(): boolean {
    return this.finSeq !== undefined;
  }

  get isEmpty(): boolean {
    return this.pieces.length === 0 && this.finSeq === undefined;
  }

  /** Remembers a FIN that occupies sequence number `seq`. */
  setFin(seq: number): void {
    this.finSeq = seq;
  }

  /**
   * Stores `data` starting at `seq` (which must be at or after `rcvNxt`), skipping octets already
   * held, then returns whatever became contiguous with `rcvNxt`.
   */
  insert(seq: number, data: Uint8Array, rcvNxt: number): void {
    let start = seqDiff(seq, rcvNxt);
    const end = start + data.length;
    const fresh: Piece[] = [];
    for (const piece of this.pieces) {
      const a = seqDiff(piece.seq, rcvNxt);
      const b = a + piece.data.length;
      if (b <= start) continue;
      if (a >= end) break;
      if (a > start)
        fresh.push({
          seq: seqAdd(rcvNxt, start),
          data: data.subarray(start - seqDiff(seq, rcvNxt), a - seqDiff(seq, rcvNxt)),
        });
      start = Math.max(start, b);
      if (start >= end) break;
    }
    if (start < end) {
      const base = seqDiff(seq, rcvNxt);
      fresh.push({ seq: seqAdd(rcvNxt, start), data: data.subarray(start - base, end - base) });
    }
    for (const piece of fresh) {
      this.held += piece.data.length;
      const at = this.pieces.findIndex((p) => seqDiff(p.seq, rcvNxt) > seqDiff(piece.seq, rcvNxt));
      if (at === -1) this.pieces.push(piece);
      else this.pieces.splice(at, 0, piece);
    }
  }

  /**
   * The held data as SACK blocks [left, right) (RFC 2018 3), adjacent pieces merged, at most `max`.
   * RFC 2018 4: "The first SACK block ... MUST specify the contiguous block of data containing the
   * segment which triggered this ACK", and the option "SHOULD be filled out by repeating the most
   * recently reported SACK blocks": `recent` lists out-of-order arrivals, most recent first (or just
   * the latest one); the blocks holding them come first in that order, then the rest in sequence.
   */
  sackBlocks(
    rcvNxt: number,
    recent: number | readonly number[] | undefined,
    max: number,
  ): Array<{ left: number; right: number }> {
    const blocks: Array<{ left: number; right: number }> = [];
    for (const piece of this.pieces) {
      const end = seqAdd(piece.seq, piece.data.length);
      const last = blocks[blocks.length - 1];
      if (last && last.right === piece.seq) last.right = end;
      else blocks.push({ left: piece.seq, right: end });
    }
    const order = recent === undefined ? [] : typeof recent === 'number' ? [recent] : recent;
    const first: Array<{ left: number; right: number }> = [];
    for (const seq of order) {
      const at = blocks.findIndex(
        (b) => seqDiff(seq, b.left) >= 0 && seqDiff(b.right, seq) > 0 && seqDiff(b.left, rcvNxt) > 0,
      );
      if (at >= 0) first.push(...blocks.splice(at, 1));
    }
    return [...first, ...blocks].slice(0, max);
  }

  /** Pops everything contiguous with `rcvNxt`, and the FIN if it is now reached. */
  take(rcvNxt: number): ReassemblyOutput {
    const chunks: Uint8Array[] = [];
    let next = rcvNxt;
    while (this.pieces.length > 0) {
      const head = this.pieces[0]!;
      const offset = seqDiff(head.seq, next);
      if (offset > 0) break;
      this.pieces.shift();
      this.held -= head.data.length;
      const skip = -offset;
      if (skip < head.data.length) {
        const data = head.data.subarray(skip);
        chunks.push(data);
        next = seqAdd(next, data.length);
      }
    }
    let fin = false;
    if (this.finSeq !== undefined && seqDiff(this.finSeq, next) <= 0) {
      fin = true;
      this.finSeq = undefined;
      next = seqAdd(next, 1);
    }
    return { chunks, rcvNxt: next, fin };
  }
}

/**
 * The send queue of RFC 9293 3.10.2: octets the user has written that are not yet acknowledged,
 * starting at SND.UNA (or ISS+1 before the SYN is acknowledged). Unacknowledged and unsent data share
 * one queue, so a retransmission is simply a copy from an earlier offset; acknowledged octets are
 * dropped from the front. Chunks are kept as written (no concatenation) to avoid copying twice.
 */
export class SendBuffer {
  private chunks: Uint8Array[] = [];
  /** Offset of the first live octet inside chunks[0]. */
  private headOffset = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    this.total += data.length;
  }

  /**
   * `len` octets starting `offset` octets after the head: a view when they lie in one chunk (the
   * encoder copies them into the packet at once), else a copy.
   */
  copy(offset: number, len: number): Uint8Array {
    let at = offset + this.headOffset;
    for (const chunk of this.chunks) {
      if (at < chunk.length) {
        if (at + len <= chunk.length) return chunk.subarray(at, at + len);
        break;
      }
      at -= chunk.length;
    }
    const out = new Uint8Array(len);
    let skip = offset + this.headOffset;
    let written = 0;
    for (const chunk of this.chunks) {
      if (written >= len) break;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      const take = Math.min(chunk.length - skip, len - written);
      out.set(skip === 0 && take === chunk.length ? chunk : chunk.subarray(skip, skip + take), written);
      written += take;
      skip = 0;
    }
    return out;
  }

  /** Lets go of the emptied queue's backing store (see Connection.releaseQueues). */
  releaseIfEmpty(): void {
    if (this.total === 0) {
      this.chunks = [];
      this.headOffset = 0;
    }
  }

  /** Drops `n` acknowledged octets from the head. */
  consume(n: number): void {
    let left = Math.min(n, this.total);
    this.total -= left;
    while (left > 0) {
      const head = this.chunks[0]!;
      const avail = head.length - this.headOffset;
      if (left < avail) {
        this.headOffset += left;
        return;
      }
      left -= avail;
      this.chunks.shift();
      this.headOffset = 0;
    }
  }
}

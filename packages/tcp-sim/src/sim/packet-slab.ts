/**
 * Memory for the packets the simulator puts on the wire.
 *
 * Theory of operation: every segment becomes a fresh byte array (the trace, a capture and the
 * receiving TCP may each keep it, so packets are never reused or overwritten). A typed array of more
 * than 64 octets gets its own off-heap buffer in V8, and allocating one costs about ten times as much
 * as a view into an existing buffer. So packets are carved, in order, out of 16 KiB slabs, as Node's
 * Buffer pool does for small buffers: each packet is a `Uint8Array` view of its own octets, and a
 * slab is freed once no packet in it is referenced. Slabs are small so that a kept packet pins
 * little beside it; a packet larger than a quarter slab gets a buffer of its own. The data handed
 * to an application is the receiver's own copy, never a view into a slab.
 */

const SLAB_OCTETS = 16 * 1024;
const OWN_BUFFER_ABOVE = SLAB_OCTETS / 4;

export class PacketSlab {
  private slab = new ArrayBuffer(SLAB_OCTETS);
  private used = 0;

  /** A new view of `length` octets that no other packet shares (its contents are undefined: write all of it). */
  take(length: number): Uint8Array {
    if (length > OWN_BUFFER_ABOVE) return new Uint8Array(length);
    if (this.used + length > SLAB_OCTETS) {
      this.slab = new ArrayBuffer(SLAB_OCTETS);
      this.used = 0;
    }
    const view = new Uint8Array(this.slab, this.used, length);
    // Keep each packet 8-octet aligned (cheap, and friendly to anyone reading it through wider views).
    this.used += (length + 7) & ~7;
    return view;
  }
}

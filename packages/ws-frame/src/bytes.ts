/**
 * Byte arrays as the codec needs them: joining pieces, and allocating arrays that will be overwritten
 * entirely without paying for a zero-fill.
 */
/**
 * Concatenates pieces; a single piece is returned without copying. The result is always a plain
 * Uint8Array (a view, when the piece was a subclass such as Node's Buffer), so output does not depend
 * on how the input was chunked or which runtime produced it.
 */
export function concatBytes(pieces: readonly Uint8Array[], total?: number): Uint8Array {
  if (pieces.length === 1) {
    const only = pieces[0]!;
    return only.constructor === Uint8Array ? only : new Uint8Array(only.buffer, only.byteOffset, only.length);
  }
  const length = total ?? pieces.reduce((sum, p) => sum + p.length, 0);
  const out = allocUninitialized(length);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

type UnsafeAllocator = { allocUnsafeSlow(size: number): Uint8Array };
const nodeBuffer = (globalThis as { Buffer?: UnsafeAllocator }).Buffer;

/**
 * A byte array the caller will overwrite entirely. For large sizes, where Node's Buffer exists, its
 * allocUnsafeSlow skips the zero-filling pass (a measurable cost on 1 MiB messages) and owns its
 * memory (no shared pool); the result is handed out as a plain Uint8Array view.
 */
export function allocUninitialized(length: number): Uint8Array {
  if (nodeBuffer === undefined || length < 4096) return new Uint8Array(length);
  const b = nodeBuffer.allocUnsafeSlow(length);
  return new Uint8Array(b.buffer, b.byteOffset, length);
}

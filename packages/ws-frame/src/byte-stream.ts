/**
 * The byte-stream contract between ws-frame and a transport (tcp-sim's simulated socket, node:net's
 * Socket). The two packages never import each other; both satisfy this interface structurally.
 */
export interface ByteStream {
  /** Returns false when the buffer is above its high-water mark: wait for 'drain'. */
  write(data: Uint8Array): boolean;
  /** Half-close: no more writes (TCP FIN). */
  end(): void;
  /** Abort (TCP RST). */
  destroy(error?: Error): void;
  on(event: 'data', listener: (chunk: Uint8Array) => void): this;
  /** The peer half-closed (FIN received). */
  on(event: 'end', listener: () => void): this;
  on(event: 'close', listener: (hadError: boolean) => void): this;
  /** The error has a Node-style `code` (ECONNRESET, EPIPE, ...). */
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'drain', listener: () => void): this;
}

/**
 * The byte-stream contract between ws-frame and tcp-sim (they never import each other): SimSocket
 * must satisfy it structurally. The interface is restated here verbatim from the contract.
 */
import { describe, expect, it } from 'vitest';
import { collect, world } from './fixtures.js';

interface ByteStream {
  write(data: Uint8Array): boolean;
  end(): void;
  destroy(error?: Error): void;
  on(event: 'data', listener: (chunk: Uint8Array) => void): this;
  on(event: 'end', listener: () => void): this;
  on(event: 'close', listener: (hadError: boolean) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'drain', listener: () => void): this;
}

describe('ByteStream contract (ws-frame <-> tcp-sim)', () => {
  it('SimSocket is a ByteStream: write/end/destroy and data/end/close/error/drain through the interface', () => {
    const { sim, client, server } = world({}, { delay: 5 });
    const small = sim.addHost({ name: 'small', address: '10.0.0.3', sendHighWaterMark: 1000 });
    sim.setLink(small, server, { delay: 5 });
    let serverSide: ReturnType<typeof collect> | undefined;
    server.listen(80).on('connection', (s) => {
      serverSide = collect(s);
      s.on('end', () => s.end());
    });
    const stream: ByteStream = small.connect({ address: '10.0.0.2', port: 80 });
    const seen: string[] = [];
    stream.on('drain', () => seen.push('drain'));
    stream.on('end', () => seen.push('end'));
    stream.on('close', (hadError) => seen.push(`close:${hadError}`));
    stream.on('error', (e) => seen.push(`error:${(e as Error & { code?: string }).code}`));
    expect(stream.write(new Uint8Array(3000))).toBe(false); // above the high-water mark
    stream.end();
    sim.run();
    expect(serverSide!.bytes().length).toBe(3000);
    expect(seen).toEqual(['drain', 'end', 'close:false']);
    const other: ByteStream = client.connect({ address: '10.0.0.2', port: 80 });
    const errors: string[] = [];
    other.on('error', (e) => errors.push((e as Error & { code?: string }).code ?? ''));
    sim.run({ until: sim.now + 100 });
    other.destroy();
    expect(other.write(new Uint8Array(1))).toBe(false);
    expect(errors).toEqual(['EPIPE']);
  });
});

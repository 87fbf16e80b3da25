/**
 * The HTTP head parser against the chunking a peer chooses: a request head of 1, 4 and 16 KiB (the
 * default limit) fed whole, in 64-byte pieces and byte by byte. Parsing is linear in the bytes fed,
 * so heads/s x size should stay within a small factor across chunkings (the byte-by-byte column pays
 * a call per byte, not a copy of the buffer per byte). The test suite proves the linearity by counting
 * copies (test/http-head.test.ts); this shows the cost. Run: `pnpm --filter @synack/ws-frame bench:head`.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_MAX_HEAD_BYTES, HttpRequestParser } from '../src/index.js';
import { printTable } from './table.js';

function head(size: number): Uint8Array {
  const start = 'GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ';
  const text = `${start}${'p'.repeat(size - start.length - 4)}\r\n\r\n`;
  return new TextEncoder().encode(text);
}

function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** Heads parsed per second: best of 5 rounds of at least 200 ms. */
function rate(pieces: readonly Uint8Array[]): number {
  let best = 0;
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const t0 = performance.now();
    let elapsed = 0;
    while (elapsed < 200) {
      const parser = new HttpRequestParser(DEFAULT_MAX_HEAD_BYTES);
      for (const piece of pieces) if (parser.push(piece).status !== 'incomplete') break;
      n++;
      elapsed = performance.now() - t0;
    }
    best = Math.max(best, (n * 1000) / elapsed);
  }
  return best;
}

const rows = [['head', 'whole (heads/s)', '64 B pieces', '1 B pieces', '1 B MB/s']];
for (const [label, size] of [
  ['1 KiB', 1024],
  ['4 KiB', 4096],
  ['16 KiB', DEFAULT_MAX_HEAD_BYTES],
] as const) {
  const bytes = head(size);
  const bytewise = rate(chunks(bytes, 1));
  rows.push([
    label,
    rate([bytes]).toFixed(0),
    rate(chunks(bytes, 64)).toFixed(0),
    bytewise.toFixed(0),
    ((bytewise * size) / 1e6).toFixed(1),
  ]);
}
printTable(rows);

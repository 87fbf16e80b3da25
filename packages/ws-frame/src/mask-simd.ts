/**
 * RFC 6455 5.3 masking with WebAssembly SIMD: 16 bytes per instruction, no native addon.
 *
 * Theory of operation: the module below is written by hand, byte by byte (no toolchain), and exports a
 * 64 KiB memory plus `mask(len, key32)`, which XORs memory[0..len & ~15] with the key splatted to a
 * 128-bit vector (`i32x4.splat`, `v128.xor`), eight vectors per loop turn. JavaScript copies each block
 * of the payload into wasm memory, calls `mask`, copies it back and finishes the last <16 bytes itself.
 * Blocks stay cache-resident, so the two copies cost little next to the XOR. When the engine lacks SIMD,
 * `createSimdMasker()` returns null and callers keep the pure-JS `applyMask`.
 */

/** The slice of the WebAssembly JS API used here (the ES lib and @types/node do not declare it). */
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
};

// Opcodes used below (WebAssembly core spec 5.4, SIMD proposal as merged in 2.0).
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const I32_AND = 0x71;
const I32_ADD = 0x6a;
const I32_GE_U = 0x4f;
const BLOCK = 0x02;
const LOOP = 0x03;
const BR = 0x0c;
const BR_IF = 0x0d;
const END = 0x0b;
const VOID = 0x40;
const SIMD = 0xfd;
const V128_LOAD = 0x00;
const V128_STORE = 0x0b;
const I32X4_SPLAT = 0x11;
const V128_XOR = 0x51;
const I32 = 0x7f;
const V128 = 0x7b;

// Locals: 0 len, 1 key (params); 2 i, 3 end128, 4 end16 (i32); 5 vkey (v128).
const [LEN, KEY, I, END128, END16, VKEY] = [0, 1, 2, 3, 4, 5];

/** One instruction per inner array; flattened into the function body. */
type Code = number[][];

/** memory[i + offset .. +16] ^= vkey */
const xorVector = (offset: number): Code => [
  [LOCAL_GET, I], // store address
  [LOCAL_GET, I], // load address
  [SIMD, V128_LOAD, 0, offset], // memarg: align hint 0, offset
  [LOCAL_GET, VKEY],
  [SIMD, V128_XOR],
  [SIMD, V128_STORE, 0, offset],
];

/** while (i < end) { body; i += step } */
const loop = (end: number, step: number[], body: Code): Code => [
  [BLOCK, VOID],
  [LOOP, VOID],
  [LOCAL_GET, I],
  [LOCAL_GET, end],
  [I32_GE_U],
  [BR_IF, 1], // leave the block when i >= end
  ...body,
  [LOCAL_GET, I],
  [I32_CONST, ...step],
  [I32_ADD],
  [LOCAL_SET, I],
  [BR, 0], // next turn
  [END], // loop
  [END], // block
];

const BODY: Code = [
  [2, 3, I32, 1, V128], // local declarations: 3 x i32, 1 x v128
  [LOCAL_GET, KEY],
  [SIMD, I32X4_SPLAT],
  [LOCAL_SET, VKEY],
  [LOCAL_GET, LEN],
  [I32_CONST, 0x80, 0x7f], // -128 (signed LEB128)
  [I32_AND],
  [LOCAL_SET, END128],
  [LOCAL_GET, LEN],
  [I32_CONST, 0x70], // -16
  [I32_AND],
  [LOCAL_SET, END16],
  ...loop(
    END128,
    [0x80, 0x01] /* 128 */,
    [0, 16, 32, 48, 64, 80, 96, 112].flatMap((offset) => xorVector(offset)),
  ),
  ...loop(END16, [0x10] /* 16 */, xorVector(0)),
  [END],
];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

/** One 64 KiB page of memory; the masker works in 16 KiB blocks so both copies stay in L1/L2 cache. */
const PAGES = 1;
export const SIMD_BLOCK = 16 * 1024;

/** "\0asm", then binary format version 1. */
const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** The whole module, as bytes. Exported so a test can check it validates. */
export const MASK_WASM = Uint8Array.from([
  ...MAGIC_AND_VERSION,
  ...section(1, [1, 0x60, 2, I32, I32, 0]), // type 0: (i32, i32) -> ()
  ...section(3, [1, 0]), // function 0 has type 0
  ...section(5, [1, 0x00, PAGES]), // one memory, min PAGES, no max
  ...section(7, [2, ...name('memory'), 0x02, 0, ...name('mask'), 0x00, 0]), // exports
  ...section(10, [1, ...uleb(BODY.flat().length), ...BODY.flat()]), // code
]);

export interface SimdMasker {
  /** Same contract as `applyMask`: XORs `data` in place as if it started at payload byte `keyOffset`. */
  applyMask(data: Uint8Array, key: Uint8Array, keyOffset?: number): Uint8Array;
  /** Same contract as `maskInto`: writes `source` XOR key to `target`, leaving `source` as it is. */
  maskInto(source: Uint8Array, target: Uint8Array, key: Uint8Array, keyOffset?: number): Uint8Array;
}

/** Builds the SIMD masker, or returns null when this engine has no WebAssembly SIMD. */
export function createSimdMasker(): SimdMasker | null {
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(MASK_WASM)) return null;
  let instance: { exports: Record<string, unknown> };
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(MASK_WASM));
  } catch {
    return null; // e.g. a Content-Security-Policy without 'wasm-unsafe-eval': keep the JS path
  }
  const memory = instance.exports.memory as { buffer: ArrayBuffer };
  const mask = instance.exports.mask as (len: number, key: number) => void;
  const heap = new Uint8Array(memory.buffer, 0, SIMD_BLOCK);
  return {
    applyMask(data, key, keyOffset = 0) {
      return this.maskInto(data, data, key, keyOffset);
    },
    maskInto(data, target, key, keyOffset = 0) {
      const n = data.length;
      // wasm memory is little-endian: the word whose bytes are key[phase], key[phase+1], ...
      const p = keyOffset & 3;
      const k = key[p]! | (key[(p + 1) & 3]! << 8) | (key[(p + 2) & 3]! << 16) | (key[(p + 3) & 3]! << 24);
      for (let at = 0; at < n; at += SIMD_BLOCK) {
        const end = Math.min(n, at + SIMD_BLOCK);
        const block = data.subarray(at, end);
        const out = target === data ? block : target.subarray(at, end);
        const vectorBytes = block.length & ~15;
        if (vectorBytes > 0) {
          heap.set(vectorBytes === block.length ? block : block.subarray(0, vectorBytes));
          mask(vectorBytes, k);
          out.set(heap.subarray(0, vectorBytes));
        }
        // SIMD_BLOCK is a multiple of 4, so the phase at the tail is keyOffset + at + vectorBytes.
        for (let i = vectorBytes; i < block.length; i++) out[i] = block[i]! ^ key[(keyOffset + at + i) & 3]!;
      }
      return target;
    },
  };
}

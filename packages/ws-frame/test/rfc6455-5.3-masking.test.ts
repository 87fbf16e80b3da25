import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyMask,
  applyMaskJs,
  createSimdMasker,
  defaultRandom,
  MASK_WASM,
  maskCopy,
  maskInto,
  SIMD_THRESHOLD,
} from '../src/index.js';
import { hex, utf8 } from './helpers/fixtures.js';

const simd = createSimdMasker();

describe('RFC 6455 5.3: client-to-server masking', () => {
  it('RFC 6455 5.3 (5.7 vector): "Hello" with key 37 fa 21 3d masks to 7f 9f 4d 51 58 and back', () => {
    const masked = maskCopy(utf8('Hello'), hex('37fa213d'));
    expect(masked).toEqual(hex('7f9f4d5158'));
    expect(applyMask(masked, hex('37fa213d'))).toEqual(utf8('Hello'));
  });

  it('RFC 6455 5.3: masking a payload piece by piece with running offsets equals masking it whole', () => {
    const data = Uint8Array.from({ length: 10_000 }, (_, i) => i * 7);
    const key = hex('0badf00d');
    const whole = maskCopy(data, key);
    const pieces = data.slice();
    for (const [from, to] of [
      [0, 3],
      [3, 2500],
      [2500, 2501],
      [2501, 10_000],
    ] as const) {
      applyMask(pieces.subarray(from, to), key, from);
    }
    expect(pieces).toEqual(whole);
  });

  it('RFC 6455 5.3: the hand-written WebAssembly SIMD module validates on this engine', () => {
    const wasm = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
    expect(wasm.validate(MASK_WASM)).toBe(true);
    expect(simd).not.toBeNull();
  });

  it('RFC 6455 5.3: the SIMD masker equals the pure-JS masker for any length, phase and alignment', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40_000 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.nat(3),
        fc.nat(15),
        fc.integer(),
        (length, key, phase, align, seed) => {
          const backing = new Uint8Array(length + 16);
          for (let i = 0; i < backing.length; i++) backing[i] = (seed + i * 131) & 0xff;
          const view = backing.subarray(align, align + length);
          const expected = applyMaskJs(view.slice(), key, phase);
          simd!.applyMask(view, key, phase);
          expect(Buffer.compare(view, expected)).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it(`RFC 6455 5.3: applyMask at and above ${SIMD_THRESHOLD} bytes is still an involution`, () => {
    const data = Uint8Array.from({ length: SIMD_THRESHOLD * 3 + 5 }, (_, i) => i);
    const copy = data.slice();
    applyMask(copy, hex('01020304'), 1);
    expect(copy).not.toEqual(data);
    applyMask(copy, hex('01020304'), 1);
    expect(copy).toEqual(data);
  });
});

describe('maskInto: unmasking and copying in one pass', () => {
  it('writes what maskCopy returns, at any length and key phase, and leaves the source alone', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 3 * SIMD_THRESHOLD + 37 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.nat(7),
        fc.nat(3),
        (data, key, offset, shift) => {
          const source = new Uint8Array(data.length + shift).subarray(shift);
          source.set(data);
          const target = new Uint8Array(data.length + 5).subarray(5 - (offset & 1));
          const out = maskInto(source, target.subarray(0, data.length), key, offset);
          expect(out).toEqual(maskCopy(data, key, offset));
          expect(source).toEqual(data);
          if (simd !== null) {
            const viaSimd = new Uint8Array(data.length);
            expect(simd.maskInto(source, viaSimd, key, offset)).toEqual(maskCopy(data, key, offset));
          }
        },
      ),
    );
  });
});

describe('RFC 6455 5.3 / 10.3: masking keys from defaultRandom', () => {
  it('RFC 6455 5.3: keys drawn from the pool are separate arrays and never the same bytes run after run', () => {
    const keys = Array.from({ length: 3000 }, () => defaultRandom(4)); // crosses several pool refills
    const distinct = new Set(keys.map((k) => Buffer.from(k).toString('hex')));
    // 3000 keys of 32 random bits: a repeat is possible (p ~ 0.1%), a pool handed out twice is not.
    expect(distinct.size).toBeGreaterThan(2990);
    const second = Buffer.from(keys[1]!).toString('hex');
    keys[0]!.fill(0); // the caller owns its copy: changing one key leaves the next as it was
    expect(Buffer.from(keys[1]!).toString('hex')).toBe(second);
    expect(keys.every((k) => k.length === 4)).toBe(true);
  });

  it('RFC 6455 10.3: lengths above the pool and above one getRandomValues call are filled', () => {
    const big = defaultRandom(70_000);
    expect(big.length).toBe(70_000);
    // Each 64 KiB part was filled: neither half is all zeros.
    expect(big.subarray(0, 65_536).some((b) => b !== 0)).toBe(true);
    expect(big.subarray(65_536).some((b) => b !== 0)).toBe(true);
  });
});

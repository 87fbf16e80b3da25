/**
 * Incremental UTF-8 validation (RFC 3629 section 4, as RFC 6455 8.1 requires for text messages).
 *
 * Theory of operation: the validator keeps only how many continuation bytes are still due and the
 * allowed range of the next one, so a text message can be checked as its bytes arrive, across frame
 * and chunk boundaries, and fail at the first byte that cannot start or continue a valid sequence
 * (overlongs, surrogates U+D800-DFFF and code points above U+10FFFF are rejected by narrowing the
 * range of the first continuation byte, per the table in RFC 3629 section 4).
 */
export class Utf8Validator {
  /** Continuation bytes still expected for the current sequence. */
  private need = 0;
  /** Inclusive range allowed for the next continuation byte. */
  private lower = 0x80;
  private upper = 0xbf;

  /** Feeds bytes; returns false at the first invalid byte (the validator then stays invalid). */
  push(bytes: Uint8Array): boolean {
    if (this.need < 0) return false;
    let need = this.need;
    let lower = this.lower;
    let upper = this.upper;
    const n = bytes.length;
    for (let i = 0; i < n; i++) {
      const b = bytes[i]!;
      if (need === 0) {
        if (b < 0x80) continue;
        if (b >= 0xc2 && b <= 0xdf) need = 1;
        else if (b >= 0xe0 && b <= 0xef) {
          need = 2;
          if (b === 0xe0) lower = 0xa0;
          else if (b === 0xed) upper = 0x9f;
        } else if (b >= 0xf0 && b <= 0xf4) {
          need = 3;
          if (b === 0xf0) lower = 0x90;
          else if (b === 0xf4) upper = 0x8f;
        } else return this.fail();
      } else {
        if (b < lower || b > upper) return this.fail();
        lower = 0x80;
        upper = 0xbf;
        need--;
      }
    }
    this.need = need;
    this.lower = lower;
    this.upper = upper;
    return true;
  }

  /** True when the bytes so far end on a character boundary (a message may end here). */
  get complete(): boolean {
    return this.need === 0;
  }

  get failed(): boolean {
    return this.need < 0;
  }

  private fail(): false {
    this.need = -1;
    return false;
  }
}

/** One-shot check for a complete byte string. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  const v = new Utf8Validator();
  return v.push(bytes) && v.complete;
}

const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is a character of the message, not a signature to strip (RFC 6455 5.6
// delivers the payload as sent; ws and browsers keep it). The default decoder would drop it silently.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes bytes already known to be valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

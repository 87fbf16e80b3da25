/**
 * From a scenario file's bytes to its text, within limits: a file is at most `MAX_SCENARIO_BYTES`
 * (a scenario is a page of YAML; payloads are described by size, not pasted), and it must be UTF-8
 * (YAML 1.2 5.2): a stray byte is reported at its line and column instead of silently becoming U+FFFD.
 */
import { Utf8Validator } from '@synack/ws-frame';
import { ScenarioError, ScenarioErrors } from './errors.js';

/** The largest scenario file read: 1 MiB. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

/** Throws `ScenarioErrors` for a file over the size limit or not valid UTF-8; the text otherwise. */
export function decodeScenario(bytes: Uint8Array, file: string): string {
  if (bytes.length > MAX_SCENARIO_BYTES) throw tooLarge(bytes.length, file);
  try {
    return strict.decode(bytes);
  } catch {
    throw notUtf8(bytes, file);
  }
}

export function tooLarge(size: number, file: string): ScenarioErrors {
  const mib = (size / (1024 * 1024)).toFixed(1);
  return new ScenarioErrors([
    new ScenarioError(
      'SCENARIO_TOO_LARGE',
      `the file is ${mib} MiB; a scenario file may be at most 1 MiB (describe large payloads with size: and repeat:)`,
      { file, line: 1, column: 1 },
    ),
  ]);
}

function notUtf8(bytes: Uint8Array, file: string): ScenarioErrors {
  // The error is placed at the first byte of the character that cannot be completed.
  const validator = new Utf8Validator();
  let at = 0;
  let start = 0;
  for (; at < bytes.length; at++) {
    if (validator.complete) start = at;
    if (!validator.push(bytes.subarray(at, at + 1))) break;
  }
  at = start;
  const before = lenient.decode(bytes.subarray(0, at));
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  const column = before.length - lineStart + 1;
  const byte = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
  return new ScenarioErrors([
    new ScenarioError(
      'SCENARIO_NOT_UTF8',
      `byte 0x${byte} is not UTF-8; a scenario file must be UTF-8 text`,
      {
        file,
        line,
        column,
      },
    ),
  ]);
}

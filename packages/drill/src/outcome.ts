/**
 * What running a script gives: pass, fail (the first line that did not happen as written, with the
 * expected and actual values, in packetdrill's words), or unsupported (the construct the simulator
 * does not model, named; not a failure of the stack).
 */

export type Outcome =
  | { readonly status: 'pass' }
  | {
      readonly status: 'fail';
      /** The script line that failed (1-based). */
      readonly line: number;
      /** packetdrill's message, e.g. `live packet field tcp_window: expected: 65535 (0xffff) vs actual: 1026 (0x402)`. */
      readonly message: string;
      /** For packets: the script's packet and the one the simulator sent, in packetdrill notation. */
      readonly expected?: string;
      readonly actual?: string;
    }
  | {
      readonly status: 'unsupported';
      readonly line?: number;
      /** The construct, e.g. `sysctl net.inet.tcp.drop_synfin=1`, `udp packets`, `system call sendmsg`. */
      readonly construct: string;
    };

/** Thrown inside the runner; turned into an Outcome at the top. */
export class ScriptFailure extends Error {
  constructor(
    readonly line: number,
    message: string,
    readonly expected?: string,
    readonly actual?: string,
  ) {
    super(message);
    this.name = 'ScriptFailure';
  }
}

export class Unsupported extends Error {
  constructor(
    readonly construct: string,
    readonly line?: number,
  ) {
    super(`unsupported: ${construct}`);
    this.name = 'Unsupported';
  }
}

/** The outcome as packetdrill prints a failure: `file:line: message` plus the two packets. */
export function formatOutcome(file: string, outcome: Outcome): string {
  switch (outcome.status) {
    case 'pass':
      return `${file}: pass`;
    case 'unsupported':
      return `${file}${outcome.line !== undefined ? `:${outcome.line}` : ''}: unsupported: ${outcome.construct}`;
    case 'fail': {
      let s = `${file}:${outcome.line}: ${outcome.message}`;
      if (outcome.expected !== undefined) s += `\nscript packet: ${outcome.expected}`;
      if (outcome.actual !== undefined) s += `\nactual packet: ${outcome.actual}`;
      return s;
    }
  }
}

/**
 * A parsed packetdrill script: the command-line options it carries, an optional init command, the
 * timed events, an optional cleanup command. The shapes follow packetdrill's own grammar
 * (gtests/net/packetdrill/parser.y): every event is a time and one action (a packet, a system call,
 * a shell command or a code snippet). Times are integer microseconds, as packetdrill keeps them.
 */

/** When an event happens (parser.y `event_time`). */
export type EventTime =
  | { readonly type: 'absolute'; readonly usecs: number }
  | { readonly type: 'relative'; readonly usecs: number }
  /** `*`: any time (outbound packets only). */
  | { readonly type: 'any' }
  /** `0.1~0.2` (outbound packets only). */
  | { readonly type: 'absolute-range'; readonly usecs: number; readonly endUsecs: number }
  /** `+0.1~+0.2` (outbound packets only). */
  | { readonly type: 'relative-range'; readonly usecs: number; readonly endUsecs: number };

/** One TCP option as the script writes it, in the order written. */
export type OptionSpec =
  | { readonly kind: 'nop' }
  | { readonly kind: 'eol' }
  | { readonly kind: 'mss'; readonly value: number }
  | { readonly kind: 'wscale'; readonly value: number }
  | { readonly kind: 'sackOK' }
  | { readonly kind: 'sack'; readonly blocks: ReadonlyArray<readonly [number, number]> }
  | { readonly kind: 'TS'; readonly val: number; readonly ecr: number }
  /** Options the runner parses but does not model (md5, FO, FOEXP, ECN): named in the outcome. */
  | { readonly kind: 'unmodelled'; readonly name: string };

export interface PacketSpec {
  readonly direction: 'inbound' | 'outbound';
  /** packetdrill's flag letters as written: 'S', 'S.', 'P.', 'F.', 'R', '.', '' (written `-`). */
  readonly flags: string;
  /** Absent for `...(len)`: any sequence number (outbound only). */
  readonly seq?: number;
  readonly end?: number;
  readonly len: number;
  /** Absent when the script writes no `ack` (compared as 0, as packetdrill does). */
  readonly ack?: number;
  /** Absent: not checked (outbound only). */
  readonly win?: number;
  readonly urg?: number;
  /** `undefined` = `<...>` (options not checked, outbound only); [] = no options. */
  readonly options: readonly OptionSpec[] | undefined;
  /** `(ect0)`, `[tos 0x..]`, `[ttl 64]`...: IP-level details (named in an unsupported outcome). */
  readonly ipInfo?: string;
  readonly srcPort?: number;
  readonly dstPort?: number;
  /** A non-TCP packet (udp, icmp) or an encapsulation: named in an unsupported outcome. */
  readonly unsupported?: string;
}

/** Expressions in system call arguments and results (parser.y `expression`). */
export type Expr =
  | { readonly type: 'ellipsis' }
  | { readonly type: 'int'; readonly value: number; readonly text: string }
  | { readonly type: 'word'; readonly name: string }
  | { readonly type: 'string'; readonly value: string; readonly truncated: boolean }
  | { readonly type: 'list'; readonly items: readonly Expr[] }
  | { readonly type: 'or'; readonly lhs: Expr; readonly rhs: Expr }
  /** `{ name=value, ... }` or `{ a, b }`; a field may carry an argument: `msg_iov(1)=[...]`. */
  | {
      readonly type: 'struct';
      readonly fields: ReadonlyArray<{ readonly name?: string; readonly arg?: Expr; readonly value: Expr }>;
    }
  /** `htons(8080)`, `inet_addr("192.0.2.1")`. */
  | { readonly type: 'call'; readonly name: string; readonly args: readonly Expr[] };

export interface SyscallSpec {
  readonly name: string;
  readonly args: readonly Expr[];
  readonly result: Expr;
  /** `-1 EINPROGRESS (Operation now in progress)`: the errno name. */
  readonly errno?: string;
  /** The words in parentheses after the result or errno. */
  readonly note?: string;
  /** `0.1...0.2 accept(...)`: a blocking call that returns at this time (µs, as written). */
  readonly endUsecs?: number;
}

export type Action =
  | { readonly type: 'packet'; readonly packet: PacketSpec }
  | { readonly type: 'syscall'; readonly syscall: SyscallSpec }
  | { readonly type: 'command'; readonly command: string }
  | { readonly type: 'code'; readonly code: string };

export type ScriptEvent = Action & { readonly line: number; readonly time: EventTime };

export interface ScriptOption {
  readonly name: string;
  readonly value: string | undefined;
  readonly line: number;
}

export interface Script {
  readonly options: readonly ScriptOption[];
  readonly initCommand?: string;
  readonly events: readonly ScriptEvent[];
  readonly cleanupCommand?: string;
}
